import { NULL_KEY } from '../model/event-batch.ts';
import type { OrderedEvents } from './event-order.ts';

/** Sessions in columns, in (user, day, start) order. Ids are assigned later, by the cache. */
export interface SessionColumns {
  count: number;
  user: Int32Array;
  day: Int32Array;
  start: Float64Array;
  end: Float64Array;
  eventCount: Int32Array;
  firstName: Int32Array;
  lastName: Int32Array;
  /** Per attribute: the first non-null value key in session order (SCD Type 0), or NULL_KEY. */
  attrs: Int32Array[];
  /** The run (user-day) each session belongs to. */
  run: Int32Array;
}

export interface SessionizedRuns {
  sessions: SessionColumns;
  /** Sessions per run. */
  runSessions: Int32Array;
  /** Per position of `order`: 0-based session ordinal within its run, or -1 for an excluded event. */
  ordinal: Int32Array;
}

/**
 * SPEC §1 within each user-day run: a gap longer than the threshold (in ms) starts a new
 * session; a gap equal to it does not. Excluded events take no part.
 */
export function sessionizeRuns(
  events: OrderedEvents,
  thresholdMs: number,
  isExcludedName: (nameKey: number) => boolean,
): SessionizedRuns {
  const { runStart, runCount, time, name } = events;
  const attrColumns = events.attrs;
  const n = time.length;
  const ordinal = new Int32Array(n);
  const runSessions = new Int32Array(runCount);

  // Upper bound on sessions: one per included event; trimmed at the end.
  const cap = Math.max(n, 1);
  const sUser = new Int32Array(cap);
  const sDay = new Int32Array(cap);
  const sStart = new Float64Array(cap);
  const sEnd = new Float64Array(cap);
  const sCount = new Int32Array(cap);
  const sFirst = new Int32Array(cap);
  const sLast = new Int32Array(cap);
  const sRun = new Int32Array(cap);
  const sAttrs = attrColumns.map(() => new Int32Array(cap).fill(NULL_KEY));
  let s = -1;

  for (let r = 0; r < runCount; r++) {
    let inRun = 0;
    let lastTime = 0;
    for (let p = runStart[r]; p < runStart[r + 1]; p++) {
      if (isExcludedName(name[p])) {
        ordinal[p] = -1;
        continue;
      }
      const t = time[p];
      if (inRun === 0 || t - lastTime > thresholdMs) {
        s++;
        sUser[s] = events.runUser[r];
        sDay[s] = events.runDay[r];
        sStart[s] = t;
        sFirst[s] = name[p];
        sRun[s] = r;
        inRun++;
      }
      sEnd[s] = t;
      sLast[s] = name[p];
      sCount[s]++;
      for (let a = 0; a < attrColumns.length; a++) {
        if (sAttrs[a][s] === NULL_KEY) sAttrs[a][s] = attrColumns[a][p];
      }
      ordinal[p] = inRun - 1;
      lastTime = t;
    }
    runSessions[r] = inRun;
  }
  const count = s + 1;
  return {
    sessions: {
      count,
      user: sUser.subarray(0, count),
      day: sDay.subarray(0, count),
      start: sStart.subarray(0, count),
      end: sEnd.subarray(0, count),
      eventCount: sCount.subarray(0, count),
      firstName: sFirst.subarray(0, count),
      lastName: sLast.subarray(0, count),
      attrs: sAttrs.map((a) => a.subarray(0, count)),
      run: sRun.subarray(0, count),
    },
    runSessions,
    ordinal,
  };
}

/** SPEC §1: whole seconds, truncated. */
export function durationSecs(startMs: number, endMs: number): number {
  return Math.floor((endMs - startMs) / 1000);
}
