const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * How a field's bytes give its value. Plain: the bytes are the value. Quoted: the bytes (from
 * the opening quote to the field's end) need `unquote` (doubled quotes, text after the closing
 * quote, or no closing quote).
 */
export const FieldKind = { Plain: 0, Quoted: 1 } as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/**
 * The fields of one record, as byte ranges of the buffer it was found in. A well-formed quoted
 * field without doubled quotes is Plain (its range excludes the quotes): the common quoted case
 * costs nothing extra.
 */
export class CsvRecord {
  start = new Int32Array(64);
  end = new Int32Array(64);
  kind = new Uint8Array(64);
  count = 0;
  /** How many fields are Quoted: rows without any are read straight from their bytes. */
  quoted = 0;
  /** Line feeds inside quoted fields: the record spans `1 + newlines` physical lines. */
  newlines = 0;
  buffer: Buffer = Buffer.alloc(0);

  push(start: number, end: number, kind: FieldKind): void {
    if (this.count === this.start.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T) => (b.set(a), b);
      this.start = grow(this.start, new Int32Array(this.count * 2));
      this.end = grow(this.end, new Int32Array(this.count * 2));
      this.kind = grow(this.kind, new Uint8Array(this.count * 2));
    }
    this.start[this.count] = start;
    this.end[this.count] = end;
    this.kind[this.count] = kind;
    this.quoted += kind;
    this.count++;
  }

  /** True for a blank line (one empty field), which sources skip. */
  isBlank(): boolean {
    return this.count === 1 && this.end[0] === this.start[0];
  }

  /** Field `i` as a string. */
  text(i: number): string {
    const s = this.buffer.toString('utf8', this.start[i], this.end[i]);
    return this.kind[i] === FieldKind.Quoted ? unquote(s) : s;
  }

  texts(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.text(i));
  }
}

/** A quoted field's value from its raw text (starting at the opening quote), RFC 4180 and lenient. */
export function unquote(raw: string): string {
  let out = '';
  let i = 1;
  while (i < raw.length) {
    const q = raw.indexOf('"', i);
    if (q === -1) return out + raw.slice(i); // no closing quote: the field runs to the end
    out += raw.slice(i, q);
    if (raw.charCodeAt(q + 1) !== QUOTE) return out + raw.slice(q + 1); // text after the closing quote is kept
    out += '"';
    i = q + 2;
  }
  return out;
}

function countLineFeeds(buffer: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = buffer.indexOf(LF, from); at !== -1 && at < to; at = buffer.indexOf(LF, at + 1)) n++;
  return n;
}

/**
 * Splits RFC 4180 CSV bytes (comma-separated, `"` quotes, LF or CRLF line ends) into records
 * without decoding them: callers read the fields they need straight from the bytes, so a
 * million rows do not become millions of short-lived strings. Chunks may cut records anywhere;
 * an incomplete record waits for more bytes.
 */
export class CsvLexer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes to gather before scanning again: doubling keeps a huge quoted field linear. */
  private needBytes = 0;
  private readonly record = new CsvRecord();
  private readonly onRecord: (record: CsvRecord) => void;

  constructor(onRecord: (record: CsvRecord) => void) {
    this.onRecord = onRecord;
  }

  feed(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.needBytes) this.scan(false);
  }

  /** The input ended: the last record needs no line end, an open quote runs to the end. */
  end(): void {
    this.scan(true);
  }

  private scan(final: boolean): void {
    const buffer = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const length = buffer.length;
    const record = this.record;
    record.buffer = buffer;
    let at = 0;
    while (at < length) {
      const next = this.scanRecord(buffer, at, length, final);
      if (next === -1) break;
      this.onRecord(record);
      at = next;
    }
    const rest = length - at;
    // Copy the tail: keeping a view would pin the whole chunk.
    this.pending = rest === 0 ? [] : [Buffer.from(buffer.subarray(at))];
    this.pendingBytes = rest;
    this.needBytes = rest > 1 << 20 ? rest * 2 : 0;
  }

  /** Fills `record` with the record at `from`; returns where the next one starts, or -1 when incomplete. */
  private scanRecord(buffer: Buffer, from: number, length: number, final: boolean): number {
    const record = this.record;
    record.count = 0;
    record.quoted = 0;
    record.newlines = 0;
    let i = from;
    for (;;) {
      if (i < length && buffer[i] === QUOTE) {
        const open = i;
        let kind: FieldKind = FieldKind.Plain;
        let close = -1;
        for (let q = buffer.indexOf(QUOTE, open + 1); ; q = buffer.indexOf(QUOTE, q + 2)) {
          if (q === -1 || q >= length) break;
          if (q + 1 === length && !final) return -1; // a doubled quote may be cut by the chunk end
          if (buffer[q + 1] !== QUOTE) {
            close = q;
            break;
          }
          kind = FieldKind.Quoted;
        }
        if (close === -1) {
          if (!final) return -1;
          record.newlines += countLineFeeds(buffer, open, length);
          record.push(open, length, FieldKind.Quoted);
          return length;
        }
        record.newlines += countLineFeeds(buffer, open, close);
        i = close + 1;
        const c = i < length ? buffer[i] : -1;
        const lineEnd = c === LF || (c === CR && i + 1 < length && buffer[i + 1] === LF);
        if (c === COMMA || lineEnd || (c === -1 && final)) {
          if (kind === FieldKind.Plain) record.push(open + 1, close, FieldKind.Plain);
          else record.push(open, close + 1, FieldKind.Quoted);
        } else {
          if (c === -1 || (c === CR && i + 1 === length)) {
            if (!final) return -1;
          }
          // Text after the closing quote: the field runs on to the next comma or line end.
          i = this.plainEnd(buffer, i, length);
          if (i === -1) {
            if (!final) return -1;
            i = length;
          }
          record.push(open, i > from && buffer[i - 1] === CR && buffer[i] === LF ? i - 1 : i, FieldKind.Quoted);
        }
      } else {
        const start = i;
        i = this.plainEnd(buffer, i, length);
        if (i === -1) {
          if (!final) return -1;
          i = length;
        }
        const end = i < length && buffer[i] === LF && i > start && buffer[i - 1] === CR ? i - 1 : i;
        record.push(start, end, FieldKind.Plain);
      }
      if (i >= length) return length;
      const c = buffer[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i++; // CR LF after a quoted field
      return i + 1; // past the LF
    }
  }

  /** The position of the comma or line feed ending an unquoted field at `i`, or -1 at the buffer's end. */
  private plainEnd(buffer: Buffer, i: number, length: number): number {
    for (; i < length; i++) {
      const c = buffer[i];
      if (c === COMMA || c === LF) return i;
    }
    return -1;
  }
}
