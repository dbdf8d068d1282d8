import { csvSource, mixpanelSources, type AttributeSpec, type SessionDefinition } from '../definition.ts';
import { EventBatch, NULL_KEY } from '../model/event-batch.ts';
import { ZoneCalendar } from '../time/zone-calendar.ts';
import { applyBatch } from './apply-batch.ts';
import { STORED_DAY_COLUMNS, decodeDayEvents, type StoredDay } from './day-events.ts';
import { DROP_LAYOUT, layoutTables } from './schema.ts';
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
  const calendar = next.timeZone === old.timeZone ? null : new ZoneCalendar(next.timeZone);
  // For each new attribute: the old attribute it keeps, or -1 to derive it again.
  const kept = next.attributes.map((a) => old.attributes.findIndex((o) => sameSource(o, a)));
  const dropped = old.attributes.map((o, i) => (next.attributes.some((a) => sameSource(o, a)) ? -1 : i)).filter((i) => i >= 0);
  const needsProps = kept.some((k) => k === -1) || dropped.length > 0;
  const values = new Int32Array(next.attributes.length);
  const rows = cache.db.prepare(`SELECT user_key, local_day, ${STORED_DAY_COLUMNS} FROM user_days ORDER BY user_key, local_day`);
  for (const stored of rows.iterate() as Iterable<StoredDay & { user_key: number; local_day: number }>) {
    const events = decodeDayEvents(stored);
    const user = stored.user_key;
    const storedDay = stored.local_day;
    let idAt = 0;
    for (let k = 0; k < events.count; k++) {
      const time = events.time[k];
      let props = events.props?.[k] ?? null;
      if (needsProps) {
        const bag: Record<string, unknown> = props === null ? {} : (JSON.parse(props) as Record<string, unknown>);
        // Values of dropped attributes go back into the properties, so nothing is lost.
        let changed = false;
        for (const i of dropped) {
          const key = events.attrs[i][k];
          const spec = old.attributes[i];
          if (key !== NULL_KEY && !mixpanelSources(spec).some((s) => s in bag) && !(csvSource(spec) in bag)) {
            bag[csvSource(spec)] = cache.strings.valueOf(key);
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
        }
        if (changed) props = JSON.stringify(bag);
      }
      for (let a = 0; a < next.attributes.length; a++) if (kept[a] !== -1) values[a] = events.attrs[kept[a]][k];
      const day = calendar === null ? storedDay : calendar.localDay(time);
      // Insert ids move as stored bytes; they are never decoded here.
      batch.insertId.pushBytes(events.insertIdBytes, idAt, events.insertIdLength[k]);
      idAt += events.insertIdLength[k];
      batch.pushRest(user, time, day, events.name[k], values, props);
    }
  }
  return batch;
}
