import type { Dictionary } from '../model/dictionary.ts';
import { NULL_KEY, type EventBatch } from '../model/event-batch.ts';
import { compareCodePoints } from '../util/codepoint.ts';
import { radixOrder } from './radix-sort.ts';

/** A batch's rows in session order with duplicates removed, cut into user-day runs. */
export interface OrderedEvents {
  /** Row indices of the batch, sorted by (user, time, insert id, event name, content). */
  order: Uint32Array;
  /** Run r covers `order[runStart[r] .. runStart[r+1])`; one run per (user, local day). */
  runStart: Uint32Array;
  runUser: Int32Array;
  runDay: Int32Array;
  runCount: number;
  /** Rows dropped as duplicates of another row (SPEC §1: same insert id, user, event, time). */
  duplicates: number;
  /**
   * Time, name and attribute columns gathered into order (index = position in `order`): the
   * scans that follow read memory in sequence instead of jumping through `order` each time.
   */
  time: Float64Array;
  name: Int32Array;
  attrs: Int32Array[];
}

/** Fewer rows than 1 in this many out of time order: sort each user's rows on their own. */
const NEARLY_SORTED = 64;

/** Sorts positions [from, to) by (time, row) unless they are in that order already; days follow. */
function sortByTime(order: Uint32Array, time: Float64Array, day: Int32Array, from: number, to: number): void {
  let sorted = true;
  for (let p = from + 1; p < to && sorted; p++) sorted = time[p] >= time[p - 1];
  if (sorted) return;
  const positions = Array.from({ length: to - from }, (_, k) => from + k).sort((a, b) => time[a] - time[b] || order[a] - order[b]);
  const rows = positions.map((p) => order[p]);
  const times = positions.map((p) => time[p]);
  const days = positions.map((p) => day[p]);
  order.set(rows, from);
  time.set(times, from);
  day.set(days, from);
}

/**
 * Orders a batch as SPEC §1 requires and applies Mixpanel's de-duplication. Ties in
 * (time, insert id) are broken by event name, and among duplicates the row kept is the one
 * with the smallest content (attribute values, then properties): the result depends only on
 * the set of rows, never on the order they arrived in.
 */
export function orderEvents(batch: EventBatch, strings: Dictionary, userCount: number): OrderedEvents {
  const n = batch.length;
  const user = batch.user.view();
  const time = batch.time.view();
  const day = batch.day.view();
  const name = batch.name.view();
  const insertId = batch.insertId;

  const compareContent = (a: number, b: number): number => {
    for (const column of batch.attrs) {
      const x = column.array[a];
      const y = column.array[b];
      if (x === y) continue;
      if (x === NULL_KEY) return -1;
      if (y === NULL_KEY) return 1;
      return compareCodePoints(strings.valueOf(x), strings.valueOf(y));
    }
    const p = batch.props[a];
    const q = batch.props[b];
    if (p === q) return 0;
    if (p === null) return -1;
    if (q === null) return 1;
    return compareCodePoints(p, q);
  };
  const compareKey = (a: number, b: number): number => {
    const dt = time[a] - time[b];
    if (dt !== 0) return dt;
    const byId = insertId.compare(a, b);
    if (byId !== 0) return byId;
    if (name[a] !== name[b]) return compareCodePoints(strings.valueOf(name[a]), strings.valueOf(name[b]));
    return 0;
  };
  const compare = (a: number, b: number): number => compareKey(a, b) || compareContent(a, b);

  // Rows by time (radix, stable), then a stable counting sort by user: (user, time) order. A
  // file in time order (as exports are written) needs no sort by time: the few users whose rows
  // are out of order are sorted on their own below.
  let inversions = 0;
  for (let i = 1; i < n; i++) if (time[i] < time[i - 1]) inversions++;
  const byTime = inversions > n / NEARLY_SORTED ? radixOrder(batch.time.array, n) : null;
  const userStart = new Uint32Array(userCount + 1);
  for (let i = 0; i < n; i++) userStart[user[i] + 1]++;
  for (let u = 0; u < userCount; u++) userStart[u + 1] += userStart[u];
  const next = userStart.slice(0, userCount);
  // Shared, so that a thread can lay the insert ids out in this order without a copy (id-gather.ts).
  const order = new Uint32Array(new SharedArrayBuffer(4 * n));
  for (let i = 0; i < n; i++) {
    const row = byTime === null ? i : byTime[i];
    order[next[user[row]]++] = row;
  }
  // The scans below read the gathered columns in sequence; users come from `userStart`, so each
  // row is looked up through `order` once per column instead of once per comparison.
  const orderedTime = new Float64Array(n);
  const orderedDay = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const row = order[p];
    orderedTime[p] = time[row];
    orderedDay[p] = day[row];
  }

  let kept = 0;
  const runStarts: number[] = [];
  const runUsers: number[] = [];
  const runDays: number[] = [];
  for (let u = 0; u < userCount; u++) {
    const end = userStart[u + 1];
    if (byTime === null) sortByTime(order, orderedTime, orderedDay, userStart[u], end);
    // Equal times of one user are ordered by insert id, name and content.
    for (let i = userStart[u]; i < end; ) {
      let j = i + 1;
      while (j < end && orderedTime[j] === orderedTime[i]) j++;
      // (Rows of equal time share their local day, so `orderedDay` stays right.)
      if (j - i > 1) order.set(Array.from(order.subarray(i, j)).sort(compare), i);
      i = j;
    }
    // Drop duplicates (equal keys are adjacent; the first has the smallest content) and cut runs.
    for (let p = userStart[u]; p < end; p++) {
      const row = order[p];
      const t = orderedTime[p];
      const first = p === userStart[u];
      if (!first && t === orderedTime[kept - 1] && compareKey(order[kept - 1], row) === 0) continue;
      const d = orderedDay[p];
      if (first || d !== runDays[runDays.length - 1]) {
        runStarts.push(kept);
        runUsers.push(u);
        runDays.push(d);
      }
      order[kept] = row;
      orderedTime[kept] = t;
      kept++;
    }
  }
  runStarts.push(kept);
  const orderedName = new Int32Array(kept);
  for (let p = 0; p < kept; p++) orderedName[p] = name[order[p]];
  const orderedAttrs = batch.attrs.map((column) => {
    const values = column.array;
    const out = new Int32Array(kept);
    for (let p = 0; p < kept; p++) out[p] = values[order[p]];
    return out;
  });
  return {
    time: orderedTime.subarray(0, kept),
    name: orderedName,
    attrs: orderedAttrs,
    order: order.subarray(0, kept),
    runStart: Uint32Array.from(runStarts),
    runUser: Int32Array.from(runUsers),
    runDay: Int32Array.from(runDays),
    runCount: runUsers.length,
    duplicates: n - kept,
  };
}
