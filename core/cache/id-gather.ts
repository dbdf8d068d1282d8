import { Worker } from 'node:worker_threads';
import type { InsertIdColumn } from '../model/insert-id-column.ts';

/** Below this many events a thread costs more than it saves. */
const THREAD_MIN_EVENTS = 500_000;
const BLOCK = 1 << 16;
/** How long to wait for the thread's next block before doing the work here instead. */
const STALL_MS = 3_000;

/** What the gathering thread is given: shared buffers only. */
export interface IdGatherInput {
  /** Holds the order's positions at its start (the order may be a view of a longer buffer). */
  order: SharedArrayBuffer;
  count: number;
  /** Int32 per row of the batch and one more: row r's id is `source` from bounds[r] to bounds[r + 1]. */
  bounds: SharedArrayBuffer;
  source: SharedArrayBuffer;
  outStart: SharedArrayBuffer;
  outBytes: SharedArrayBuffer;
  /** Int32 [positions done, state: 0 running, 1 done, 2 failed]. */
  control: SharedArrayBuffer;
  block: number;
}

/**
 * Copies the ids of positions [from, to) of `order` to `outBytes`, back to back, recording
 * where each starts in `outStart` (which must hold the start of `from` already; `outStart[0]`
 * is 0). Reads each id from anywhere in the batch: ids are short, so a loop beats a native copy
 * call per event, and one bounds array (rather than starts and sizes) is one cache miss less.
 */
export function gatherBlock(
  order: Uint32Array, bounds: Int32Array, source: Uint8Array,
  outStart: Int32Array, outBytes: Uint8Array, from: number, to: number,
): void {
  let at = outStart[from];
  for (let p = from; p < to; p++) {
    const row = order[p];
    for (let b = bounds[row], e = bounds[row + 1]; b < e; b++) outBytes[at++] = source[b];
    outStart[p + 1] = at;
  }
}

/**
 * Where each row's id starts, and the end: an InsertIdColumn lays its ids back to back in row
 * order (every way of adding ids appends), which this checks.
 */
function idBounds(ids: InsertIdColumn, bounds: Int32Array): Int32Array {
  let end = 0;
  for (let row = 0; row < ids.length; row++) {
    if (ids.start[row] !== end) throw new Error('insert ids are not back to back in row order');
    bounds[row] = end;
    end += ids.size[row];
  }
  bounds[ids.length] = end;
  return bounds;
}

/** The bytes of all the batch's ids: the ids kept never take more. */
function usedBytes(ids: InsertIdColumn): number {
  return ids.length === 0 ? 0 : ids.start[ids.length - 1] + ids.size[ids.length - 1];
}

/** A shared copy of the first `length` values. */
function shared(values: Uint8Array | Int32Array | Uint32Array, length = values.length): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(length * values.BYTES_PER_ELEMENT);
  new Uint8Array(buffer).set(new Uint8Array(values.buffer, values.byteOffset, length * values.BYTES_PER_ELEMENT));
  return buffer;
}

/**
 * A batch's insert ids in session order: `bytes` from `start[p]` to `start[p + 1]` is the id
 * at position p. Reading them through `order` is the one gather of an import that misses the
 * cache at every event; for a large import it runs on a second core while this one sessionizes
 * and writes, and `ready(to)` waits until positions [0, to) are laid out.
 */
export class GatheredIds {
  bytes: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  start: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private control: Int32Array | null = null;
  private bounds: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private readonly ids: InsertIdColumn;
  private readonly order: Uint32Array;

  constructor(ids: InsertIdColumn, order: Uint32Array, threadMinEvents = THREAD_MIN_EVENTS) {
    this.ids = ids;
    this.order = order;
    if (order.length >= threadMinEvents && this.startThread()) return;
    this.bounds = idBounds(ids, new Int32Array(ids.length + 1));
    this.start = new Int32Array(order.length + 1);
    this.bytes = Buffer.allocUnsafe(usedBytes(ids));
    this.gatherHere(0);
  }

  /** Starts the gathering thread; false when no thread can be started. */
  private startThread(): boolean {
    const { ids, order } = this;
    // orderEvents leaves the order in shared memory: then it needs no copy.
    const sharedOrder = order.buffer instanceof SharedArrayBuffer && order.byteOffset === 0 ? order.buffer : shared(order);
    const input: IdGatherInput = {
      order: sharedOrder,
      count: order.length,
      bounds: new SharedArrayBuffer((ids.length + 1) * 4),
      source: shared(ids.bytes, usedBytes(ids)),
      outStart: new SharedArrayBuffer((order.length + 1) * 4),
      outBytes: new SharedArrayBuffer(usedBytes(ids)),
      control: new SharedArrayBuffer(8),
      block: BLOCK,
    };
    idBounds(ids, new Int32Array(input.bounds));
    try {
      new Worker(new URL('./id-gather-worker.ts', import.meta.url), { workerData: input }).unref();
    } catch {
      return false;
    }
    this.control = new Int32Array(input.control);
    this.bounds = new Int32Array(input.bounds);
    this.bytes = Buffer.from(input.outBytes);
    this.start = new Int32Array(input.outStart);
    return true;
  }

  /** Waits until the ids of positions [0, to) are in place. */
  ready(to: number): void {
    const control = this.control;
    if (control === null) return;
    for (let done = Atomics.load(control, 0); done < to; done = Atomics.load(control, 0)) {
      if (Atomics.load(control, 1) === 2 || Atomics.wait(control, 0, done, STALL_MS) === 'timed-out') {
        // The thread failed or stalled: finish here, in buffers of our own.
        this.control = null;
        const start = new Int32Array(this.order.length + 1);
        start.set(this.start.subarray(0, done + 1));
        const bytes = Buffer.allocUnsafe(this.bytes.length);
        this.bytes.copy(bytes, 0, 0, start[done]);
        this.start = start;
        this.bytes = bytes;
        this.gatherHere(done);
        return;
      }
    }
  }

  private gatherHere(from: number): void {
    gatherBlock(this.order, this.bounds, this.ids.bytes, this.start, this.bytes, from, this.order.length);
  }
}
