import { useRef, type KeyboardEvent } from 'react';

export const TABS = [
  { id: 'sessions', label: 'Sessions' },
  { id: 'journeys', label: 'Journeys' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'threshold', label: 'Threshold' },
] as const;
export type TabId = (typeof TABS)[number]['id'];

/** The views, as a tab list: arrow keys, Home and End move between tabs (one tab stop). */
export function Tabs({ current, onChange }: { current: TabId; onChange: (tab: TabId) => void }) {
  const list = useRef<HTMLDivElement>(null);
  const move = (event: KeyboardEvent) => {
    const at = TABS.findIndex((t) => t.id === current);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = TABS[(to + TABS.length) % TABS.length];
    onChange(next.id);
    list.current?.querySelector<HTMLElement>(`#tab-${next.id}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Views" ref={list} onKeyDown={move}>
      {TABS.map(({ id, label }) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-selected={current === id}
          aria-controls={`panel-${id}`}
          tabIndex={current === id ? 0 : -1}
          className="tab"
          onClick={() => onChange(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

const NEXT: Record<Exclude<TabId, 'sessions'>, { title: string; text: string; command: string }> = {
  journeys: {
    title: 'Journeys arrive next',
    text: 'Each user’s events in session order, with the gaps that split them — the events CSV, browsable.',
    command: 'session-explorer export events --db CACHE --out events.csv',
  },
  metrics: {
    title: 'Metrics arrive next',
    text: 'Per day: sessions, users, average session time per user, first-session duration, median and p90, bounce share.',
    command: 'session-explorer metrics --db CACHE',
  },
  threshold: {
    title: 'The threshold slider arrives next',
    text: 'Move the inactivity threshold and watch the session count and durations re-sessionize live; apply it to the cache.',
    command: 'session-explorer sweep --db CACHE --thresholds 5m,10m,20m,30m,1h',
  },
};

/** A deliberate "not yet" for views of a later issue. */
export function Placeholder({ tab }: { tab: Exclude<TabId, 'sessions'> }) {
  return (
    <div className="empty-state">
      <h2>{NEXT[tab].title}</h2>
      <p>{NEXT[tab].text}</p>
      <p className="muted">Meanwhile, the command line has it:</p>
      <code className="command">{NEXT[tab].command}</code>
    </div>
  );
}
