import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EventBatch } from '../model/event-batch.ts';
import { UserError } from '../util/user-error.ts';

/** Memory an event takes while read and while applied, besides its properties (measured: about 170–250 bytes). */
export const BYTES_PER_EVENT = 256;
const PREFIX = '.session-explorer-import-';

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
  /** What each partition holds, in events (properties counted as the events their bytes weigh). */
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
    spillIo(this.parent, () => {
      if (this.level === 0) removeAbandoned(this.parent);
      this.dir = mkdtempSync(join(this.parent, PREFIX));
      // Whose files these are: a later import removes them if this process dies without doing so.
      writeFileSync(join(this.dir, 'owner'), String(process.pid));
      this.files = Array.from({ length: FANOUT }, (_, p) => openSync(join(this.dir!, `part-${p}`), 'w+'));
    });
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
    // Properties row by row, as UTF-8 after their byte lengths (-1: none); one JSON text of them
    // all could pass V8's string limit.
    const props = anyProps ? encodeProps(batch.props, rows) : Buffer.alloc(0);
    const header = new Int32Array([count, attrs, idBytes, props.length]);
    const fd = this.files[partition];
    spillIo(this.parent, () => {
      writeAll(fd, new Uint8Array(header.buffer));
      writeAll(fd, new Uint8Array(time.buffer));
      writeAll(fd, new Uint8Array(ints.buffer));
      writeAll(fd, idData);
      writeAll(fd, props);
    });
    this.rows[partition] += count + props.length / BYTES_PER_EVENT;
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
      for (let k = 0; k < count; k++) batch.pushProps(null);
    } else {
      decodeProps(body.subarray(idsAt + this.idBytes), count, (p) => batch.pushProps(p));
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

/** Row properties as [byte length (-1: null), UTF-8 bytes] each, lengths first. */
function encodeProps(props: Array<string | null>, rows: Int32Array): Buffer {
  const lengths = new Int32Array(rows.length);
  let total = 0;
  for (let k = 0; k < rows.length; k++) {
    const p = props[rows[k]];
    lengths[k] = p === null ? -1 : Buffer.byteLength(p);
    if (p !== null) total += lengths[k];
  }
  const out = Buffer.allocUnsafe(lengths.byteLength + total);
  out.set(new Uint8Array(lengths.buffer), 0);
  let at = lengths.byteLength;
  for (let k = 0; k < rows.length; k++) {
    const p = props[rows[k]];
    if (p !== null) at += out.write(p, at, 'utf8');
  }
  return out;
}

function decodeProps(bytes: Buffer, count: number, take: (props: string | null) => void): void {
  const lengths = new Int32Array(count);
  new Uint8Array(lengths.buffer).set(bytes.subarray(0, count * 4));
  let at = count * 4;
  for (let k = 0; k < count; k++) {
    if (lengths[k] === -1) take(null);
    else {
      take(bytes.toString('utf8', at, at + lengths[k]));
      at += lengths[k];
    }
  }
}

/** Disk trouble while spilling (full, read-only, gone) is the user's to fix: said in one line. */
function spillIo<T>(folder: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code !== 'string') throw error;
    const why = e.code === 'ENOSPC' ? 'the disk is full' : e.message;
    throw new UserError(
      `cannot write the import's temporary files in ${folder} (${why}); free space there or raise SESSION_EXPLORER_IMPORT_BUDGET_MB`,
    );
  }
}

/** Removes spill folders whose importing process is gone (killed before it could remove them). */
function removeAbandoned(folder: string): void {
  for (const name of readdirSync(folder)) {
    if (!name.startsWith(PREFIX)) continue;
    let pid = Number.NaN;
    try {
      pid = Number(readFileSync(join(folder, name, 'owner'), 'utf8'));
    } catch {
      // No owner file: killed between making the folder and writing it, or another import is
      // just making it; left alone for a minute.
      try {
        if (Date.now() - statSync(join(folder, name)).mtimeMs < 60_000) continue;
      } catch {
        continue; // gone meanwhile
      }
    }
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    rmSync(join(folder, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
