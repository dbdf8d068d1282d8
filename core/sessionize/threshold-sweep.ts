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
    const gap = new Float64Array(length);
    const change = new Float64Array(length);
    const startOf = new Uint32Array(length); // valid at a session's last event
    const endOf = new Uint32Array(length); // valid at a session's first event
    const secs = (a: number, b: number) => Math.floor((time[b] - time[a]) / 1000);
    let g = 0;
    let userDays = 0;
    let local: number[] = [];
    for (let from = 0; from < length; ) {
      let to = from + 1;
      while (to < length && !timeline.startsUserDay(to)) to++;
      userDays++;
      if (to - from > 1) {
        local = [];
        for (let i = from; i < to; i++) {
          startOf[i] = i;
          endOf[i] = i;
          if (i > from) local.push(i);
        }
        local.sort((x, y) => time[x] - time[x - 1] - (time[y] - time[y - 1]));
        for (const i of local) {
          const s = startOf[i - 1];
          const e = endOf[i];
          gap[g] = time[i] - time[i - 1];
          change[g] = secs(s, e) - secs(s, i - 1) - secs(i, e);
          g++;
          endOf[s] = e;
          startOf[e] = s;
        }
      }
      from = to;
    }
    this.userDays = userDays;
    const order = radixOrder(gap.subarray(0, g), g);
    this.sortedGaps = new Float64Array(g);
    this.cumulativeChange = new Float64Array(g + 1);
    for (let k = 0; k < g; k++) {
      this.sortedGaps[k] = gap[order[k]];
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
