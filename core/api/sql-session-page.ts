import type { SessionCache } from '../cache/session-cache.ts';
import { attrColumn } from '../cache/schema.ts';
import { isoTime } from '../export/csv-file.ts';
import { dayToIsoDate } from '../time/calendar-day.ts';
import type { SessionRow } from './contract.ts';

/**
 * A page of the stored sessions in the default order (user_id, session_id), straight from
 * SQLite: what the Sessions view shows while the in-memory table is still being read. Walks
 * the users' index and each user's primary key, so the first pages cost a few milliseconds on
 * any cache size (a deep offset costs more; by then the table is ready).
 */
export function sqlSessionPage(cache: SessionCache, offset: number, limit: number): SessionRow[] {
  const attributes = cache.definition.attributes.map((a) => a.name);
  const select = attributes.map((a) => `, s.${attrColumn(a)}`).join('');
  const rows = cache.db
    .prepare(
      `SELECT u.user_id, s.session_id, s.start_day, s.start_time, s.end_time, s.duration_secs, s.event_count,
         s.first_name_key, s.last_name_key${select}
       FROM users u JOIN sessions s USING (user_key)
       ORDER BY u.user_id, s.start_day, s.start_time LIMIT ? OFFSET ?`,
    )
    .raw()
    .all(limit, offset) as Array<Array<string | number | null>>;
  return rows.map((r) => {
    const date = dayToIsoDate(r[2] as number);
    const values: Record<string, string | null> = {};
    attributes.forEach((name, a) => (values[name] = r[9 + a] === null ? null : cache.strings.valueOf(r[9 + a] as number)));
    return {
      user_id: r[0] as string,
      session_id: r[1] as number,
      start_date: date,
      end_date: date,
      start_time: isoTime(r[3] as number),
      end_time: isoTime(r[4] as number),
      session_duration_secs: r[5] as number,
      event_count: r[6] as number,
      first_event: cache.strings.valueOf(r[7] as number),
      last_event: cache.strings.valueOf(r[8] as number),
      attributes: values,
    };
  });
}
