import { createHash } from 'node:crypto';
import type { SessionDefinition } from '../definition.ts';
import { Dictionary } from '../model/dictionary.ts';
import { EventBatch, NULL_KEY } from '../model/event-batch.ts';
import { BYTES_PER_EVENT, type BatchSpill } from './batch-spill.ts';
import { parseTimeValue } from '../time/parse-time.ts';
import type { ZoneCalendar } from '../time/zone-calendar.ts';
import { UserError } from '../util/user-error.ts';

export interface Rejection {
  file: string;
  line: number;
  reason: string;
  row: string;
}

export interface DayRange {
  from: number;
  to: number;
}

/** Counters of one import, before the cache merges the batch. */
export interface ReadCounts {
  rows: number;
  rejected: number;
  outOfRange: number;
}

/** How many rejections are kept in memory for the report; all are counted. */
const MAX_KEPT_REJECTIONS = 100_000;

/**
 * Turns the rows sources read into an EventBatch: validates user and time, computes the local
 * day, drops rows outside a range (counting them), derives missing insert ids, interns strings.
 */
export class BatchBuilder {
  readonly batch: EventBatch;
  readonly counts: ReadCounts = { rows: 0, rejected: 0, outOfRange: 0 };
  readonly rejections: Rejection[] = [];
  private readonly attrKeys: Int32Array;

  readonly definition: SessionDefinition;
  readonly calendar: ZoneCalendar;
  readonly users: Dictionary;
  readonly strings: Dictionary;
  readonly range: DayRange | null;

  constructor(definition: SessionDefinition, calendar: ZoneCalendar, users: Dictionary, strings: Dictionary, range: DayRange | null) {
    this.definition = definition;
    this.calendar = calendar;
    this.users = users;
    this.strings = strings;
    this.range = range;
    this.batch = new EventBatch(definition.attributes.length);
    this.attrKeys = new Int32Array(definition.attributes.length);
  }

  /** Set by an import that can be cancelled; sources check it between chunks of input. */
  signal: AbortSignal | null = null;

  /** Set by an import with a memory budget: where rows go once the batch holds that many. */
  spill: BatchSpill | null = null;

  /** Stops reading once the import is cancelled (the cache has not been touched yet). */
  throwIfCancelled(): void {
    if (this.signal?.aborted) throw new ImportCancelled();
  }

  /**
   * Called by sources between chunks of input, when every row read so far is in the batch:
   * stops a cancelled import, and spills the batch to disk once it reaches the memory budget.
   */
  checkpoint(): void {
    this.throwIfCancelled();
    if (this.spill !== null && batchWeight(this.batch) >= this.spill.budgetEvents) this.spill.take(this.batch);
  }

  /** Whether `rows` more rows may be held in memory at once (a worker's part of a file is). */
  fitsInMemory(rows: number): boolean {
    return this.spill === null || batchWeight(this.batch) + rows <= this.spill.budgetEvents;
  }

  /** Takes in what a worker read with its own dictionaries (see csv-worker.ts). */
  absorb(part: {
    columns: { user: Int32Array; time: Float64Array; day: Int32Array; name: Int32Array; attrs: Int32Array[] };
    insertId: { bytes: Uint8Array; start: Int32Array; size: Int32Array };
    props: Array<string | null>;
    users: string[];
    strings: string[];
    counts: ReadCounts;
    rejections: Rejection[];
  }): void {
    const userMap = Int32Array.from(part.users, (u) => this.users.keyOf(u));
    const stringMap = Int32Array.from(part.strings, (s) => this.strings.keyOf(s));
    this.batch.appendRemapped(part.columns, part.insertId, part.props, userMap, stringMap);
    this.counts.rows += part.counts.rows;
    this.counts.rejected += part.counts.rejected;
    this.counts.outOfRange += part.counts.outOfRange;
    for (const r of part.rejections) if (this.rejections.length < MAX_KEPT_REJECTIONS) this.rejections.push(r);
  }

  reject(file: string, line: number, reason: string, row: string): void {
    this.counts.rows++;
    this.counts.rejected++;
    if (this.rejections.length < MAX_KEPT_REJECTIONS) this.rejections.push({ file, line, reason, row });
  }

  /**
   * Counts a valid row and returns the local day of its time, or null when the day is outside
   * the range (counted too). Sources that intern and append a row themselves call this first.
   */
  admit(ms: number): number | null {
    this.counts.rows++;
    const day = this.calendar.localDay(ms);
    if (this.range !== null && (day < this.range.from || day > this.range.to)) {
      this.counts.outOfRange++;
      return null;
    }
    return day;
  }

  /**
   * One row as a source read it. `attrs` holds the attribute values in definition order
   * (null for absent); `props` the JSON of the remaining properties, or null.
   */
  accept(
    file: string,
    line: number,
    user: unknown,
    time: unknown,
    insertId: unknown,
    event: unknown,
    attrs: ReadonlyArray<string | null>,
    props: string | null,
    row: () => string,
  ): void {
    const userId = scalarText(user);
    if (userId === null || userId === '') return this.reject(file, line, 'no user id', row());
    if (time === null || time === undefined || time === '') return this.reject(file, line, 'no time', row());
    const ms = parseTimeValue(time);
    if (ms === null) return this.reject(file, line, `unparsable time '${String(time)}'`, row());
    const day = this.admit(ms);
    if (day === null) return;
    const name = scalarText(event) ?? '';
    let id = scalarText(insertId);
    if (id === null || id === '') id = derivedInsertId(userId, ms, name, attrs, props);
    for (let a = 0; a < attrs.length; a++) {
      const value = attrs[a];
      this.attrKeys[a] = value === null ? NULL_KEY : this.strings.keyOf(value);
    }
    this.batch.push(this.users.keyOf(userId), ms, day, this.strings.keyOf(name), id, this.attrKeys, props);
  }
}

/** What a batch weighs in memory, in events: its rows, and its properties' text (two bytes a code unit). */
export function batchWeight(batch: EventBatch): number {
  return batch.length + (batch.propsChars * 2) / BYTES_PER_EVENT;
}

/** Text of a scalar JSON/CSV value; objects become JSON; null and undefined stay null. */
export function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * SPEC §1: an event without an insert id gets one derived from a hash of its whole content,
 * so exact repeats collapse and distinct rows never do.
 */
export function derivedInsertId(
  userId: string,
  time: number,
  event: string,
  attrs: ReadonlyArray<string | null>,
  props: string | null,
): string {
  const content = JSON.stringify([userId, time, event, attrs, props]);
  return `h:${createHash('sha256').update(content).digest('hex').slice(0, 24)}`;
}

/** What a cancelled import throws: a user's decision, reported in one line. */
export class ImportCancelled extends UserError {
  constructor() {
    super('import cancelled; the cache is unchanged');
  }
}
