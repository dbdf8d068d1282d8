import type { MetricsDay, MetricsResult } from '../api/contract.ts';
import type { SessionCache } from '../cache/session-cache.ts';
import { EventTimeline, scanSessions, type SessionSummary } from '../sessionize/event-timeline.ts';
import { dayToIsoDate } from '../time/calendar-day.ts';
import { formatDurationMs } from '../time/duration.ts';

export type DayMetrics = MetricsDay;

/** The metrics JSON (SPEC §2): the app's MetricsResult plus the threshold as a duration. */
export interface MetricsReport extends MetricsResult {
  threshold: string;
}

/** Distinct user keys (small dense integers) as a bitmap that grows with the largest key. */
class UserSet {
  private bits = new Uint8Array(1024);
  size = 0;

  add(user: number): void {
    const byte = user >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (user & 7);
    if ((this.bits[byte] & mask) === 0) {
      this.bits[byte] |= mask;
      this.size++;
    }
  }
}

/**
 * Session durations (whole seconds), appended to a typed array that doubles when full. Their
 * quantiles come from counting when there are many (durations are bounded by a day, and a
 * counting pass is far cheaper than sorting millions of numbers), else from a sort.
 */
class DurationList {
  private values = new Int32Array(256);
  private max = 0;
  length = 0;

  push(secs: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = secs;
    if (secs > this.max) this.max = secs;
  }

  /** Quantile with linear interpolation between order statistics (type 7, as numpy and DuckDB's quantile_cont). */
  quantile(q: number): number {
    if (this.length === 0) return 0;
    const position = (this.length - 1) * q;
    const [lower, upper] = this.length < 4096 || this.max > 4 * this.length ? this.bySort(position) : this.byCounting(position);
    return lower + (upper - lower) * (position - Math.floor(position));
  }

  private bySort(position: number): [number, number] {
    const sorted = this.values.slice(0, this.length).sort();
    return [sorted[Math.floor(position)], sorted[Math.ceil(position)]];
  }

  /** The values at ranks floor(position) and ceil(position), from a count per second. */
  private byCounting(position: number): [number, number] {
    const counts = new Uint32Array(this.max + 1);
    for (let i = 0; i < this.length; i++) counts[this.values[i]]++;
    const at = (rank: number) => {
      let seen = 0;
      for (let v = 0; v < counts.length; v++) {
        seen += counts[v];
        if (seen > rank) return v;
      }
      return this.max;
    };
    return [at(Math.floor(position)), at(Math.ceil(position))];
  }
}

// Typed counters rather than Sets and arrays of numbers: a million sessions aggregate in a
// fraction of the time, which the Metrics view feels when it follows the threshold slider.
class Accumulator {
  sessions = 0;
  events = 0;
  readonly durations = new DurationList();
  total = 0;
  firstCount = 0;
  firstTotal = 0;
  bounces = 0;
  readonly users = new UserSet();

  add(s: SessionSummary): void {
    this.sessions++;
    this.events += s.eventCount;
    this.durations.push(s.durationSecs);
    this.total += s.durationSecs;
    if (s.first) {
      this.firstCount++;
      this.firstTotal += s.durationSecs;
    }
    if (s.eventCount === 1) this.bounces++;
    this.users.add(s.user);
  }

  summary(usersDivisor: number) {
    return {
      sessions: this.sessions,
      users: this.users.size,
      avg_session_time_per_user: usersDivisor === 0 ? 0 : this.total / usersDivisor,
      avg_first_session_secs: this.firstCount === 0 ? null : this.firstTotal / this.firstCount,
      mean_duration_secs: this.sessions === 0 ? 0 : this.total / this.sessions,
      median_duration_secs: this.durations.quantile(0.5),
      p90_duration_secs: this.durations.quantile(0.9),
      bounce_share: this.sessions === 0 ? 0 : this.bounces / this.sessions,
    };
  }
}

/** Aggregates sessions per local start date (SPEC §2 metrics). */
export function aggregateMetrics(
  sessions: (emit: (s: SessionSummary) => void) => void,
  context: { thresholdMs: number; timeZone: string; preview: boolean },
): MetricsReport {
  const perDay = new Map<number, Accumulator>();
  const all = new Accumulator();
  sessions((s) => {
    let day = perDay.get(s.day);
    if (day === undefined) perDay.set(s.day, (day = new Accumulator()));
    day.add(s);
    all.add(s);
  });
  const days = [...perDay.keys()].sort((a, b) => a - b).map((d) => {
    const acc = perDay.get(d)!;
    return { start_date: dayToIsoDate(d), ...acc.summary(acc.users.size) };
  });
  // Over the whole range "per user per day" divides by user-days: each day's distinct users, summed.
  const userDays = days.reduce((n, d) => n + d.users, 0);
  const totals = { ...all.summary(userDays), events: all.events, days: days.length, user_days: userDays };
  return {
    threshold_secs: context.thresholdMs / 1000,
    threshold: formatDurationMs(context.thresholdMs),
    time_zone: context.timeZone,
    preview: context.preview,
    totals,
    days,
  };
}

/** Metrics of the cached sessions (the stored definition). */
export function storedMetrics(cache: SessionCache): MetricsReport {
  const rows = cache.db.prepare('SELECT user_key, start_day, session_id, duration_secs, event_count FROM sessions').raw();
  return aggregateMetrics(
    (emit) => {
      for (const r of rows.iterate() as Iterable<number[]>) {
        emit({ user: r[0], day: r[1], first: r[2] === 1, durationSecs: r[3], eventCount: r[4] });
      }
    },
    { thresholdMs: cache.definition.thresholdMs, timeZone: cache.definition.timeZone, preview: false },
  );
}

/** Metrics at another threshold, computed in memory; nothing is persisted. */
export function previewMetrics(cache: SessionCache, thresholdMs: number, timeline = EventTimeline.load(cache)): MetricsReport {
  return aggregateMetrics((emit) => scanSessions(timeline, thresholdMs, emit), {
    thresholdMs,
    timeZone: cache.definition.timeZone,
    preview: true,
  });
}
