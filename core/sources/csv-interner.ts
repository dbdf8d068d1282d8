import type { Dictionary } from '../model/dictionary.ts';
import { InsertIdColumn } from '../model/insert-id-column.ts';

function grown(values: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(values.length * 2);
  next.set(values);
  return next;
}

/**
 * Dictionary keys of values read as UTF-8 bytes: a hash table over the bytes answers repeated
 * values (user ids, event names, attribute values) without decoding them into strings first.
 * A value seen for the first time is decoded once and interned in the dictionary.
 */
export class ByteInterner {
  private slots = new Int32Array(1 << 12); // entry index + 1; 0 is empty
  private hashes = new Int32Array(1 << 11);
  private keys = new Int32Array(1 << 11);
  /** Each entry's bytes, back to back (the layout insert ids have). */
  private readonly values = new InsertIdColumn();
  private readonly dictionary: Dictionary;

  constructor(dictionary: Dictionary) {
    this.dictionary = dictionary;
  }

  keyOf(source: Buffer, start: number, end: number): number {
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ source[i], 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot] - 1;
      if (e === -1) return this.add(slot, hash, source, start, end);
      if (this.hashes[e] === hash && this.sameBytes(e, source, start, end)) return this.keys[e];
    }
  }

  private sameBytes(e: number, source: Buffer, start: number, end: number): boolean {
    const { bytes, size } = this.values;
    if (size[e] !== end - start) return false;
    const at = this.values.start[e] - start;
    for (let i = start; i < end; i++) if (bytes[at + i] !== source[i]) return false;
    return true;
  }

  private add(slot: number, hash: number, source: Buffer, start: number, end: number): number {
    const key = this.dictionary.keyOf(source.toString('utf8', start, end));
    const e = this.values.length;
    this.values.pushBytes(source, start, end - start);
    if (e === this.keys.length) {
      this.hashes = grown(this.hashes);
      this.keys = grown(this.keys);
    }
    this.hashes[e] = hash;
    this.keys[e] = key;
    this.slots[slot] = e + 1;
    if (this.values.length * 2 > this.slots.length) this.rehash();
    return key;
  }

  /** Keeps the table at most half full. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.values.length; e++) {
      let slot = this.hashes[e] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}
