import { decodeDayEvents, STORED_DAY_COLUMNS, type StoredDay } from '../cache/day-events.ts';
import type { SessionCache } from '../cache/session-cache.ts';
import type { ZoneCalendar } from '../time/zone-calendar.ts';
import type { JourneySession, UserJourney } from './contract.ts';
import { DayEventReader } from './session-events.ts';
import type { SessionTable } from './session-table.ts';

/** Events a timeline carries at most; a heavier user (a bot, a test account) is cut there. */
const MAX_JOURNEY_EVENTS = 20_000;
const MS_PER_DAY = 86_400_000;

/**
 * A user's timeline: their sessions under the table's definition, grouped by local date, each
 * with its events. One read of the user's day rows; sessions come from the table, so a preview
 * threshold's journey needs nothing else.
 */
export function userJourney(cache: SessionCache, table: SessionTable, calendar: ZoneCalendar, userKey: number, thresholdMs: number): UserJourney {
  const { first, count } = table.rowsOfUser(userKey);
  const { previous, next } = table.neighbours(userKey);
  const readers = new Map<number, DayEventReader>();
  const days = cache.db.prepare(`SELECT local_day, ${STORED_DAY_COLUMNS} FROM user_days WHERE user_key = ? ORDER BY local_day`);
  for (const row of days.iterate(userKey) as Iterable<StoredDay & { local_day: number }>) {
    readers.set(row.local_day, new DayEventReader(cache, decodeDayEvents(row)));
  }
  // Where a tick goes: the wall-clock time of day, as the user's clock read it.
  const clockOffset = (t: number) => (((t + calendar.offsetAt(t)) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;

  const byDate = new Map<string, JourneySession[]>();
  let shownEvents = 0;
  let events = 0;
  let truncated = false;
  for (let r = first; r < first + count; r++) {
    const session = table.row(r);
    events += session.event_count;
    if (shownEvents + session.event_count > MAX_JOURNEY_EVENTS) {
      truncated = true;
      continue;
    }
    const span = table.span(r);
    const reader = readers.get(span.day);
    const sessionEvents = reader === undefined ? [] : reader.between(span.startTime, span.endTime);
    shownEvents += sessionEvents.length;
    const list = byDate.get(session.start_date) ?? [];
    list.push({
      session,
      start_offset_ms: clockOffset(span.startTime),
      end_offset_ms: clockOffset(span.endTime),
      events: sessionEvents.map((event) => ({ ...event, offset_ms: clockOffset(Date.parse(event.time)) })),
    });
    byDate.set(session.start_date, list);
  }
  return {
    user_id: table.userId(userKey),
    threshold_ms: thresholdMs,
    previous_user: previous === undefined ? null : table.userId(previous),
    next_user: next === undefined ? null : table.userId(next),
    sessions: count,
    events,
    days: [...byDate].map(([date, sessions]) => ({ date, sessions })),
    truncated,
  };
}

