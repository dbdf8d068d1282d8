import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EventBatch } from '../model/event-batch.ts';

/** Partitions per level: an import spills into this many files, split again when one is too big. */
const FANOUT = 16;
/** Levels of splitting before a partition is taken as it is (only one user's events could need more). */
const MAX_LEVEL = 3;
/** Bytes of the block header: rows, attribute columns, insert-id bytes, properties bytes. */
const HEADER_BYTES = 16;

/**
 * Bounded memory for imports larger than a budget: once the batch being read holds
 * `budgetEvents` rows, its rows go to temporary files partitioned by user and the batch starts
 * again. Afterwards the partitions are read back one at a time. Users never straddle
 * partitions, and every rule of SPEC §1 (ordering, de-duplication, session ids) is per user, so
 * applying the partitions one after another gives exactly what applying the whole batch would.
 *
 * A partition that is itself over the budget is split again on other digits of the user key.
 */
export class BatchSpill {
  readonly budgetEvents: number;
  private readonly attributeCount: number;
  private readonly parent: string;
  private readonly level: number;
  private dir: string | null = null;
  private files: number[] = [];
  private readonly rows = new Float64Array(FANOUT);
  /** Rows written so far, in all partitions. */
  spilledRows = 0;

  constructor(parent: string, budgetEvents: number, attributeCount: number, level = 0) {
    this.parent = parent;
    this.budgetEvents = Math.max(1, Math.floor(budgetEvents));
    this.attributeCount = attributeCount;
    this.level = level;
  }

  get used(): boolean {
    return this.dir !== null;
  }

  private partitionOf(user: number): number {
    return Math.floor(user / FANOUT ** this.level) % FANOUT;
  }

  private open(): void {
    this.dir = mkdtempSync(join(this.parent, '.session-explorer-import-'));
    this.files = Array.from({ length: FANOUT }, (_, p) => openSync(join(this.dir!, `part-${p}`), 'w+'));
  }

  /** Writes the batch's rows to their partitions and empties the batch. */
  take(batch: EventBatch): void {
    const n = batch.length;
    if (n === 0) return;
    if (this.dir === null) this.open();
    const user = batch.user.array;
    // Rows grouped by partition, each group in row order (a counting sort).
    const starts = new Int32Array(FANOUT + 1);
    for (let i = 0; i < n; i++) starts[this.partitionOf(user[i]) + 1]++;
    for (let p = 0; p < FANOUT; p++) starts[p + 1] += starts[p];
    const order = new Int32Array(n);
    const next = starts.slice(0, FANOUT);
    for (let i = 0; i < n; i++) order[next[this.partitionOf(user[i])]++] = i;
    for (let p = 0; p < FANOUT; p++) {
      if (starts[p + 1] > starts[p]) this.writeBlock(p, batch, order.subarray(starts[p], starts[p + 1]));
    }
    this.spilledRows += n;
    batch.clear();
  }

  /** One block: times, then the int columns, then insert ids and properties as bytes. */
  private writeBlock(partition: number, batch: EventBatch, rows: Int32Array): void {
    const count = rows.length;
    const attrs = this.attributeCount;
    const time = new Float64Array(count);
    const ints = new Int32Array(count * (4 + attrs));
    const ids = batch.insertId;
    let idBytes = 0;
    for (let k = 0; k < count; k++) idBytes += ids.size[rows[k]];
    const idData = Buffer.allocUnsafe(idBytes);
    let anyProps = false;
    let at = 0;
    for (let k = 0; k < count; k++) {
      const i = rows[k];
      time[k] = batch.time.array[i];
      ints[k] = batch.user.array[i];
      ints[count + k] = batch.day.array[i];
      ints[2 * count + k] = batch.name.array[i];
      for (let a = 0; a < attrs; a++) ints[(3 + a) * count + k] = batch.attrs[a].array[i];
      const size = ids.size[i];
      ints[(3 + attrs) * count + k] = size;
      ids.bytes.copy(idData, at, ids.start[i], ids.start[i] + size);
      at += size;
      if (batch.props[i] !== null) anyProps = true;
    }
    const props = anyProps ? Buffer.from(JSON.stringify(Array.from(rows, (i) => batch.props[i]))) : Buffer.alloc(0);
    const header = new Int32Array([count, attrs, idBytes, props.length]);
    const fd = this.files[partition];
    writeAll(fd, new Uint8Array(header.buffer));
    writeAll(fd, new Uint8Array(time.buffer));
    writeAll(fd, new Uint8Array(ints.buffer));
    writeAll(fd, idData);
    writeAll(fd, props);
    this.rows[partition] += count;
  }

  /** Reads back each partition in turn as a batch (split further when over the budget). */
  *partitions(): Generator<EventBatch> {
    for (let p = 0; p < FANOUT; p++) {
      if (this.rows[p] === 0) continue;
      if (this.rows[p] <= this.budgetEvents || this.level >= MAX_LEVEL - 1) {
        const batch = new EventBatch(this.attributeCount);
        for (const block of this.blocks(p)) block.appendTo(batch);
        this.release(p);
        yield batch;
        continue;
      }
      const finer = new BatchSpill(this.dir!, this.budgetEvents, this.attributeCount, this.level + 1);
      try {
        for (const block of this.blocks(p)) {
          const part = new EventBatch(this.attributeCount);
          block.appendTo(part);
          finer.take(part);
        }
        this.release(p);
        yield* finer.partitions();
      } finally {
        finer.dispose();
      }
    }
  }

  private *blocks(partition: number): Generator<SpilledBlock> {
    const fd = this.files[partition];
    let position = 0;
    const header = new Int32Array(4);
    for (;;) {
      if (readAll(fd, new Uint8Array(header.buffer), position) < HEADER_BYTES) return;
      position += HEADER_BYTES;
      const [count, attrs, idBytes, propsBytes] = header;
      const timeBytes = count * 8;
      const intBytes = count * 4 * (4 + attrs);
      // Buffer.alloc is never pooled: the body starts at offset 0, aligned for the typed views.
      const body = Buffer.alloc(timeBytes + intBytes + idBytes + propsBytes);
      if (readAll(fd, body, position) < body.length) throw new Error('an import spill file is truncated');
      position += body.length;
      yield new SpilledBlock(body, count, attrs, idBytes, propsBytes);
    }
  }

  private release(partition: number): void {
    closeSync(this.files[partition]);
    this.files[partition] = -1;
    rmSync(join(this.dir!, `part-${partition}`), { force: true });
  }

  /** Removes the temporary files (also after a failed or cancelled import). */
  dispose(): void {
    if (this.dir === null) return;
    for (const fd of this.files) if (fd !== -1) closeSync(fd);
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.files = [];
  }
}

/** One block of a spill file, read back. */
class SpilledBlock {
  private readonly body: Buffer;
  private readonly count: number;
  private readonly attrs: number;
  private readonly idBytes: number;
  private readonly propsBytes: number;

  constructor(body: Buffer, count: number, attrs: number, idBytes: number, propsBytes: number) {
    this.body = body;
    this.count = count;
    this.attrs = attrs;
    this.idBytes = idBytes;
    this.propsBytes = propsBytes;
  }

  appendTo(batch: EventBatch): void {
    const { body, count, attrs } = this;
    const time = new Float64Array(body.buffer, body.byteOffset, count);
    const ints = new Int32Array(body.buffer, body.byteOffset + count * 8, count * (4 + attrs));
    const column = (c: number) => ints.subarray(c * count, (c + 1) * count);
    batch.user.appendAll(column(0));
    batch.time.appendAll(time);
    batch.day.appendAll(column(1));
    batch.name.appendAll(column(2));
    for (let a = 0; a < attrs; a++) batch.attrs[a].appendAll(column(3 + a));
    const size = column(3 + attrs);
    const start = new Int32Array(count);
    for (let k = 1; k < count; k++) start[k] = start[k - 1] + size[k - 1];
    const idsAt = count * 8 + ints.byteLength;
    batch.insertId.appendParts({ bytes: body.subarray(idsAt, idsAt + this.idBytes), start, size });
    if (this.propsBytes === 0) {
      for (let k = 0; k < count; k++) batch.props.push(null);
    } else {
      const props = JSON.parse(body.subarray(idsAt + this.idBytes).toString('utf8')) as Array<string | null>;
      for (const p of props) batch.props.push(p);
    }
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

function readAll(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
