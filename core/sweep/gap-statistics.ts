import type { EventTimeline } from '../sessionize/event-timeline.ts';
import { dayToIsoDate } from '../time/calendar-day.ts';
import { bucketEdgeSecs, gapSeconds, isBucketEdge } from './bucket-layout.ts';

/**
 * The sufficient statistics of the session definition (SPEC §1) for a range of events, from
 * which the session count and the total duration follow exactly at every bucket-edge threshold:
 *
 *   sessions(T)    = user_days + number of in-day gaps > T
 *   total_ms(T)    = span_ms_sum − sum of in-day gaps > T
 *
 * An in-day gap is the time between consecutive events of one user on one local date, in ms.
 * Gaps of 0 ms (ties and duplicates) are left out: they never split a session at any threshold
 * and add nothing to a sum, so leaving them out makes the statistics the same whether or not
 * duplicates were removed first (a warehouse table is not de-duplicated; the cache is).
 */
export interface GapStatistics {
  /** Ascending by date; only dates with events. */
  dates: DateGapStatistics[];
}

export interface DateGapStatistics {
  /** `YYYY-MM-DD` in the definition's time zone. */
  local_date: string;
  /** Users with at least one (non-excluded) event that date. */
  user_days: number;
  /** Sum over those user-days of (last event − first event), in ms. */
  span_ms_sum: number;
  /** Ascending by edge; only non-empty buckets (see bucket-layout.ts). */
  buckets: GapBucket[];
}

export interface GapBucket {
  /** Upper edge: the bucket holds gaps of `previous edge < ceil(ms / 1000) <= bucket_secs`. */
  bucket_secs: number;
  gap_count: number;
  gap_ms_sum: number;
}

/** Accumulates one date's statistics; buckets keyed by edge. */
class DateAccumulator {
  userDays = 0;
  spanMs = 0;
  readonly buckets = new Map<number, { count: number; sumMs: number }>();

  addGap(edge: number, gapMs: number, count = 1): void {
    const bucket = this.buckets.get(edge);
    if (bucket === undefined) this.buckets.set(edge, { count, sumMs: gapMs });
    else {
      bucket.count += count;
      bucket.sumMs += gapMs;
    }
  }

  finish(localDate: string): DateGapStatistics {
    const buckets = [...this.buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([edge, b]) => ({ bucket_secs: edge, gap_count: b.count, gap_ms_sum: b.sumMs }));
    return { local_date: localDate, user_days: this.userDays, span_ms_sum: this.spanMs, buckets };
  }
}

function finishAll(byDate: Map<string, DateAccumulator>): GapStatistics {
  const dates = [...byDate.keys()].sort();
  return { dates: dates.map((date) => byDate.get(date)!.finish(date)) };
}

/**
 * The statistics of a timeline (the cache's events that take part in sessions: EventTimeline.load
 * already leaves out excluded events), in one scan of its (user, time) order.
 */
export function gapStatisticsFromTimeline(timeline: EventTimeline): GapStatistics {
  const { user, day, time, length } = timeline;
  const byDay = new Map<number, DateAccumulator>();
  let current: DateAccumulator | undefined;
  let first = 0;
  for (let i = 0; i <= length; i++) {
    const newUserDay = i === length || i === 0 || user[i] !== user[i - 1] || day[i] !== day[i - 1];
    if (newUserDay) {
      if (current !== undefined) current.spanMs += time[i - 1] - time[first];
      if (i === length) break;
      current = byDay.get(day[i]);
      if (current === undefined) byDay.set(day[i], (current = new DateAccumulator()));
      current.userDays++;
      first = i;
      continue;
    }
    const gapMs = time[i] - time[i - 1];
    if (gapMs > 0) current!.addGap(bucketEdgeSecs(gapSeconds(gapMs)), gapMs);
  }
  const byDate = new Map<string, DateAccumulator>();
  for (const [d, acc] of byDay) byDate.set(dayToIsoDate(d), acc);
  return finishAll(byDate);
}

/**
 * One result row of the gap statistics query (core/bigquery/gap-statistics-query.ts): the events
 * of a local date counted by the bucket of the gap before them. The row with `bucket_secs` null
 * counts each user-day's first event (no previous event, so no gap): its `event_count` is the
 * number of user-days. Values come as the client returns them (numbers, bigints, numeric
 * strings, or BigQuery's `{ value }` wrappers).
 */
export interface GapStatisticsRow {
  local_date: unknown;
  bucket_secs: unknown;
  event_count: unknown;
  gap_ms_sum: unknown;
}

/**
 * The statistics from the query's rows. A user-day's span is the sum of its consecutive gaps,
 * so each date's span_ms_sum is the sum of its buckets' gap_ms_sum (the query need not return it).
 * Rows for the same date and bucket are added together.
 */
export function gapStatisticsFromRows(rows: Iterable<GapStatisticsRow>): GapStatistics {
  const byDate = new Map<string, DateAccumulator>();
  for (const row of rows) {
    const date = dateText(row.local_date);
    let acc = byDate.get(date);
    if (acc === undefined) byDate.set(date, (acc = new DateAccumulator()));
    const count = wholeNumber(row.event_count, 'event_count');
    if (row.bucket_secs === null || row.bucket_secs === undefined) {
      acc.userDays += count;
      continue;
    }
    const edge = wholeNumber(row.bucket_secs, 'bucket_secs');
    // An edge the layout does not have means the rows came from a query of another layout.
    if (edge === 0 || !isBucketEdge(edge)) throw new Error(`gap statistics row has bucket_secs ${edge}, not a bucket edge of this version`);
    const sumMs = wholeNumber(row.gap_ms_sum, 'gap_ms_sum');
    acc.addGap(edge, sumMs, count);
    acc.spanMs += sumMs;
  }
  for (const [date, acc] of byDate) {
    if (acc.userDays === 0) throw new Error(`gap statistics rows for ${date} have gaps but no user-day row`);
  }
  return finishAll(byDate);
}

/** A non-negative safe integer from what a database client returns. */
function wholeNumber(value: unknown, column: string): number {
  const raw = unwrap(value);
  const n = typeof raw === 'bigint' ? Number(raw) : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`gap statistics row has ${column} ${String(raw)}, not a non-negative integer`);
  }
  return n;
}

function dateText(value: unknown): string {
  const raw = unwrap(value);
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw;
  throw new Error(`gap statistics row has local_date ${String(raw)}, not YYYY-MM-DD`);
}

/** BigQuery's client wraps DATE and (optionally) INT64 values as `{ value: string }`. */
function unwrap(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'value' in value) return (value as { value: unknown }).value;
  return value;
}
