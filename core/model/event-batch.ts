import { GrowableFloat64, GrowableInt32 } from './growable.ts';
import { InsertIdColumn } from './insert-id-column.ts';

/** Attribute value key meaning "null". */
export const NULL_KEY = -1;

/**
 * Events in columns: the unit that sources fill, the sorter orders and the cache writes.
 * Strings are dictionary keys (users, names, attribute values) except insert ids (UTF-8 bytes)
 * and the JSON of remaining properties, which are rarely shared between events.
 */
export class EventBatch {
  readonly user = new GrowableInt32();
  readonly time = new GrowableFloat64();
  readonly day = new GrowableInt32();
  readonly name = new GrowableInt32();
  readonly insertId = new InsertIdColumn();
  readonly props: Array<string | null> = [];
  /** UTF-16 code units of all `props`: what they weigh in memory, for the import's budget. */
  propsChars = 0;
  /** One column of value keys per attribute of the definition. */
  readonly attrs: GrowableInt32[];

  readonly attributeCount: number;

  constructor(attributeCount: number) {
    this.attributeCount = attributeCount;
    this.attrs = Array.from({ length: attributeCount }, () => new GrowableInt32());
  }

  get length(): number {
    return this.time.length;
  }

  /** Empties the batch, keeping its storage for the rows that follow (see BatchSpill). */
  clear(): void {
    this.user.length = 0;
    this.time.length = 0;
    this.day.length = 0;
    this.name.length = 0;
    for (const column of this.attrs) column.length = 0;
    this.insertId.clear();
    this.props.length = 0;
    this.propsChars = 0;
  }

  /**
   * Appends rows read elsewhere with their own dictionaries: `userMap` and `stringMap` turn
   * their keys into this batch's.
   */
  appendRemapped(
    columns: { user: Int32Array; time: Float64Array; day: Int32Array; name: Int32Array; attrs: Int32Array[] },
    insertIds: { bytes: Uint8Array; start: Int32Array; size: Int32Array },
    props: Array<string | null>,
    userMap: Int32Array,
    stringMap: Int32Array,
  ): void {
    this.user.appendAll(columns.user, userMap);
    this.time.appendAll(columns.time);
    this.day.appendAll(columns.day);
    this.name.appendAll(columns.name, stringMap);
    for (let a = 0; a < this.attributeCount; a++) this.attrs[a].appendAll(columns.attrs[a], stringMap);
    this.insertId.appendParts(insertIds);
    for (const p of props) this.pushProps(p);
  }

  pushProps(props: string | null): void {
    this.props.push(props);
    if (props !== null) this.propsChars += props.length;
  }

  /** Everything but the insert id, which the caller has just appended. */
  pushRest(user: number, time: number, day: number, name: number, attrs: ArrayLike<number>, props: string | null): void {
    this.user.push(user);
    this.time.push(time);
    this.day.push(day);
    this.name.push(name);
    this.pushProps(props);
    for (let a = 0; a < this.attributeCount; a++) this.attrs[a].push(attrs[a]);
  }

  push(user: number, time: number, day: number, name: number, insertId: string, attrs: ArrayLike<number>, props: string | null): void {
    this.insertId.push(insertId);
    this.pushRest(user, time, day, name, attrs, props);
  }
}
