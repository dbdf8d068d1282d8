import { GrowableFloat64, GrowableInt32 } from './growable.ts';

/** Attribute value key meaning "null". */
export const NULL_KEY = -1;

/**
 * Events in columns: the unit that sources fill, the sorter orders and the cache writes.
 * Strings are dictionary keys (users, names, attribute values) except insert ids and the
 * JSON of remaining properties, which are rarely shared between events.
 */
export class EventBatch {
  readonly user = new GrowableInt32();
  readonly time = new GrowableFloat64();
  readonly day = new GrowableInt32();
  readonly name = new GrowableInt32();
  readonly insertId: string[] = [];
  readonly props: Array<string | null> = [];
  /** One column of value keys per attribute of the definition. */
  readonly attrs: GrowableInt32[];
  /** Rows below this index came from the cache (a merge loads the touched user-days' events). */
  cachedRows = 0;

  readonly attributeCount: number;

  constructor(attributeCount: number) {
    this.attributeCount = attributeCount;
    this.attrs = Array.from({ length: attributeCount }, () => new GrowableInt32());
  }

  get length(): number {
    return this.insertId.length;
  }

  push(user: number, time: number, day: number, name: number, insertId: string, attrs: ArrayLike<number>, props: string | null): void {
    this.user.push(user);
    this.time.push(time);
    this.day.push(day);
    this.name.push(name);
    this.insertId.push(insertId);
    this.props.push(props);
    for (let a = 0; a < this.attributeCount; a++) this.attrs[a].push(attrs[a]);
  }
}
