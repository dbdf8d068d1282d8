import { BASE_ATTRIBUTES } from '../definition.ts';
import type { SessionCache } from '../cache/session-cache.ts';
import type { SessionRow } from '../api/contract.ts';
import { attrColumn } from '../cache/schema.ts';
import { dayToIsoDate } from '../time/calendar-day.ts';
import { CsvFileWriter, isoTime, neutraliseFormula } from './csv-file.ts';

export const SESSION_COLUMNS = [
  'user_id', 'session_id', 'start_date', 'end_date', 'start_time', 'end_time', 'session_duration_secs',
  'event_count', 'first_event', 'last_event',
] as const;

/** SPEC §2 attribute columns: country, device, os always (empty when not defined), then the rest. */
export function exportedAttributes(definitionAttributes: string[]): string[] {
  return [...BASE_ATTRIBUTES, ...definitionAttributes.filter((a) => !(BASE_ATTRIBUTES as readonly string[]).includes(a))];
}

/** Writes the sessions CSV (SPEC §2), ordered by user_id (code point order), session_id. Returns rows written. */
export function exportSessions(cache: SessionCache, path: string): number {
  const defined = cache.definition.attributes.map((a) => a.name);
  const columns = exportedAttributes(defined);
  const select = columns.map((name) => (defined.includes(name) ? `s.${attrColumn(name)}` : 'NULL'));
  const rows = cache.db
    .prepare(
      `SELECT u.user_id, s.session_id, s.start_day, s.start_time, s.end_time, s.duration_secs, s.event_count,
         s.first_name_key, s.last_name_key${select.map((c) => `, ${c}`).join('')}
       FROM sessions s JOIN users u USING (user_key)
       ORDER BY u.user_id, s.session_id`,
    )
    .raw();
  const text = (key: unknown): string | null => (key === null ? null : neutraliseFormula(cache.strings.valueOf(key as number)));
  const out = new CsvFileWriter(path, [...SESSION_COLUMNS, ...columns]);
  try {
    for (const r of rows.iterate() as Iterable<unknown[]>) {
      const date = dayToIsoDate(r[2] as number);
      const cells = [
        neutraliseFormula(r[0] as string), r[1] as number, date, date, isoTime(r[3] as number), isoTime(r[4] as number),
        r[5] as number, r[6] as number, text(r[7]), text(r[8]),
      ];
      for (let a = 0; a < columns.length; a++) cells.push(text(r[9 + a]));
      out.row(cells);
    }
  } finally {
    out.close();
  }
  return out.rowCount - 1;
}

/** Rows written between progress reports (and pauses that let progress reach the UI). */
const PROGRESS_EVERY = 20_000;

export interface RowExportOptions {
  /** Called with the rows written so far, every so often and at the end. */
  onProgress?: (rows: number, total: number) => void;
}

/**
 * Writes the sessions CSV from session rows (the app's in-memory table: a preview threshold,
 * filters): the same columns and cells as `exportSessions`. Yields to the event loop between
 * chunks so progress reaches the UI.
 */
export async function exportSessionRows(
  definitionAttributes: string[],
  total: number,
  rowAt: (index: number) => SessionRow,
  path: string,
  options: RowExportOptions = {},
): Promise<number> {
  const columns = exportedAttributes(definitionAttributes);
  const text = (value: string | null | undefined): string | null => (value == null ? null : neutraliseFormula(value));
  const out = new CsvFileWriter(path, [...SESSION_COLUMNS, ...columns]);
  try {
    for (let i = 0; i < total; i++) {
      const r = rowAt(i);
      const cells = [
        neutraliseFormula(r.user_id), r.session_id, r.start_date, r.end_date, r.start_time, r.end_time,
        r.session_duration_secs, r.event_count, text(r.first_event), text(r.last_event),
      ];
      for (const name of columns) cells.push(text(r.attributes[name]));
      out.row(cells);
      if ((i + 1) % PROGRESS_EVERY === 0) {
        options.onProgress?.(i + 1, total);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    out.close();
  }
  options.onProgress?.(total, total);
  return out.rowCount - 1;
}
