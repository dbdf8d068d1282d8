import { decodeDayEvents, insertIdsOf, STORED_DAY_COLUMNS, type DayEvents, type StoredDay } from '../cache/day-events.ts';
import type { SessionCache } from '../cache/session-cache.ts';
import { isoTime } from '../export/csv-file.ts';
import { NULL_KEY } from '../model/event-batch.ts';
import type { SessionEvent } from './contract.ts';

/** Where a session is: its user, local day and first and last event times. */
export interface SessionSpan {
  userKey: number;
  day: number;
  startTime: number;
  endTime: number;
}

/**
 * A session's events in session order, with the gap before each: read from the one user-day
 * row that holds it, never a scan. A session is the day's events from its first to its last
 * event time (sessions of a day never overlap: a gap over the threshold separates them), so
 * the same read serves stored sessions and a preview threshold's.
 */
export function sessionEvents(cache: SessionCache, span: SessionSpan): SessionEvent[] {
  const stored = cache.db
    .prepare(`SELECT ${STORED_DAY_COLUMNS} FROM user_days WHERE user_key = ? AND local_day = ?`)
    .get(span.userKey, span.day) as StoredDay | undefined;
  if (stored === undefined) return [];
  const reader = new DayEventReader(cache, decodeDayEvents(stored));
  return reader.between(span.startTime, span.endTime);
}

/** Turns a decoded user-day's events into the API's events. */
export class DayEventReader {
  readonly events: DayEvents;
  private readonly insertIds: string[];
  private readonly names: string[];
  private readonly cache: SessionCache;

  constructor(cache: SessionCache, events: DayEvents) {
    this.cache = cache;
    this.events = events;
    this.insertIds = insertIdsOf(events);
    this.names = cache.definition.attributes.map((a) => a.name);
  }

  /** The day's sessionized events (excluded ones left out) with times in [from, to], in order. */
  between(from: number, to: number): SessionEvent[] {
    const { events } = this;
    const out: SessionEvent[] = [];
    let previous: number | null = null;
    for (let k = 0; k < events.count; k++) {
      const time = events.time[k];
      if (events.session[k] < 0 || time < from || time > to) continue;
      out.push(this.event(k, previous === null ? null : time - previous));
      previous = time;
    }
    return out;
  }

  private event(k: number, gapMs: number | null): SessionEvent {
    const { events, cache } = this;
    const attributes: Record<string, string | null> = {};
    this.names.forEach((name, a) => (attributes[name] = events.attrs[a][k] === NULL_KEY ? null : cache.strings.valueOf(events.attrs[a][k])));
    const props = events.props?.[k] ?? null;
    return {
      time: isoTime(events.time[k]),
      event: cache.strings.valueOf(events.name[k]),
      insert_id: this.insertIds[k],
      gap_ms: gapMs,
      attributes,
      properties: props === null ? null : (JSON.parse(props) as Record<string, unknown>),
    };
  }
}
