import type { SessionCache } from '../cache/session-cache.ts';
import { attrColumn } from '../cache/schema.ts';
import { CsvFileWriter, isoTime, neutraliseFormula } from './csv-file.ts';

export const EVENT_COLUMNS = ['user_id', 'session_id', 'time', 'insert_id', 'event'] as const;

/**
 * Writes the events CSV, the user-journey table (SPEC §2): every sessionized event with its
 * session_id, ordered by user, time, insert id. Excluded events belong to no session and are
 * left out. Returns rows written.
 */
export function exportEvents(cache: SessionCache, path: string): number {
  const attributes = cache.definition.attributes.map((a) => a.name);
  const users = cache.db.prepare('SELECT user_key, user_id FROM users ORDER BY user_id').raw();
  // A user's days in order, and each day's events in key order, which is session order.
  const events = cache.db
    .prepare(
      `SELECT e.session_id, e.time, e.insert_id, e.name_key${attributes.map((a) => `, e.${attrColumn(a)}`).join('')}
       FROM user_days d JOIN events e ON e.event_key >= d.first_event_key AND e.event_key < d.first_event_key + d.event_count
       WHERE d.user_key = ? AND e.session_id IS NOT NULL
       ORDER BY d.local_day, e.event_key`,
    )
    .raw();
  const text = (key: unknown): string | null => (key === null ? null : neutraliseFormula(cache.strings.valueOf(key as number)));
  const out = new CsvFileWriter(path, [...EVENT_COLUMNS, ...attributes]);
  try {
    for (const [userKey, userId] of users.iterate() as Iterable<[number, string]>) {
      const user = neutraliseFormula(userId);
      for (const r of events.iterate(userKey) as Iterable<unknown[]>) {
        const cells = [user, r[0] as number, isoTime(r[1] as number), neutraliseFormula(r[2] as string), text(r[3])];
        for (let a = 0; a < attributes.length; a++) cells.push(text(r[4 + a]));
        out.row(cells);
      }
    }
  } finally {
    out.close();
  }
  return out.rowCount - 1;
}
