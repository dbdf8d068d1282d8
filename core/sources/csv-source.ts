import Papa from 'papaparse';
import { csvSource } from '../definition.ts';
import { UserError } from '../util/user-error.ts';
import type { BatchBuilder } from './batch-builder.ts';
import { describeStreamError, openTextStream, type ByteProgress } from './input-stream.ts';

const USER_COLUMNS = ['user_id', 'distinct_id'];
const TIME_COLUMNS = ['time', 'timestamp', 'time_ms'];
const INSERT_ID_COLUMNS = ['insert_id', '$insert_id'];
const EVENT_COLUMNS = ['event', 'event_name'];

interface CsvLayout {
  width: number;
  user: number;
  time: number;
  insertId: number;
  event: number;
  attributes: number[];
  /** Columns kept as properties: [index, name]. */
  properties: Array<[number, string]>;
}

function findColumn(header: string[], candidates: string[]): number {
  for (const candidate of candidates) {
    const index = header.indexOf(candidate);
    if (index !== -1) return index;
  }
  return -1;
}

function layoutOf(path: string, rawHeader: string[], builder: BatchBuilder): CsvLayout {
  const header = rawHeader.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim().toLowerCase());
  const user = findColumn(header, USER_COLUMNS);
  const time = findColumn(header, TIME_COLUMNS);
  if (user === -1) throw new UserError(`${path}: no user column (expected user_id or distinct_id)`);
  if (time === -1) throw new UserError(`${path}: no time column (expected time, timestamp or time_ms)`);
  const insertId = findColumn(header, INSERT_ID_COLUMNS);
  const event = findColumn(header, EVENT_COLUMNS);
  const attributes = builder.definition.attributes.map((a) => header.indexOf(csvSource(a).toLowerCase()));
  const used = new Set([user, time, insertId, event, ...attributes]);
  const properties: Array<[number, string]> = [];
  rawHeader.forEach((name, index) => {
    if (!used.has(index)) properties.push([index, (index === 0 ? name.replace(/^\uFEFF/, '') : name).trim()]);
  });
  return { width: header.length, user, time, insertId, event, attributes, properties };
}

function countNewlines(row: string[]): number {
  let n = 0;
  for (const field of row) {
    let at = field.indexOf('\n');
    while (at !== -1) {
      n++;
      at = field.indexOf('\n', at + 1);
    }
  }
  return n;
}

/** A byte range of a CSV file read on its own: rows only, with the file's header given. */
export interface CsvPart {
  start: number;
  end: number;
  /** The file's header, for a part that does not start with it. */
  header: string[] | null;
  /** The physical line number of the part's first row. */
  firstLine: number;
}

/**
 * Streams an RFC 4180 CSV (header row, UTF-8, optional BOM, CRLF or LF, optionally gzipped),
 * or one part of it.
 */
export async function readCsv(path: string, builder: BatchBuilder, onProgress?: ByteProgress, part?: CsvPart): Promise<void> {
  const input = await openTextStream(path, onProgress, part);
  let layout: CsvLayout | null = part?.header ? layoutOf(path, part.header, builder) : null;
  let line = part ? part.firstLine : 1;
  const attrValues: Array<string | null> = new Array(builder.definition.attributes.length).fill(null);
  let failure: unknown = null;

  const handleRow = (row: string[]): void => {
    const startLine = line;
    line += 1 + countNewlines(row);
    if (layout === null) {
      layout = layoutOf(path, row, builder);
      return;
    }
    if (row.length === 1 && row[0] === '') return;
    const rowText = () => Papa.unparse([row]);
    if (row.length !== layout.width) {
      builder.reject(path, startLine, `expected ${layout.width} fields, found ${row.length}`, rowText());
      return;
    }
    const L = layout;
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
    builder.accept(
      path,
      startLine,
      row[L.user],
      row[L.time],
      L.insertId === -1 ? null : row[L.insertId],
      L.event === -1 ? null : row[L.event],
      attrValues,
      props,
      rowText,
    );
  };

  await new Promise<void>((resolve, reject) => {
    input.on('error', (error) => {
      failure ??= describeStreamError(path, error);
    });
    Papa.parse<string[]>(input as unknown as File, {
      delimiter: ',',
      header: false,
      skipEmptyLines: false,
      chunk(results, parser) {
        try {
          for (const row of results.data) handleRow(row);
        } catch (error) {
          failure = error;
          parser.abort();
        }
      },
      complete() {
        if (failure) reject(failure);
        else resolve();
      },
      error(error: Error) {
        reject(describeStreamError(path, error));
      },
    });
  });
  if (failure) throw failure;
}
