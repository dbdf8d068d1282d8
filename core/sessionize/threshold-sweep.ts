import type { EventTimeline } from './event-timeline.ts';
import { radixOrder } from './radix-sort.ts';

export interface SweepPoint {
  threshold_secs: number;
  sessions: number;
  /** Mean of session_duration_secs (whole seconds per session, as exported). */
  mean_duration_secs: number;
  total_duration_secs: number;
}

/**
 * The per-user-day gap statistics of a timeline, from which the session count and the exact
 * total of whole-second durations follow at any threshold.
 *
 * Within each user-day, gaps are merged shortest first, starting from one session per event;
 * each merge joins two neighbouring sessions and changes the total of floored durations by a
 * known amount. Recording (gap, change) for every merge and sorting all of them once by gap
 * gives prefix sums: at threshold T, every gap <= T is merged, so the answer is one binary
 * search. The merging runs user-day by user-day over contiguous memory.
 */
export class GapIndex {
  readonly userDays: number;
  readonly eventCount: number;
  /** Gap lengths in ms, ascending. */
  readonly sortedGaps: Float64Array;
  /** cumulativeChange[k]: change of the duration total (s) after merging the k shortest gaps. */
  private readonly cumulativeChange: Float64Array;

  constructor(timeline: EventTimeline) {
    const { time, length } = timeline;
    this.eventCount = length;
    // Every in-day gap, identified by its later event, with its user-day's number.
    const gapEvent = new Uint32Array(length);
    const gapLength = new Float64Array(length);
    const gapUserDay = new Uint32Array(length);
    let g = 0;
    let userDays = 0;
    for (let i = 0; i < length; i++) {
      if (timeline.startsUserDay(i)) {
        userDays++;
        continue;
      }
      gapEvent[g] = i;
      gapLength[g] = time[i] - time[i - 1];
      gapUserDay[g] = userDays - 1;
      g++;
    }
    this.userDays = userDays;
    // Gaps grouped by user-day, shortest first within each: a radix pass on length, then a
    // stable counting pass on the user-day (whose gaps are already contiguous).
    const byLength = radixOrder(gapLength.subarray(0, g), g);
    const groupStart = new Uint32Array(userDays + 1);
    for (let k = 0; k < g; k++) groupStart[gapUserDay[k] + 1]++;
    for (let u = 0; u < userDays; u++) groupStart[u + 1] += groupStart[u];
    const grouped = new Uint32Array(g);
    for (let k = 0; k < g; k++) {
      const gap = byLength[k];
      grouped[groupStart[gapUserDay[gap]]++] = gap;
    }
    // Merge each user-day's gaps shortest first, recording how each changes the duration total.
    const startOf = new Uint32Array(length); // valid at a session's last event
    const endOf = new Uint32Array(length); // valid at a session's first event
    for (let i = 0; i < length; i++) {
      startOf[i] = i;
      endOf[i] = i;
    }
    const secs = (a: number, b: number) => Math.floor((time[b] - time[a]) / 1000);
    const change = new Float64Array(g);
    const mergedLength = new Float64Array(g);
    for (let k = 0; k < g; k++) {
      const gap = grouped[k];
      const i = gapEvent[gap];
      const s = startOf[i - 1];
      const e = endOf[i];
      change[k] = secs(s, e) - secs(s, i - 1) - secs(i, e);
      mergedLength[k] = gapLength[gap];
      endOf[s] = e;
      startOf[e] = s;
    }
    const order = radixOrder(mergedLength, g);
    this.sortedGaps = new Float64Array(g);
    this.cumulativeChange = new Float64Array(g + 1);
    for (let k = 0; k < g; k++) {
      this.sortedGaps[k] = mergedLength[order[k]];
      this.cumulativeChange[k + 1] = this.cumulativeChange[k] + change[order[k]];
    }
  }

  /** How many gaps are no longer than `thresholdMs` (merged at that threshold). */
  private mergedAt(thresholdMs: number): number {
    let lo = 0;
    let hi = this.sortedGaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedGaps[mid] <= thresholdMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Session count and exact total and mean of session_duration_secs at each threshold. */
  sweep(thresholdsMs: number[]): SweepPoint[] {
    return thresholdsMs.map((threshold) => {
      const merged = this.mergedAt(threshold);
      const sessions = this.eventCount - merged;
      const total = this.cumulativeChange[merged];
      return {
        threshold_secs: threshold / 1000,
        sessions,
        mean_duration_secs: sessions === 0 ? 0 : total / sessions,
        total_duration_secs: total,
      };
    });
  }
}
