import { useTable, type SortingState, type Updater } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import type { SessionRow } from '../../../core/api/contract.ts';
import { features, type GridRow, type SessionColumn } from './columns.tsx';
import type { SessionPages } from './use-session-pages.ts';

const ROW_HEIGHT = 28;
const HEADER_HEIGHT = 32;

export const sessionKey = (s: Pick<SessionRow, 'user_id' | 'session_id'>) => `${s.session_id}\u0000${s.user_id}`;

/**
 * The sessions as an ARIA grid: a sticky header whose buttons sort (on the server), and only
 * the rows in view rendered (TanStack Virtual), asked for a page at a time. One tab stop;
 * arrow keys, Page Up/Down, Home and End move between rows; Enter opens a session.
 */
export function SessionGrid({ columns, pages, sorting, onSortingChange, openKey, onOpen, overlay }: {
  columns: SessionColumn[];
  pages: SessionPages;
  sorting: SortingState;
  onSortingChange: (updater: Updater<SortingState>) => void;
  /** The session open in the side panel, if any. */
  openKey: string | null;
  onOpen: (session: SessionRow) => void;
  /** Shown over the grid's body instead of rows (empty, error). */
  overlay: ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const total = pages.total ?? 0;
  const [active, setActive] = useState(0);
  const focusActive = useRef(false);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { want } = pages;
  useEffect(() => {
    if (total > 0) want(first, last);
  }, [want, first, last, total]);

  // A new list (sort, filters, data): back to the top.
  useEffect(() => {
    setActive(0);
    if (pages.total === null) scroller.current?.scrollTo({ top: 0 });
  }, [pages.total]);

  // The table gets the rows in view that have arrived (its row model is rebuilt per render: a few dozen rows).
  const data: GridRow[] = [];
  for (const item of items) {
    const session = pages.rowAt(item.index);
    if (session !== undefined) data.push({ index: item.index, session });
  }

  const table = useTable({
    features,
    columns,
    data,
    state: { sorting },
    onSortingChange,
    manualSorting: true,
    enableMultiSort: false,
    sortDescFirst: false,
    getRowId: (row) => String(row.index),
  });
  const byIndex = new Map(table.getRowModel().rows.map((row) => [row.original.index, row]));
  const template = columns.map((c) => `${c.meta?.width ?? 100}px`).join(' ');
  const width = columns.reduce((sum, c) => sum + (c.meta?.width ?? 100), 0);

  // Focus follows the active row once it is rendered (after a scroll to it).
  useEffect(() => {
    if (!focusActive.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (row) {
      row.focus({ preventScroll: true });
      focusActive.current = false;
    }
  });

  const moveTo = (index: number) => {
    const to = Math.max(0, Math.min(total - 1, index));
    setActive(to);
    focusActive.current = true;
    virtualizer.scrollToIndex(to, { align: 'auto' });
  };
  const pageRows = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 400) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0 || (event.target as HTMLElement).closest('[role=row][data-index]') === null && event.target !== scroller.current) return;
    const at = event.target === scroller.current ? first : active;
    const moves: Record<string, number> = {
      ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + pageRows, PageUp: at - pageRows, Home: 0, End: total - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      moveTo(moves[event.key]);
    } else if (event.key === 'Enter' || event.key === ' ') {
      const session = pages.rowAt(at);
      if (session !== undefined) {
        event.preventDefault();
        onOpen(session);
      }
    }
  };
  const activeRendered = items.some((item) => item.index === active);

  return (
    <div className="grid-frame">
      <div
        className="grid"
        ref={scroller}
        role="grid"
        aria-label="Sessions"
        aria-rowcount={total + 1}
        aria-colcount={columns.length}
        aria-busy={pages.total === null}
        tabIndex={activeRendered ? -1 : 0}
        style={{ '--grid-columns': template, '--grid-width': `${width}px` } as CSSProperties}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" aria-rowindex={1} className="grid-row head" key={group.id}>
              {group.headers.map((header, c) => {
                const sorted = header.column.getIsSorted();
                const meta = header.column.columnDef.meta;
                return (
                  <div
                    role="columnheader"
                    key={header.id}
                    aria-colindex={c + 1}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    className={`grid-cell${meta?.numeric ? ' num' : ''}`}
                  >
                    <button type="button" className="sort-button" title={meta?.description} onClick={header.column.getToggleSortingHandler()}>
                      <table.FlexRender header={header} />
                      <span className={`sort-mark ${sorted || 'none'}`} aria-hidden="true" />
                    </button>
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() - HEADER_HEIGHT }}>
          {items.map((item) => {
            const row = byIndex.get(item.index);
            const style = { transform: `translateY(${item.start - HEADER_HEIGHT}px)` };
            const common = {
              role: 'row',
              'data-index': item.index,
              'aria-rowindex': item.index + 2,
              tabIndex: item.index === active ? 0 : -1,
              style,
              onFocus: () => setActive(item.index),
            };
            if (row === undefined) {
              return (
                <div {...common} key={`loading-${item.index}`} className="grid-row loading" aria-busy="true">
                  {columns.map((column, c) => (
                    <div role="gridcell" key={column.id} aria-colindex={c + 1} className="grid-cell">
                      <span className="skeleton" />
                    </div>
                  ))}
                </div>
              );
            }
            const session = row.original.session;
            return (
              <div
                {...common}
                key={`${item.index}-${sessionKey(session)}`}
                className="grid-row"
                aria-selected={openKey === sessionKey(session)}
                onClick={() => {
                  setActive(item.index);
                  onOpen(session);
                }}
              >
                {row.getAllCells().map((cell, c) => (
                  <div role="gridcell" key={cell.id} aria-colindex={c + 1} className={`grid-cell${cell.column.columnDef.meta?.numeric ? ' num' : ''}`}>
                    <table.FlexRender cell={cell} />
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {overlay !== null && <div className="grid-overlay">{overlay}</div>}
    </div>
  );
}
