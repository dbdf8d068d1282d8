import type { SweepPoint } from '../sessionize/threshold-sweep.ts';
import { assertBucketEdge } from './bucket-layout.ts';
import type { DateGapStatistics, GapStatistics } from './gap-statistics.ts';

/**
 * The sweep from gap statistics: session count and total and mean duration at each threshold,
 * with the same JSON keys as the local sweep (SweepPoint).
 *
 * Durations: the local sweep totals `session_duration_secs`, which floors each session's
 * duration to whole seconds; per-session floors cannot be recovered from aggregates. Here the
 * total is exact in ms and `total_duration_secs = total_ms / 1000`, not floored (and
 * `mean_duration_secs = total_duration_secs / sessions`). The two agree exactly when event
 * times are whole seconds, Mixpanel's usual resolution; otherwise this total is the larger by
 * the sum of the sessions' sub-second remainders (less than 1 s per session).
 *
 * Every threshold must be a bucket edge (bucket-layout.ts); any other is a UserError naming
 * the nearest edges.
 */
export function sweepFromStatistics(stats: GapStatistics, thresholdsMs: number[]): SweepPoint[] {
  for (const t of thresholdsMs) assertBucketEdge(t);
  return new BucketTotals(stats.dates).sweep(thresholdsMs);
}

/** The same sweep for each local date on its own (sessions never cross local midnight). */
export function sweepByDate(stats: GapStatistics, thresholdsMs: number[]): Array<{ local_date: string; thresholds: SweepPoint[] }> {
  for (const t of thresholdsMs) assertBucketEdge(t);
  return stats.dates.map((date) => ({ local_date: date.local_date, thresholds: new BucketTotals([date]).sweep(thresholdsMs) }));
}

/**
 * The buckets of several dates merged by edge, with suffix sums, so that "gaps above T" is one
 * binary search per threshold.
 */
class BucketTotals {
  private readonly userDays: number;
  private readonly spanMs: number;
  private readonly edges: number[];
  /** countAbove[k], sumAbove[k]: gaps in buckets k, k+1, … (edges ascending). */
  private readonly countAbove: number[];
  private readonly sumAbove: number[];

  constructor(dates: DateGapStatistics[]) {
    let userDays = 0;
    let spanMs = 0;
    const merged = new Map<number, { count: number; sumMs: number }>();
    for (const date of dates) {
      userDays += date.user_days;
      spanMs += date.span_ms_sum;
      for (const b of date.buckets) {
        const m = merged.get(b.bucket_secs);
        if (m === undefined) merged.set(b.bucket_secs, { count: b.gap_count, sumMs: b.gap_ms_sum });
        else {
          m.count += b.gap_count;
          m.sumMs += b.gap_ms_sum;
        }
      }
    }
    this.userDays = userDays;
    this.spanMs = spanMs;
    this.edges = [...merged.keys()].sort((a, b) => a - b);
    const n = this.edges.length;
    this.countAbove = new Array<number>(n + 1).fill(0);
    this.sumAbove = new Array<number>(n + 1).fill(0);
    for (let k = n - 1; k >= 0; k--) {
      const bucket = merged.get(this.edges[k])!;
      this.countAbove[k] = this.countAbove[k + 1] + bucket.count;
      this.sumAbove[k] = this.sumAbove[k + 1] + bucket.sumMs;
    }
  }

  /** Index of the first bucket whose edge exceeds `secs`: its gaps and all later ones are > the threshold. */
  private firstAbove(secs: number): number {
    let lo = 0;
    let hi = this.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.edges[mid] <= secs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  sweep(thresholdsMs: number[]): SweepPoint[] {
    return thresholdsMs.map((thresholdMs) => {
      const k = this.firstAbove(thresholdMs / 1000);
      const sessions = this.userDays + this.countAbove[k];
      const totalSecs = (this.spanMs - this.sumAbove[k]) / 1000;
      return {
        threshold_secs: thresholdMs / 1000,
        sessions,
        mean_duration_secs: sessions === 0 ? 0 : totalSecs / sessions,
        total_duration_secs: totalSecs,
      };
    });
  }
}
