import { useExplorer } from '../frame/explorer.tsx';

/** Placeholder until the view lands. */
export function MetricsView() {
  const { summary } = useExplorer();
  return <div className="empty-state">{summary === null ? 'No data yet' : 'MetricsView'}</div>;
}
