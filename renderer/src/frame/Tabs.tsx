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
