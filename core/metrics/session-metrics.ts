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

/** Quantile with linear interpolation between order statistics (type 7, as numpy and DuckDB's quantile_cont). */
export function quantile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** More than any day number (days since 1970) the cache can hold. */
const DAY_KEY_SPAN = 1_000_000;

class Accumulator {
  sessions = 0;
  events = 0;
  durations: number[] = [];
  total = 0;
  firstCount = 0;
  firstTotal = 0;
  bounces = 0;
  readonly users = new Set<number>();
  /** user × DAY_KEY_SPAN + day: a number key, as a string per session made the totals slow on large caches. */
  userDays = new Set<number>();

  add(s: SessionSummary, trackUserDays: boolean): void {
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
    if (trackUserDays) this.userDays.add(s.user * DAY_KEY_SPAN + s.day);
  }

  summary(usersDivisor: number) {
    const sorted = Float64Array.from(this.durations).sort();
    return {
      sessions: this.sessions,
      users: this.users.size,
      avg_session_time_per_user: usersDivisor === 0 ? 0 : this.total / usersDivisor,
      avg_first_session_secs: this.firstCount === 0 ? null : this.firstTotal / this.firstCount,
      mean_duration_secs: this.sessions === 0 ? 0 : this.total / this.sessions,
      median_duration_secs: quantile(sorted, 0.5),
      p90_duration_secs: quantile(sorted, 0.9),
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
    day.add(s, false);
    all.add(s, true);
  });
  const days = [...perDay.keys()].sort((a, b) => a - b).map((d) => {
    const acc = perDay.get(d)!;
    return { start_date: dayToIsoDate(d), ...acc.summary(acc.users.size) };
  });
  // Over the whole range "per user per day" divides by user-days.
  const totals = { ...all.summary(all.userDays.size), events: all.events, days: days.length, user_days: all.userDays.size };
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
