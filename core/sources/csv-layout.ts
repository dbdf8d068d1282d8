import { csvSource } from '../definition.ts';
import { UserError } from '../util/user-error.ts';
import type { BatchBuilder } from './batch-builder.ts';

const USER_COLUMNS = ['user_id', 'distinct_id'];
const TIME_COLUMNS = ['time', 'timestamp', 'time_ms'];
const INSERT_ID_COLUMNS = ['insert_id', '$insert_id'];
const EVENT_COLUMNS = ['event', 'event_name'];

export interface CsvLayout {
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

/** Where a CSV's columns are, from its header (case and surrounding spaces ignored, BOM dropped). */
export function layoutOf(path: string, rawHeader: string[], builder: BatchBuilder): CsvLayout {
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
