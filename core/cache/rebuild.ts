import { csvSource, mixpanelSources, type AttributeSpec, type SessionDefinition } from '../definition.ts';
import { EventBatch, NULL_KEY } from '../model/event-batch.ts';
import { ZoneCalendar } from '../time/zone-calendar.ts';
import { applyBatch } from './apply-batch.ts';
import { DROP_LAYOUT, attrColumn, layoutTables } from './schema.ts';
import type { SessionCache } from './session-cache.ts';

/**
 * Re-sessionizes the whole cache under `definition` (call inside `cache.transaction`): local
 * days are recomputed for a new zone, attribute values re-derived for new attributes (from the
 * stored properties, or from the columns of attributes they replace), then every event is
 * laid out and sessionized again.
 */
const EVERY_DAY = { from: -(2 ** 30), to: 2 ** 30 };

export function rebuildCache(cache: SessionCache, definition: SessionDefinition): void {
  const old = cache.definition;
  const batch = loadAllEvents(cache, old, definition);
  cache.db.exec(DROP_LAYOUT);
  cache.db.exec('DELETE FROM user_days');
  cache.setDefinition(definition);
  cache.db.exec(layoutTables(cache.definition));
  // Nothing is cached any more: treat every day as replaced, so nothing is looked up to merge.
  applyBatch(cache, batch, EVERY_DAY);
}

function sameSource(a: AttributeSpec, b: AttributeSpec): boolean {
  return a.name === b.name && a.source === b.source;
}

function loadAllEvents(cache: SessionCache, old: SessionDefinition, next: SessionDefinition): EventBatch {
  const batch = new EventBatch(next.attributes.length);
  const oldColumns = old.attributes.map((a) => attrColumn(a.name));
  const calendar = next.timeZone === old.timeZone ? null : new ZoneCalendar(next.timeZone);
  // For each new attribute: the old column it keeps, or -1 to look it up again.
  const kept = next.attributes.map((a) => old.attributes.findIndex((o) => sameSource(o, a)));
  const dropped = old.attributes.map((o, i) => (next.attributes.some((a) => sameSource(o, a)) ? -1 : i)).filter((i) => i >= 0);
  const needsProps = kept.some((k) => k === -1) || dropped.length > 0;
  const values = new Int32Array(next.attributes.length);
  const select = cache.db
    .prepare(
      `SELECT user_key, local_day, time, name_key, insert_id, props${oldColumns.map((c) => `, ${c}`).join('')}
       FROM events ORDER BY event_key`,
    )
    .raw();
  for (const row of select.iterate() as Iterable<unknown[]>) {
    const time = row[2] as number;
    let props = row[5] as string | null;
    const oldValue = (i: number): string | null => {
      const v = row[6 + i];
      return v === null ? null : cache.strings.valueOf(v as number);
    };
    if (needsProps) {
      const bag: Record<string, unknown> = props === null ? {} : (JSON.parse(props) as Record<string, unknown>);
      // Values of dropped attributes go back into the properties, so nothing is lost.
      let changed = false;
      for (const i of dropped) {
        const value = oldValue(i);
        const spec = old.attributes[i];
        if (value !== null && !mixpanelSources(spec).some((s) => s in bag) && !(csvSource(spec) in bag)) {
          bag[csvSource(spec)] = value;
          changed = true;
        }
      }
      for (let a = 0; a < next.attributes.length; a++) {
        if (kept[a] !== -1) continue;
        values[a] = NULL_KEY;
        const spec = next.attributes[a];
        for (const source of [...mixpanelSources(spec), csvSource(spec)]) {
          const v = bag[source];
          if (v !== null && v !== undefined) {
            values[a] = cache.strings.keyOf(typeof v === 'string' ? v : JSON.stringify(v));
            break;
          }
        }
        if (values[a] === NULL_KEY) {
          // The value may sit in the column of an old attribute read from the same source.
          const from = old.attributes.findIndex((o) => csvSource(o) === csvSource(spec));
          if (from !== -1 && row[6 + from] !== null) values[a] = row[6 + from] as number;
        }
      }
      if (changed) props = JSON.stringify(bag);
    }
    for (let a = 0; a < next.attributes.length; a++) {
      if (kept[a] === -1) continue;
      const v = row[6 + kept[a]];
      values[a] = v === null ? NULL_KEY : (v as number);
    }
    const day = calendar === null ? (row[1] as number) : calendar.localDay(time);
    batch.push(row[0] as number, time, day, row[3] as number, row[4] as string, values, props);
  }
  return batch;
}
