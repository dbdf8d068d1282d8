import type { SortingState, Updater } from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionRow } from '../../../core/api/contract.ts';
import { count } from '../format.ts';
import type { SummaryState } from '../frame/App.tsx';
import { previewParam, useExplorer, type Explorer } from '../frame/explorer.tsx';
import { sessionColumns } from './columns.tsx';
import { FilterBar, hasFilters } from './FilterBar.tsx';
import { useFilterChoices } from './use-filter-choices.ts';
import { SessionGrid, sessionKey } from './SessionGrid.tsx';
import { SessionPanel } from './SessionPanel.tsx';
import { useSessionPages, type SessionSort } from './use-session-pages.ts';
import { ErrorState } from '../frame/ErrorState.tsx';

/** The Sessions view: filters, the virtualized grid, and the open session's events beside it. */
export function SessionsView({ state }: { state: SummaryState }) {
  const explorer = useExplorer();
  const { host, version } = explorer;
  const summary = state.kind === 'ready' ? state.summary : null;
  const [sorting, setSorting] = useState<SortingState>([]);
  const { filters, setFilters } = explorer;
  const [open, setOpen] = useState<SessionRow | null>(null);

  const attributes = useMemo(() => summary?.definition.attributes.map((a) => a.name) ?? [], [summary]);
  const zone = summary?.definition.time_zone ?? 'UTC';
  const columns = useMemo(() => sessionColumns(attributes, zone), [attributes, zone]);
  const sort = useMemo<SessionSort | null>(
    () => (sorting.length === 0 ? null : { column: sorting[0].id, direction: sorting[0].desc ? 'desc' : 'asc' }),
    [sorting],
  );
  const onSortingChange = useCallback((updater: Updater<SortingState>) => setSorting((old) => (typeof updater === 'function' ? updater(old) : updater)), []);
  const choices = useFilterChoices(host.api, version, summary !== null);
  const pages = useSessionPages(host.api, summary === null ? null : { sort, filters, ...previewParam(explorer) }, version);
  // The cache changed: the open session may be gone, or another now.
  useEffect(() => setOpen(null), [version, explorer.previewMs]);

  if (state.kind === 'loading') return <div className="empty-state">Loading…</div>;
  if (summary === null) {
    return (
      <div className="empty-state">
        <h2>No data yet</h2>
        <p>Open the demo data, or import event files (CSV or Mixpanel export NDJSON), from the Data panel.</p>
      </div>
    );
  }

  const filtered = hasFilters(filters);
  let overlay: ReactNode = null;
  if (pages.error !== null) {
    overlay = (
      <ErrorState title="The sessions could not be read" message={pages.error} onRetry={pages.retry} />
    );
  } else if (pages.total === 0) {
    overlay = filtered ? (
      <div className="empty-state">
        <h2>No session matches these filters</h2>
        <button type="button" className="button" onClick={() => setFilters({})}>
          Clear filters
        </button>
      </div>
    ) : (
      <div className="empty-state">
        <h2>The cache holds no sessions</h2>
        <p>Import event files to fill it.</p>
      </div>
    );
  }

  return (
    <div className={`sessions-view${open ? ' with-panel' : ''}`}>
      <div className="sessions-main">
        <FilterBar api={host.api} summary={summary} choices={choices} filters={filters} onChange={setFilters} />
        <div className="result-line" aria-live="polite">
          {pages.total === null
            ? 'Loading sessions…'
            : filtered
              ? `${count(pages.total)} of ${count(summary.sessions)} sessions match`
              : `${count(pages.total)} sessions`}
          {sort !== null && <span className="muted"> · sorted by {sort.column} {sort.direction === 'asc' ? '↑' : '↓'}</span>}
          {pages.total !== null && pages.total > 0 && <span className="hint"> · click a row or press Enter to see its events</span>}
        </div>
        <SessionGrid
          columns={columns}
          pages={pages}
          sorting={sorting}
          onSortingChange={onSortingChange}
          openKey={open === null ? null : sessionKey(open)}
          onOpen={setOpen}
          overlay={overlay}
        />
      </div>
      {open !== null && (
        <SessionPanel
          key={sessionKey(open)}
          api={host.api}
          session={open}
          zone={zone}
          attributes={attributes}
          onClose={() => setOpen(null)}
          {...previewParamAs(explorer)}
          onShowJourney={() => explorer.showJourney({ user_id: open.user_id, session_id: open.session_id })}
        />
      )}
    </div>
  );
}

function previewParamAs(explorer: Explorer): { thresholdMs?: number } {
  return explorer.previewMs === null ? {} : { thresholdMs: explorer.previewMs };
}
