import { rowSortingFeature, tableFeatures, type ColumnDef } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { SESSION_SORT_COLUMNS, type SessionRow } from '../../../core/api/contract.ts';
import { clock, count, duration, orNone } from '../format.ts';

/** A grid row: the session and its position in the sorted, filtered list. */
export interface GridRow {
  index: number;
  session: SessionRow;
}

export interface SessionColumnMeta {
  /** Pixels. */
  width: number;
  numeric?: boolean;
  /** What the header's tooltip explains. */
  description: string;
}

/** Sorting only, and manual: the server sorts (SessionTable), the grid shows what it answers. */
export const features = tableFeatures({ rowSortingFeature, columnMeta: {} as SessionColumnMeta });
export type SessionColumn = ColumnDef<typeof features, GridRow>;

interface Spec extends SessionColumnMeta {
  value: (session: SessionRow) => string | number | null;
  /** How the cell shows the value, when not as text. */
  render?: (session: SessionRow) => ReactNode;
}

function column(id: string, spec: Spec): SessionColumn {
  const { value, render, ...meta } = spec;
  return {
    id,
    header: id,
    accessorFn: (row) => value(row.session),
    cell: (context) => {
      const session = context.row.original.session;
      if (render) return render(session);
      const shown = value(session);
      return shown === null ? <span className="muted">{orNone(shown)}</span> : typeof shown === 'number' ? count(shown) : shown;
    },
    meta,
    // Counts and durations first show the largest; text and times start from the beginning.
    sortDescFirst: meta.numeric === true,
  };
}

/** The sessions CSV's columns (SPEC §2), end_date left out (always start_date), then each attribute. */
export function sessionColumns(attributes: string[], zone: string): SessionColumn[] {
  const time = (iso: string) => (
    <time dateTime={iso} title={iso}>
      {clock(iso, zone)}
    </time>
  );
  const local = `local time (${zone}); the CSV has it in UTC`;
  const fixed: Record<(typeof SESSION_SORT_COLUMNS)[number], Omit<Spec, 'value'>> = {
    user_id: { width: 150, description: 'The user', render: (s) => <span title={s.user_id}>{s.user_id}</span> },
    session_id: { width: 104, numeric: true, description: 'The user’s session ordinal: 1, 2, 3 … in time order' },
    start_date: { width: 100, description: `Local date (${zone})` },
    start_time: { width: 88, description: `First event, ${local}`, render: (s) => time(s.start_time) },
    end_time: { width: 88, description: `Last event, ${local}`, render: (s) => time(s.end_time) },
    session_duration_secs: {
      width: 180,
      numeric: true,
      description: 'Seconds from the first to the last event (floored)',
      render: (s) => (
        <>
          <span className="duration-human">{duration(s.session_duration_secs)}</span>
          <span>{count(s.session_duration_secs)}</span>
        </>
      ),
    },
    event_count: { width: 108, numeric: true, description: 'Events in the session' },
    first_event: { width: 130, description: 'Name of the first event' },
    last_event: { width: 130, description: 'Name of the last event' },
  };
  return [
    ...SESSION_SORT_COLUMNS.map((id) => column(id, { ...fixed[id], value: (s) => s[id] })),
    ...attributes.map((name) =>
      column(name, { width: 96, description: `Attribute: the session’s first non-null ${name}`, value: (s) => s.attributes[name] ?? null }),
    ),
  ];
}
