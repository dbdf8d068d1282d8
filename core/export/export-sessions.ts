import { BASE_ATTRIBUTES } from '../definition.ts';
import type { SessionCache } from '../cache/session-cache.ts';
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
