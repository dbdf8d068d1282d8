import { STORED_DAY_COLUMNS, decodeDayEvents, insertIdsOf, type StoredDay } from '../cache/day-events.ts';
import type { SessionCache } from '../cache/session-cache.ts';
import { isoTime } from '../export/csv-file.ts';
import { NULL_KEY } from '../model/event-batch.ts';
import type { SessionEvent } from './contract.ts';

/**
 * A session's events in session order, with the gap before each: read from the one user-day
 * row that holds the session (its first_session_id and session_count say which), never a scan.
 */
export function sessionEvents(cache: SessionCache, userKey: number, sessionId: number): SessionEvent[] {
  const stored = cache.db
    .prepare(
      `SELECT first_session_id, ${STORED_DAY_COLUMNS} FROM user_days
       WHERE user_key = ? AND first_session_id <= ? AND first_session_id + session_count > ?`,
    )
    .get(userKey, sessionId, sessionId) as (StoredDay & { first_session_id: number }) | undefined;
  if (stored === undefined) return [];
  const events = decodeDayEvents(stored);
  const ordinal = sessionId - stored.first_session_id;
  const insertIds = insertIdsOf(events);
  const names = cache.definition.attributes.map((a) => a.name);
  const text = (key: number): string | null => (key === NULL_KEY ? null : cache.strings.valueOf(key));
  const out: SessionEvent[] = [];
  let previous: number | null = null;
  for (let k = 0; k < events.count; k++) {
    if (events.session[k] !== ordinal) continue;
    const attributes: Record<string, string | null> = {};
    names.forEach((name, a) => (attributes[name] = text(events.attrs[a][k])));
    const props = events.props?.[k] ?? null;
    out.push({
      time: isoTime(events.time[k]),
      event: cache.strings.valueOf(events.name[k]),
      insert_id: insertIds[k],
      gap_ms: previous === null ? null : events.time[k] - previous,
      attributes,
      properties: props === null ? null : (JSON.parse(props) as Record<string, unknown>),
    });
    previous = events.time[k];
  }
  return out;
}
