/**
 * Insert ids of a batch as UTF-8 bytes in one growing buffer, instead of millions of retained
 * strings (which dominated garbage collection during imports). UTF-8 byte order is code point
 * order, so ids compare without being decoded.
 */
export class InsertIdColumn {
  bytes = Buffer.allocUnsafe(1 << 16);
  start = new Int32Array(1024);
  size = new Int32Array(1024);
  length = 0;
  private used = 0;

  private reserveRows(): void {
    const start = new Int32Array(this.start.length * 2);
    start.set(this.start);
    this.start = start;
    const size = new Int32Array(this.size.length * 2);
    size.set(this.size);
    this.size = size;
  }

  private reserve(extraBytes: number): void {
    if (this.length === this.start.length) this.reserveRows();
    if (this.used + extraBytes > this.bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + extraBytes));
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
  }

  push(id: string): void {
    this.reserve(id.length * 3);
    const bytes = this.bytes;
    let at = this.used;
    let ascii = true;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      bytes[at++] = c;
    }
    if (!ascii) at = this.used + bytes.write(id, this.used, 'utf8');
    this.start[this.length] = this.used;
    this.size[this.length] = at - this.used;
    this.length++;
    this.used = at;
  }

  /** Appends an id already encoded as UTF-8. */
  pushBytes(source: Uint8Array, from: number, count: number): void {
    this.reserve(count);
    this.bytes.set(source.subarray(from, from + count), this.used);
    this.start[this.length] = this.used;
    this.size[this.length] = count;
    this.length++;
    this.used += count;
  }

  /** Appends every id of another column's parts (see `parts`). */
  appendParts(parts: { bytes: Uint8Array; start: Int32Array; size: Int32Array }): void {
    const count = parts.start.length;
    while (this.start.length < this.length + count) this.reserveRows();
    if (this.used + parts.bytes.length > this.bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + parts.bytes.length));
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    this.bytes.set(parts.bytes, this.used);
    for (let i = 0; i < count; i++) {
      this.start[this.length + i] = parts.start[i] + this.used;
      this.size[this.length + i] = parts.size[i];
    }
    this.length += count;
    this.used += parts.bytes.length;
  }

  clear(): void {
    this.length = 0;
    this.used = 0;
  }

  get(row: number): string {
    const s = this.start[row];
    return this.bytes.toString('utf8', s, s + this.size[row]);
  }

  /** Code point order of two rows' ids. */
  compare(a: number, b: number): number {
    return Buffer.compare(
      this.bytes.subarray(this.start[a], this.start[a] + this.size[a]),
      this.bytes.subarray(this.start[b], this.start[b] + this.size[b]),
    );
  }

  /** The filled parts, for transfer to another thread. */
  parts(): { bytes: Uint8Array; start: Int32Array; size: Int32Array } {
    const bytes = new Uint8Array(this.used);
    bytes.set(this.bytes.subarray(0, this.used));
    return { bytes, start: this.start.slice(0, this.length), size: this.size.slice(0, this.length) };
  }
}
