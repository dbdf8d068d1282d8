import { STORED_DAY_COLUMNS, decodeDayEvents, insertIdsOf, type StoredDay } from '../cache/day-events.ts';
import { NULL_KEY } from '../model/event-batch.ts';
import type { SessionCache } from '../cache/session-cache.ts';
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
  const days = cache.db
    .prepare(`SELECT first_session_id, ${STORED_DAY_COLUMNS} FROM user_days WHERE user_key = ? ORDER BY local_day`);
  const text = (key: number): string | null => (key === NULL_KEY ? null : neutraliseFormula(cache.strings.valueOf(key)));
  const out = new CsvFileWriter(path, [...EVENT_COLUMNS, ...attributes]);
  try {
    for (const [userKey, userId] of users.iterate() as Iterable<[number, string]>) {
      const user = neutraliseFormula(userId);
      for (const stored of days.iterate(userKey) as Iterable<StoredDay & { first_session_id: number }>) {
        const events = decodeDayEvents(stored);
        const insertIds = insertIdsOf(events);
        for (let k = 0; k < events.count; k++) {
          const ordinal = events.session[k];
          if (ordinal < 0) continue;
          const cells = [user, stored.first_session_id + ordinal, isoTime(events.time[k]), neutraliseFormula(insertIds[k]), text(events.name[k])];
          for (const column of events.attrs) cells.push(text(column[k]));
          out.row(cells);
        }
      }
    }
  } finally {
    out.close();
  }
  return out.rowCount - 1;
}
