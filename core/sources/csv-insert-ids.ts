import type { InsertIdColumn } from '../model/insert-id-column.ts';

/**
 * Insert ids read from CSV bytes, gathered here and handed to the batch's column in bulk:
 * appending one id at a time would cost a Buffer view per row. `flush` must run before any
 * other id is pushed to the column, so that ids stay in row order.
 */
export class PendingInsertIds {
  private bytes = Buffer.allocUnsafe(1 << 20);
  private start = new Int32Array(1 << 14);
  private size = new Int32Array(1 << 14);
  private count = 0;
  private used = 0;
  private readonly column: InsertIdColumn;

  constructor(column: InsertIdColumn) {
    this.column = column;
  }

  push(source: Buffer, from: number, to: number): void {
    const length = to - from;
    if (this.count === this.start.length) this.flush();
    if (this.used + length > this.bytes.length) {
      this.flush();
      if (length > this.bytes.length) this.bytes = Buffer.allocUnsafe(length);
    }
    const bytes = this.bytes;
    let at = this.used;
    for (let i = from; i < to; i++) bytes[at++] = source[i];
    this.start[this.count] = this.used;
    this.size[this.count] = length;
    this.count++;
    this.used = at;
  }

  flush(): void {
    if (this.count === 0) return;
    this.column.appendParts({
      bytes: this.bytes.subarray(0, this.used),
      start: this.start.subarray(0, this.count),
      size: this.size.subarray(0, this.count),
    });
    this.count = 0;
    this.used = 0;
  }
}
