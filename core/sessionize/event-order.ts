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

  // Rows by time (radix, stable), then a stable counting sort by user: (user, time) order.
  const byTime = radixOrder(batch.time.array, n);
  const starts = new Uint32Array(userCount + 1);
  for (let i = 0; i < n; i++) starts[user[i] + 1]++;
  for (let u = 0; u < userCount; u++) starts[u + 1] += starts[u];
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const row = byTime[i];
    order[starts[user[row]]++] = row;
  }
  // Equal (user, time) groups are ordered by insert id, name and content.
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && user[order[j]] === user[order[i]] && time[order[j]] === time[order[i]]) j++;
    if (j - i > 1) order.set(Array.from(order.subarray(i, j)).sort(compare), i);
    i = j;
  }

  // Drop duplicates (equal keys are adjacent; the first has the smallest content) and cut runs.
  let kept = 0;
  const runStarts: number[] = [];
  const runUsers: number[] = [];
  const runDays: number[] = [];
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const row = order[i];
    if (prev !== -1 && user[prev] === user[row] && compareKey(prev, row) === 0) continue;
    if (prev === -1 || user[prev] !== user[row] || day[prev] !== day[row]) {
      runStarts.push(kept);
      runUsers.push(user[row]);
      runDays.push(day[row]);
    }
    order[kept++] = row;
    prev = row;
  }
  runStarts.push(kept);
  const orderedTime = new Float64Array(kept);
  const orderedName = new Int32Array(kept);
  for (let p = 0; p < kept; p++) {
    const row = order[p];
    orderedTime[p] = time[row];
    orderedName[p] = name[row];
  }
  const orderedAttrs = batch.attrs.map((column) => {
    const values = column.array;
    const out = new Int32Array(kept);
    for (let p = 0; p < kept; p++) out[p] = values[order[p]];
    return out;
  });
  return {
    time: orderedTime,
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
