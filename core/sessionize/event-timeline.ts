import type { SessionCache } from '../cache/session-cache.ts';
import { decodeDayEvents, decodeTimes, type StoredDay } from '../cache/day-events.ts';
import { radixOrder } from './radix-sort.ts';

/**
 * The cached events that take part in sessions, as (user, local day, time) columns sorted by
 * user and time: everything a re-sessionize at another threshold needs, so the slider and the
 * sweep never read SQLite again.
 */
export class EventTimeline {
  readonly length: number;
  readonly user: Int32Array;
  readonly day: Int32Array;
  readonly time: Float64Array;
  /**
   * Loaded with `details`: each event's name key and attribute value keys (NULL_KEY for null),
   * what a preview's session rows need (first/last event, first non-null attributes).
   */
  readonly details: EventDetails | null;

  constructor(user: Int32Array, day: Int32Array, time: Float64Array, details: EventDetails | null = null) {
    this.length = time.length;
    this.user = user;
    this.day = day;
    this.time = time;
    this.details = details;
  }

  /** The timeline with each event's name and attributes too (for previews of whole sessions). */
  static loadDetailed(cache: SessionCache): EventTimeline {
    const count = cache.db.prepare('SELECT coalesce(sum(event_count), 0) FROM user_days').pluck().get() as number;
    const attributeCount = cache.definition.attributes.length;
    const user = new Int32Array(count);
    const day = new Int32Array(count);
    const time = new Float64Array(count);
    const name = new Int32Array(count);
    const attrs = Array.from({ length: attributeCount }, () => new Int32Array(count));
    let i = 0;
    const rows = cache.db.prepare('SELECT user_key, local_day, times, codes, insert_ids, props FROM user_days');
    for (const row of rows.iterate() as Iterable<StoredDay & { user_key: number; local_day: number }>) {
      const events = decodeDayEvents(row);
      for (let k = 0; k < events.count; k++) {
        if (events.session[k] < 0) continue;
        user[i] = row.user_key;
        day[i] = row.local_day;
        time[i] = events.time[k];
        name[i] = events.name[k];
        for (let a = 0; a < attributeCount; a++) attrs[a][i] = events.attrs[a][k];
        i++;
      }
    }
    return EventTimeline.sorted(user.subarray(0, i), day.subarray(0, i), time.subarray(0, i), cache.users.size, {
      name: name.subarray(0, i),
      attrs: attrs.map((column) => column.subarray(0, i)),
    });
  }

  static load(cache: SessionCache): EventTimeline {
    const count = cache.db.prepare('SELECT coalesce(sum(event_count), 0) FROM user_days').pluck().get() as number;
    const user = new Int32Array(count);
    const day = new Int32Array(count);
    const time = new Float64Array(count);
    let i = 0;
    const rows = cache.db.prepare('SELECT user_key, local_day, times, codes FROM user_days').raw();
    for (const [u, d, times, codes] of rows.iterate() as Iterable<[number, number, Buffer, Buffer]>) {
      const events = decodeTimes(times, codes);
      for (let k = 0; k < events.time.length; k++) {
        if (events.session[k] < 0) continue;
        user[i] = u;
        day[i] = d;
        time[i] = events.time[k];
        i++;
      }
    }
    return EventTimeline.sorted(user.subarray(0, i), day.subarray(0, i), time.subarray(0, i), cache.users.size);
  }

  /** Sorts columns by (user, time): a stable radix pass on time, then a counting pass on user. */
  static sorted(user: Int32Array, day: Int32Array, time: Float64Array, userCount: number, details: EventDetails | null = null): EventTimeline {
    const n = time.length;
    const byTime = radixOrder(time, n);
    const starts = new Uint32Array(userCount + 1);
    for (let i = 0; i < n; i++) starts[user[i] + 1]++;
    for (let u = 0; u < userCount; u++) starts[u + 1] += starts[u];
    const sUser = new Int32Array(n);
    const sDay = new Int32Array(n);
    const sTime = new Float64Array(n);
    const position = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const row = byTime[i];
      const at = starts[user[row]]++;
      sUser[at] = user[row];
      sDay[at] = day[row];
      sTime[at] = time[row];
      position[at] = row;
    }
    if (details === null) return new EventTimeline(sUser, sDay, sTime);
    const permute = (column: Int32Array) => {
      const out = new Int32Array(n);
      for (let at = 0; at < n; at++) out[at] = column[position[at]];
      return out;
    };
    return new EventTimeline(sUser, sDay, sTime, { name: permute(details.name), attrs: details.attrs.map(permute) });
  }
}

export interface EventDetails {
  name: Int32Array;
  attrs: Int32Array[];
}

/** One session as the metrics need it. */
export interface SessionSummary {
  user: number;
  day: number;
  /** The user's first session in the cache (session_id = 1). */
  first: boolean;
  durationSecs: number;
  eventCount: number;
}

/**
 * Re-sessionizes the timeline at a threshold in one linear scan, calling `emit` per session
 * in (user, time) order.
 */
export function scanSessions(timeline: EventTimeline, thresholdMs: number, emit: (s: SessionSummary) => void): number {
  const { user, day, time, length } = timeline;
  let count = 0;
  let start = 0;
  let first = true;
  for (let i = 1; i <= length; i++) {
    const boundary = i === length || user[i] !== user[i - 1] || day[i] !== day[i - 1] || time[i] - time[i - 1] > thresholdMs;
    if (!boundary) continue;
    emit({ user: user[start], day: day[start], first, durationSecs: Math.floor((time[i - 1] - time[start]) / 1000), eventCount: i - start });
    count++;
    first = i < length && user[i] !== user[i - 1];
    start = i;
  }
  return count;
}

/** The number of sessions at a threshold (the slider's hot path: no allocation). */
export function countSessions(timeline: EventTimeline, thresholdMs: number): number {
  const { user, day, time, length } = timeline;
  if (length === 0) return 0;
  let count = 1;
  for (let i = 1; i < length; i++) {
    if (user[i] !== user[i - 1] || day[i] !== day[i - 1] || time[i] - time[i - 1] > thresholdMs) count++;
  }
  return count;
}
