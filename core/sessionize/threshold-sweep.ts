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
    const { time, user, day, length } = timeline;
    this.eventCount = length;
    const startOf = new Uint32Array(length); // valid at a session's last event
    const endOf = new Uint32Array(length); // valid at a session's first event
    const change = new Float64Array(length);
    const mergedLength = new Float64Array(length);
    // One user-day's gaps (by later event) sorted by length: insertion sort, as days are short.
    let local = new Uint32Array(256);
    let g = 0;
    let userDays = 0;
    for (let from = 0; from < length; ) {
      let to = from + 1;
      while (to < length && user[to] === user[from] && day[to] === day[from]) to++;
      userDays++;
      const gaps = to - from - 1;
      if (gaps > 0) {
        if (gaps > local.length) local = new Uint32Array(gaps * 2);
        for (let i = from; i < to; i++) {
          startOf[i] = i;
          endOf[i] = i;
        }
        if (gaps <= 64) {
          for (let k = 0; k < gaps; k++) {
            const i = from + 1 + k;
            const gap = time[i] - time[i - 1];
            let j = k;
            while (j > 0 && time[local[j - 1]] - time[local[j - 1] - 1] > gap) {
              local[j] = local[j - 1];
              j--;
            }
            local[j] = i;
          }
        } else {
          const sorted = Array.from({ length: gaps }, (_, k) => from + 1 + k).sort(
            (x, y) => time[x] - time[x - 1] - (time[y] - time[y - 1]),
          );
          local.set(sorted);
        }
        // Merge shortest first, recording how each merge changes the total of floored durations.
        for (let k = 0; k < gaps; k++) {
          const i = local[k];
          const s = startOf[i - 1];
          const e = endOf[i];
          const ts = time[s];
          const te = time[e];
          change[g] = Math.floor((te - ts) / 1000) - Math.floor((time[i - 1] - ts) / 1000) - Math.floor((te - time[i]) / 1000);
          mergedLength[g] = time[i] - time[i - 1];
          g++;
          endOf[s] = e;
          startOf[e] = s;
        }
      }
      from = to;
    }
    this.userDays = userDays;
    const order = radixOrder(mergedLength, g);
    const sortedGaps = new Float64Array(g);
    const cumulative = new Float64Array(g + 1);
    let total = 0;
    for (let k = 0; k < g; k++) {
      const m = order[k];
      sortedGaps[k] = mergedLength[m];
      total += change[m];
      cumulative[k + 1] = total;
    }
    this.sortedGaps = sortedGaps;
    this.cumulativeChange = cumulative;
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
