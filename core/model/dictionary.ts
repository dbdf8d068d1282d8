/**
 * Interns strings as small integer keys (user ids, event names, attribute values), so events
 * are stored and sorted as numbers. Keys are assigned in order of first sight and never reused.
 */
export class Dictionary {
  private readonly keys = new Map<string, number>();
  readonly values: string[] = [];
  private firstNewKey: number;

  constructor(initial: Iterable<readonly [number, string]> = []) {
    for (const [key, value] of initial) {
      this.keys.set(value, key);
      this.values[key] = value;
    }
    this.firstNewKey = this.values.length;
  }

  keyOf(value: string): number {
    let key = this.keys.get(value);
    if (key === undefined) {
      value = (' ' + value).slice(1); // a copy: never keep a parser's whole input chunk alive
      key = this.values.length;
      this.values.push(value);
      this.keys.set(value, key);
    }
    return key;
  }

  find(value: string): number | undefined {
    return this.keys.get(value);
  }

  valueOf(key: number): string {
    return this.values[key];
  }

  get size(): number {
    return this.values.length;
  }

  /** Entries added since construction or the last `markPersisted`, to be written to the cache. */
  newEntries(): Array<[number, string]> {
    const entries: Array<[number, string]> = [];
    for (let key = this.firstNewKey; key < this.values.length; key++) entries.push([key, this.values[key]]);
    return entries;
  }

  markPersisted(): void {
    this.firstNewKey = this.values.length;
  }

  /** Forgets keys added since the last `markPersisted` (after a rolled-back import). */
  rollback(): void {
    for (let key = this.firstNewKey; key < this.values.length; key++) this.keys.delete(this.values[key]);
    this.values.length = this.firstNewKey;
  }

  /** True when `key` was assigned before the current import. */
  isPersisted(key: number): boolean {
    return key < this.firstNewKey;
  }
}
