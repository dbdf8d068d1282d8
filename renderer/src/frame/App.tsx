import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { CacheSummary, SessionFilters } from '../../../core/api/contract.ts';
import { messageOf, type AppHost } from '../api/index.ts';
import { count } from '../format.ts';
import { JourneysView } from '../journeys/JourneysView.tsx';
import { SessionsView } from '../sessions/SessionsView.tsx';
import { DataPanel } from './DataPanel.tsx';
import { ExplorerProvider, type Explorer, type JourneyTarget } from './explorer.tsx';
import { TABS, Tabs, type TabId } from './Tabs.tsx';

/** The open cache as the UI knows it: still asking, none, or its summary. */
export type SummaryState = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; summary: CacheSummary | null };

export function App({ host }: { host: AppHost }) {
  const [state, setState] = useState<SummaryState>({ kind: 'loading' });
  /** Bumped whenever the cache changes, so views fetch again. */
  const [version, setVersion] = useState(0);
  const [tab, setTab] = useState<TabId>('sessions');

  /** The summary last shown, to tell a change from the echo of one (a call's answer and its `workspace` event). */
  const shown = useRef<string | null>(null);

  const load = useCallback(() => {
    setState({ kind: 'loading' });
    host.api.summary({}).then(
      (summary) => {
        shown.current = JSON.stringify(summary);
        setState({ kind: 'ready', summary });
      },
      (error: unknown) => setState({ kind: 'failed', message: messageOf(error) }),
    );
  }, [host]);
  useEffect(load, [load]);

  const [previewMs, setPreviewMs] = useState<number | null>(null);
  const [previewCount, setPreviewCount] = useState<number | null>(null);
  const [journeyTarget, setJourneyTarget] = useState<JourneyTarget | null>(null);
  const [filters, setFilters] = useState<SessionFilters>({});

  const changed = useCallback((summary: CacheSummary | null) => {
    const text = JSON.stringify(summary);
    if (text === shown.current) return;
    shown.current = text;
    setState((old) => {
      // A new cache (not a new state of the same one): its values would not fit the old filters.
      if (old.kind !== 'ready' || old.summary?.path !== summary?.path) setFilters({});
      return { kind: 'ready', summary };
    });
    setVersion((v) => v + 1);
    setPreviewMs(null);
  }, []);
  // Another window or a menu command changed the cache: show its new state.
  useEffect(() => host.onEvent('workspace', changed), [host, changed]);

  const summary = state.kind === 'ready' ? state.summary : null;
  const storedMs = summary?.definition.threshold_ms ?? 0;
  const preview = previewMs !== null && previewMs !== storedMs ? previewMs : null;

  // The header's count follows the preview (the gap index answers it without reading SQLite).
  useEffect(() => {
    if (preview === null) return setPreviewCount(null);
    let current = true;
    host.api.previewThreshold({ threshold_ms: preview }).then(
      (answer) => current && setPreviewCount(answer.sessions),
      () => current && setPreviewCount(null),
    );
    return () => {
      current = false;
    };
  }, [host, preview, version]);

  const explorer = useMemo<Explorer>(
    () => ({
      host,
      summary,
      version,
      previewMs: preview,
      setPreviewMs,
      thresholdMs: preview ?? storedMs,
      changed,
      filters,
      setFilters,
      showJourney: (target) => {
        setJourneyTarget(target);
        setTab('journeys');
      },
      journeyTarget,
    }),
    [host, summary, version, preview, storedMs, changed, filters, journeyTarget],
  );

  const shownCount = preview !== null && previewCount !== null ? previewCount : (summary?.sessions ?? 0);
  return (
    <ExplorerProvider value={explorer}>
    <div className="app">
      <AppHeader>
        {summary !== null && <span className="header-cache">{summary.demo ? 'Demo data' : summary.path}</span>}
        <span className="header-count" role="status" aria-label="Session count" aria-live="polite">
          {state.kind === 'ready' ? `${count(shownCount)} sessions` : '…'}
        </span>
        {preview !== null && <span className="header-preview">previewing a new threshold</span>}
      </AppHeader>
      <div className="app-body">
        <DataPanel host={host} state={state} onChanged={changed} onRetry={load} />
        <main className="workspace">
          <Tabs current={tab} onChange={setTab} />
          {TABS.map(({ id }) => (
            <div key={id} className="tab-panel" role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={tab !== id}>
              {tab === id && <View tab={id} state={state} />}
            </div>
          ))}
        </main>
      </div>
    </div>
    </ExplorerProvider>
  );
}

// The chart views load with their charting library on first use: the first screen does not wait for it.
const MetricsView = lazy(() => import('../metrics/MetricsView.tsx').then((m) => ({ default: m.MetricsView })));
const ThresholdView = lazy(() => import('../threshold/ThresholdView.tsx').then((m) => ({ default: m.ThresholdView })));

function View({ tab, state }: { tab: TabId; state: SummaryState }) {
  switch (tab) {
    case 'sessions':
      return <SessionsView state={state} />;
    case 'journeys':
      return <JourneysView />;
    case 'metrics':
      return (
        <Suspense fallback={<div className="empty-state">Loading…</div>}>
          <MetricsView />
        </Suspense>
      );
    case 'threshold':
      return (
        <Suspense fallback={<div className="empty-state">Loading…</div>}>
          <ThresholdView />
        </Suspense>
      );
  }
}

/** A browser page opened without the server's access token. */
export function NoConnection() {
  return (
    <div className="app">
      <AppHeader />
      <div className="empty-state page-message" role="alert">
        <h2>This page cannot reach the app</h2>
        <p>
          Open the address that <code>session-explorer serve</code> printed: it carries the access token for this run.
        </p>
      </div>
    </div>
  );
}

function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header">
      <h1 className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Session Explorer
      </h1>
      {children}
    </header>
  );
}
