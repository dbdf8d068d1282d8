import Papa from 'papaparse';
import { NULL_KEY } from '../model/event-batch.ts';
import type { BatchBuilder } from './batch-builder.ts';
import { PendingInsertIds } from './csv-insert-ids.ts';
import { ByteInterner } from './csv-interner.ts';
import { layoutOf, type CsvLayout } from './csv-layout.ts';
import type { CsvRecord } from './csv-lexer.ts';
import { csvTimeMs } from './csv-time.ts';

const CHECKPOINT_ROWS_MASK = 4095;

/** ASCII bytes are exactly the UTF-8 that decoding and re-encoding them would give. */
function isAscii(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

/**
 * Turns lexed records into builder rows. The common row (plain fields, a canonical time, an
 * ASCII insert id, no properties) is read straight from the bytes; any other row is decoded
 * into strings and goes through `BatchBuilder.accept`, which has the last word on validity.
 */
export class CsvRows {
  private layout: CsvLayout | null = null;
  /** The layout's property columns. */
  private propertyColumns = new Int32Array(0);
  private line: number;
  /** Records taken, for a checkpoint every few thousand (a chunk of input can hold many). */
  private taken = 0;
  private readonly attrValues: Array<string | null>;
  private readonly attrKeys: Int32Array;
  private readonly users: ByteInterner;
  private readonly strings: ByteInterner;
  private readonly ids: PendingInsertIds;
  private readonly path: string;
  private readonly builder: BatchBuilder;

  /** `header`: the file's, for rows of a part that does not start with it; `firstLine`: the first row's line. */
  constructor(path: string, builder: BatchBuilder, header: string[] | null, firstLine: number) {
    this.path = path;
    this.builder = builder;
    if (header) this.setLayout(layoutOf(path, header, builder));
    this.line = firstLine;
    this.attrValues = new Array(builder.definition.attributes.length).fill(null);
    this.attrKeys = new Int32Array(builder.definition.attributes.length);
    this.users = new ByteInterner(builder.users);
    this.strings = new ByteInterner(builder.strings);
    this.ids = new PendingInsertIds(builder.batch.insertId);
  }

  private setLayout(layout: CsvLayout): void {
    this.layout = layout;
    this.propertyColumns = Int32Array.from(layout.properties, ([index]) => index);
  }

  /** Called after the last record. */
  end(): void {
    this.ids.flush();
  }

  /** Puts every row taken so far wholly into the batch (insert ids are appended in bulk). */
  settle(): void {
    this.ids.flush();
  }

  /** The physical line number of the next record. */
  get nextLine(): number {
    return this.line;
  }

  take(record: CsvRecord): void {
    if ((++this.taken & CHECKPOINT_ROWS_MASK) === 0) {
      this.ids.flush();
      this.builder.checkpoint();
    }
    const startLine = this.line;
    this.line += 1 + record.newlines;
    if (this.layout === null) {
      this.setLayout(layoutOf(this.path, record.texts(), this.builder));
      return;
    }
    if (record.isBlank()) return;
    if (record.count !== this.layout.width) {
      this.builder.reject(this.path, startLine, `expected ${this.layout.width} fields, found ${record.count}`, Papa.unparse([record.texts()]));
      return;
    }
    if (!this.takeFromBytes(record, this.layout)) this.takeText(record.texts(), startLine, this.layout);
  }

  /** The common row, read from its bytes; false (having changed nothing) for any other row. */
  private takeFromBytes(record: CsvRecord, L: CsvLayout): boolean {
    if (record.quoted > 0) return false;
    const { buffer, start, end } = record;
    const id = L.insertId;
    if (id === -1 || end[id] === start[id] || end[L.user] === start[L.user] || end[L.time] === start[L.time]) return false;
    if (!isAscii(buffer, start[id], end[id])) return false;
    const properties = this.propertyColumns;
    for (let k = 0; k < properties.length; k++) if (end[properties[k]] > start[properties[k]]) return false;
    const ms = csvTimeMs(buffer, start[L.time], end[L.time]);
    if (ms === null) return false;

    const builder = this.builder;
    const day = builder.admit(ms);
    if (day === null) return true;
    // Interned in the order `accept` interns them, so keys are the same on either path.
    const attrKeys = this.attrKeys;
    for (let a = 0; a < attrKeys.length; a++) {
      const index = L.attributes[a];
      attrKeys[a] = index === -1 || end[index] === start[index] ? NULL_KEY : this.strings.keyOf(buffer, start[index], end[index]);
    }
    const user = this.users.keyOf(buffer, start[L.user], end[L.user]);
    const name = L.event === -1 ? builder.strings.keyOf('') : this.strings.keyOf(buffer, start[L.event], end[L.event]);
    this.ids.push(buffer, start[id], end[id]);
    builder.batch.pushRest(user, ms, day, name, attrKeys, null);
    return true;
  }

  private takeText(row: string[], startLine: number, L: CsvLayout): void {
    this.ids.flush();
    const attrValues = this.attrValues;
    for (let a = 0; a < L.attributes.length; a++) {
      const index = L.attributes[a];
      const value = index === -1 ? '' : row[index];
      attrValues[a] = value === '' ? null : value;
    }
    let props: string | null = null;
    if (L.properties.length > 0) {
      let object: Record<string, string> | null = null;
      for (const [index, name] of L.properties) {
        const value = row[index];
        if (value === '') continue;
        (object ??= {})[name] = value;
      }
      if (object !== null) props = JSON.stringify(object);
    }
    this.builder.accept(
      this.path,
      startLine,
      row[L.user],
      row[L.time],
      L.insertId === -1 ? null : row[L.insertId],
      L.event === -1 ? null : row[L.event],
      attrValues,
      props,
      () => Papa.unparse([row]),
    );
  }
}
