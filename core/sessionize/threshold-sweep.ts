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
 * The per-user-day gap statistics of a timeline: every in-day gap between consecutive events,
 * sorted once, so that any number of thresholds is answered in one pass.
 */
export class GapIndex {
  readonly userDays: number;
  readonly gapCount: number;
  /** Index i of the later event of each gap (the gap is time[i] - time[i-1]), ascending by gap. */
  private readonly gapsByLength: Uint32Array;
  private readonly gapEvent: Uint32Array;
  private readonly timeline: EventTimeline;

  constructor(timeline: EventTimeline) {
    this.timeline = timeline;
    const { time, length } = timeline;
    const gapEvent = new Uint32Array(length);
    const gapLength = new Float64Array(length);
    let g = 0;
    let userDays = 0;
    for (let i = 0; i < length; i++) {
      if (timeline.startsUserDay(i)) {
        userDays++;
        continue;
      }
      gapEvent[g] = i;
      gapLength[g] = time[i] - time[i - 1];
      g++;
    }
    this.userDays = userDays;
    this.gapCount = g;
    this.gapEvent = gapEvent.subarray(0, g);
    this.gapsByLength = radixOrder(gapLength.subarray(0, g), g);
  }

  /** Gap lengths in ms, ascending (for histograms). */
  sortedGapLengths(): Float64Array {
    const { time } = this.timeline;
    const out = new Float64Array(this.gapCount);
    for (let k = 0; k < this.gapCount; k++) {
      const i = this.gapEvent[this.gapsByLength[k]];
      out[k] = time[i] - time[i - 1];
    }
    return out;
  }

  /**
   * Session count and exact whole-second durations at every threshold. Starting from one
   * session per event, gaps are merged shortest first; merging two neighbouring sessions
   * updates the duration total by the change of their floored durations, so each threshold
   * costs only the gaps merged since the previous one.
   */
  sweep(thresholdsMs: number[]): SweepPoint[] {
    const { time, length } = this.timeline;
    const startOf = new Uint32Array(length); // valid at a session's last event
    const endOf = new Uint32Array(length); // valid at a session's first event
    for (let i = 0; i < length; i++) {
      startOf[i] = i;
      endOf[i] = i;
    }
    const secs = (a: number, b: number) => Math.floor((time[b] - time[a]) / 1000);
    const wanted = thresholdsMs.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
    const results: SweepPoint[] = new Array(thresholdsMs.length);
    let merged = 0;
    let total = 0;
    let k = 0;
    for (const [threshold, index] of wanted) {
      while (k < this.gapCount) {
        const i = this.gapEvent[this.gapsByLength[k]];
        if (time[i] - time[i - 1] > threshold) break;
        const s = startOf[i - 1];
        const e = endOf[i];
        total += secs(s, e) - secs(s, i - 1) - secs(i, e);
        endOf[s] = e;
        startOf[e] = s;
        merged++;
        k++;
      }
      const sessions = length - merged;
      results[index] = {
        threshold_secs: threshold / 1000,
        sessions,
        mean_duration_secs: sessions === 0 ? 0 : total / sessions,
        total_duration_secs: total,
      };
    }
    return results;
  }
}
