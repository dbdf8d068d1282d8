import type { SessionDefinition } from '../definition.ts';
import { NULL_KEY, type EventBatch } from '../model/event-batch.ts';
import type { SessionCache } from './session-cache.ts';
import { attrColumn } from './schema.ts';

/** Columns of `events` in the order the import writes and reads them. */
export function eventColumns(definition: SessionDefinition): string[] {
  return [
    'event_key', 'user_key', 'local_day', 'time', 'insert_id', 'name_key', 'session_id', 'props',
    ...definition.attributes.map((a) => attrColumn(a.name)),
  ];
}

/** Appends the cached events with keys in [firstKey, firstKey + count) to a batch, as stored. */
export function loadEventRange(cache: SessionCache, batch: EventBatch, firstKey: number, count: number): void {
  const attrs = cache.definition.attributes.map((a) => attrColumn(a.name));
  const select = cache.db
    .prepare(
      `SELECT user_key, local_day, time, name_key, insert_id, props${attrs.map((c) => `, ${c}`).join('')}
       FROM events WHERE event_key >= ? AND event_key < ? ORDER BY event_key`,
    )
    .raw();
  const values = new Int32Array(attrs.length);
  for (const row of select.iterate(firstKey, firstKey + count) as Iterable<unknown[]>) {
    for (let a = 0; a < attrs.length; a++) {
      const v = row[6 + a];
      values[a] = v === null ? NULL_KEY : (v as number);
    }
    batch.push(row[0] as number, row[2] as number, row[1] as number, row[3] as number, row[4] as string, values, row[5] as string | null);
  }
}
