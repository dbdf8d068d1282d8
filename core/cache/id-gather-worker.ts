import { workerData } from 'node:worker_threads';
import { gatherBlock, type IdGatherInput } from './id-gather.ts';

/** Lays a batch's insert ids out in session order, block by block, publishing its progress. */
const input = workerData as IdGatherInput;
const control = new Int32Array(input.control);
try {
  const order = new Uint32Array(input.order, 0, input.count);
  const bounds = new Int32Array(input.bounds);
  const source = new Uint8Array(input.source);
  const outStart = new Int32Array(input.outStart);
  const outBytes = new Uint8Array(input.outBytes);
  for (let from = 0; from < order.length; from += input.block) {
    const to = Math.min(order.length, from + input.block);
    gatherBlock(order, bounds, source, outStart, outBytes, from, to);
    Atomics.store(control, 0, to);
    Atomics.notify(control, 0);
  }
  Atomics.store(control, 1, 1);
} catch {
  Atomics.store(control, 1, 2);
}
Atomics.notify(control, 0);
