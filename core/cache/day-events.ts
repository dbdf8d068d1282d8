import type { SessionDefinition } from '../definition.ts';
import type { EventBatch } from '../model/event-batch.ts';
import type { OrderedEvents } from '../sessionize/event-order.ts';

/**
 * One user-day's events as stored in a `user_days` row, in session order:
 * - `times`: float64 little-endian epoch ms per event;
 * - `codes`: int32 little-endian, column after column: event name key, session ordinal within
 *   the day (-1: excluded event), insert id length in bytes, then one column per attribute of
 *   the definition (value key, -1 for null);
 * - `insert_ids`: the insert ids' UTF-8 bytes, one after another; `props`: JSON array of each event's remaining
 *   properties as JSON text or null (NULL when every event has none).
 * Binary columns keep an import's write and a timeline load cheap; an event's session_id is
 * the row's first_session_id plus its ordinal.
 */
export interface StoredDay {
  times: Buffer;
  codes: Buffer;
  insert_ids: Buffer;
  props: string | null;
}

export interface DayEvents {
  count: number;
  time: Float64Array;
  name: Int32Array;
  session: Int32Array;
  /** Per attribute of the definition the day was written under: value keys, -1 for null. */
  attrs: Int32Array[];
  /** UTF-8 bytes of the ids and each id's length. */
  insertIdBytes: Uint8Array;
  insertIdLength: Int32Array;
  props: Array<string | null> | null;
}

/** The day's insert ids as strings. */
export function insertIdsOf(events: DayEvents): string[] {
  const ids = new Array<string>(events.count);
  const bytes = Buffer.from(events.insertIdBytes.buffer, events.insertIdBytes.byteOffset, events.insertIdBytes.byteLength);
  let at = 0;
  for (let k = 0; k < events.count; k++) {
    ids[k] = bytes.toString('utf8', at, at + events.insertIdLength[k]);
    at += events.insertIdLength[k];
  }
  return ids;
}

/**
 * Encodes the runs of one import into one pair of shared buffers (one allocation instead of
 * two per user-day); `encode` returns each run's columns as views into them.
 */
export class DayEventsEncoder {
  private readonly times: Float64Array;
  private readonly codes: Int32Array;
  private timeAt = 0;
  private codeAt = 0;
  private readonly definition: SessionDefinition;
  private readonly batch: EventBatch;

  constructor(definition: SessionDefinition, batch: EventBatch, eventCount: number) {
    this.definition = definition;
    this.batch = batch;
    this.times = new Float64Array(eventCount);
    this.codes = new Int32Array(eventCount * (3 + definition.attributes.length));
  }

  /** Events at positions [from, to) of the ordered batch, with their session ordinals. */
  encode(events: OrderedEvents, from: number, to: number, ordinal: Int32Array): StoredDay {
    const n = to - from;
    const time = this.times.subarray(this.timeAt, this.timeAt + n);
    const codes = this.codes.subarray(this.codeAt, this.codeAt + n * (3 + this.definition.attributes.length));
    this.timeAt += n;
    this.codeAt += codes.length;
    return encodeInto(this.definition, this.batch, events, from, to, ordinal, time, codes);
  }
}

function encodeInto(
  definition: SessionDefinition,
  batch: EventBatch,
  events: OrderedEvents,
  from: number,
  to: number,
  ordinal: Int32Array,
  time: Float64Array,
  codes: Int32Array,
): StoredDay {
  const order = events.order;
  const n = to - from;
  const attrCount = definition.attributes.length;
  let props: Array<string | null> | null = null;
  const ids = batch.insertId;
  let idBytes = 0;
  for (let k = 0; k < n; k++) idBytes += ids.size[order[from + k]];
  const insertIds = Buffer.allocUnsafe(idBytes);
  let at = 0;
  for (let k = 0; k < n; k++) {
    const p = from + k;
    const row = order[p];
    time[k] = events.time[p];
    codes[k] = events.name[p];
    codes[n + k] = ordinal[from + k];
    const size = ids.size[row];
    codes[2 * n + k] = size;
    ids.bytes.copy(insertIds, at, ids.start[row], ids.start[row] + size);
    at += size;
    for (let a = 0; a < attrCount; a++) codes[(3 + a) * n + k] = events.attrs[a][p];
    const prop = batch.props[row];
    if (prop !== null) (props ??= new Array<string | null>(n).fill(null))[k] = prop;
  }
  return {
    times: Buffer.from(time.buffer, time.byteOffset, time.byteLength),
    codes: Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength),
    insert_ids: insertIds,
    props: props === null ? null : JSON.stringify(props),
  };
}

/** Typed view of a blob, copying only when SQLite's buffer is not aligned for it. */
function view<T extends Float64Array | Int32Array>(kind: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, blob: Buffer): T {
  const length = blob.length / kind.BYTES_PER_ELEMENT;
  if (blob.byteOffset % kind.BYTES_PER_ELEMENT === 0) return new kind(blob.buffer as ArrayBuffer, blob.byteOffset, length);
  const copy = new Uint8Array(blob.length);
  copy.set(blob);
  return new kind(copy.buffer, 0, length);
}

/** The times and session ordinals only: all a timeline load needs. */
export function decodeTimes(times: Buffer, codes: Buffer): { time: Float64Array; session: Int32Array } {
  const time = view(Float64Array, times);
  const n = time.length;
  const all = view(Int32Array, codes);
  return { time, session: all.subarray(n, 2 * n) };
}

export function decodeDayEvents(stored: StoredDay): DayEvents {
  const time = view(Float64Array, stored.times);
  const n = time.length;
  const codes = view(Int32Array, stored.codes);
  const columns = codes.length / n;
  const attrs: Int32Array[] = [];
  for (let a = 3; a < columns; a++) attrs.push(codes.subarray(a * n, (a + 1) * n));
  return {
    count: n,
    time,
    name: codes.subarray(0, n),
    session: codes.subarray(n, 2 * n),
    attrs,
    insertIdBytes: stored.insert_ids,
    insertIdLength: codes.subarray(2 * n, 3 * n),
    props: stored.props === null ? null : (JSON.parse(stored.props) as Array<string | null>),
  };
}

/** Appends a stored user-day, written under the same definition, to a batch. */
export function appendDayEvents(batch: EventBatch, user: number, day: number, events: DayEvents): void {
  const values = new Int32Array(events.attrs.length);
  let at = 0;
  for (let k = 0; k < events.count; k++) {
    for (let a = 0; a < values.length; a++) values[a] = events.attrs[a][k];
    batch.insertId.pushBytes(events.insertIdBytes, at, events.insertIdLength[k]);
    at += events.insertIdLength[k];
    batch.pushRest(user, events.time[k], day, events.name[k], values, events.props?.[k] ?? null);
  }
}

export const STORED_DAY_COLUMNS = 'times, codes, insert_ids, props';
