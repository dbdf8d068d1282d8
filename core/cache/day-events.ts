import type { EventBatch } from '../model/event-batch.ts';
import type { OrderedEvents } from '../sessionize/event-order.ts';
import { GatheredIds } from './id-gather.ts';
import { packCodes, packedColumnCount, unpackColumn } from './packed-codes.ts';

/**
 * One user-day's events as stored in a `user_days` row, in session order:
 * - `times`: float64 little-endian epoch ms per event;
 * - `codes`: column after column, packed (see packed-codes.ts): event name key, session
 *   ordinal within the day (-1: excluded event), insert id length in bytes, then one column per
 *   attribute of the definition (value key, -1 for null);
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
 * Encodes the runs of one import. The insert ids are laid out in session order in one pass
 * (see GatheredIds); the other columns are in that order already, so `encode` cuts each run's
 * blobs out of them with sequential copies.
 */
export class DayEventsEncoder {
  private readonly idSize: Int32Array;
  private readonly events: OrderedEvents;
  private readonly ids: GatheredIds;
  private readonly props: Array<string | null> | null;

  constructor(batch: EventBatch, events: OrderedEvents) {
    this.events = events;
    this.idSize = new Int32Array(events.order.length);
    this.ids = new GatheredIds(batch.insertId, events.order);
    // Most imports carry no properties: then no event needs looking up for them.
    this.props = batch.props.some((prop) => prop !== null) ? Array.from(events.order, (row) => batch.props[row]) : null;
  }

  /** Events at positions [from, to) of the ordered batch, with their session ordinals. */
  encode(from: number, to: number, ordinal: Int32Array): StoredDay {
    const events = this.events;
    const ids = this.ids;
    ids.ready(to);
    const idStart = ids.start;
    const idSize = this.idSize;
    for (let p = from; p < to; p++) idSize[p] = idStart[p + 1] - idStart[p];
    const codes = packCodes([
      events.name.subarray(from, to),
      ordinal.subarray(from, to),
      idSize.subarray(from, to),
      ...events.attrs.map((column) => column.subarray(from, to)),
    ]);
    const time = events.time.subarray(from, to);
    let props: Array<string | null> | null = null;
    if (this.props !== null) {
      const slice = this.props.slice(from, to);
      if (slice.some((prop) => prop !== null)) props = slice;
    }
    return {
      times: Buffer.from(time.buffer, time.byteOffset, time.byteLength),
      codes,
      insert_ids: ids.bytes.subarray(idStart[from], idStart[to]),
      props: props === null ? null : JSON.stringify(props),
    };
  }
}

/** Typed view of a blob, copying only when SQLite's buffer is not aligned for it. */
function view<T extends Float64Array>(kind: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, blob: Buffer): T {
  const length = blob.length / kind.BYTES_PER_ELEMENT;
  if (blob.byteOffset % kind.BYTES_PER_ELEMENT === 0) return new kind(blob.buffer as ArrayBuffer, blob.byteOffset, length);
  const copy = new Uint8Array(blob.length);
  copy.set(blob);
  return new kind(copy.buffer, 0, length);
}

/** The times and session ordinals only: all a timeline load needs. */
export function decodeTimes(times: Buffer, codes: Buffer): { time: Float64Array; session: Int32Array } {
  return { time: view(Float64Array, times), session: unpackColumn(codes, 1) };
}

export function decodeDayEvents(stored: StoredDay): DayEvents {
  const time = view(Float64Array, stored.times);
  const codes = stored.codes;
  const attrs: Int32Array[] = [];
  for (let a = 3; a < packedColumnCount(codes); a++) attrs.push(unpackColumn(codes, a));
  return {
    count: time.length,
    time,
    name: unpackColumn(codes, 0),
    session: unpackColumn(codes, 1),
    attrs,
    insertIdBytes: stored.insert_ids,
    insertIdLength: unpackColumn(codes, 2),
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
