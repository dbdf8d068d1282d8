import { STORED_DAY_COLUMNS, decodeDayEvents, insertIdsOf, type StoredDay } from '../cache/day-events.ts';
import { NULL_KEY } from '../model/event-batch.ts';
import type { SessionCache } from '../cache/session-cache.ts';
import { CsvFileWriter, isoTime, neutraliseFormula } from './csv-file.ts';

export const EVENT_COLUMNS = ['user_id', 'session_id', 'time', 'insert_id', 'event'] as const;

/**
 * Writes the events CSV, the user-journey table (SPEC §2): every sessionized event with its
 * session_id, ordered by user, time, insert id. Excluded events belong to no session and are
 * left out. Returns rows written.
 */
export function exportEvents(cache: SessionCache, path: string): number {
  let rows = 0;
  for (const progress of writeEvents(cache, path, {})) rows = progress;
  return rows;
}

export interface EventExportOptions {
  /** Session ids at this threshold instead of the stored ones (a preview: nothing is persisted). */
  thresholdMs?: number;
  /** Only the events of the sessions this accepts (by user key and session id under the threshold used). */
  include?: (userKey: number, sessionId: number) => boolean;
  onProgress?: (rows: number) => void;
}

/** `exportEvents` for the app: a preview threshold, a subset of sessions, progress between chunks. */
export async function exportEventsOf(cache: SessionCache, path: string, options: EventExportOptions): Promise<number> {
  let rows = 0;
  for (const progress of writeEvents(cache, path, options)) {
    rows = progress;
    options.onProgress?.(rows);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

/** Writes the events CSV, yielding the rows written so far every so often and at the end. */
function* writeEvents(cache: SessionCache, path: string, options: EventExportOptions): Generator<number> {
  const attributes = cache.definition.attributes.map((a) => a.name);
  const users = cache.db.prepare('SELECT user_key, user_id FROM users ORDER BY user_id').raw();
  const days = cache.db
    .prepare(`SELECT first_session_id, ${STORED_DAY_COLUMNS} FROM user_days WHERE user_key = ? ORDER BY local_day`);
  const text = (key: number): string | null => (key === NULL_KEY ? null : neutraliseFormula(cache.strings.valueOf(key)));
  const out = new CsvFileWriter(path, [...EVENT_COLUMNS, ...attributes]);
  const { thresholdMs, include } = options;
  let reported = 0;
  try {
    for (const [userKey, userId] of users.iterate() as Iterable<[number, string]>) {
      const user = neutraliseFormula(userId);
      let sessionId = 0;
      for (const stored of days.iterate(userKey) as Iterable<StoredDay & { first_session_id: number }>) {
        const events = decodeDayEvents(stored);
        const insertIds = insertIdsOf(events);
        let previous = -Infinity;
        for (let k = 0; k < events.count; k++) {
          const ordinal = events.session[k];
          if (ordinal < 0) continue;
          // At another threshold: a new session at the day's first event or after a longer gap (SPEC §1).
          if (thresholdMs === undefined) sessionId = stored.first_session_id + ordinal;
          else if (events.time[k] - previous > thresholdMs) sessionId++;
          previous = events.time[k];
          if (include !== undefined && !include(userKey, sessionId)) continue;
          const cells = [user, sessionId, isoTime(events.time[k]), neutraliseFormula(insertIds[k]), text(events.name[k])];
          for (const column of events.attrs) cells.push(text(column[k]));
          out.row(cells);
        }
      }
      if (out.rowCount - 1 - reported >= PROGRESS_EVERY) {
        reported = out.rowCount - 1;
        yield reported;
      }
    }
  } finally {
    out.close();
  }
  yield out.rowCount - 1;
}

/** Rows written between progress reports. */
const PROGRESS_EVERY = 50_000;
