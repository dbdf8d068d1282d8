import { EventBatch, NULL_KEY } from '../model/event-batch.ts';
import { orderEvents } from '../sessionize/event-order.ts';
import { durationSecs, sessionizeRuns } from '../sessionize/sessionize-runs.ts';
import type { DayRange } from '../sources/batch-builder.ts';
import { BulkInserter } from './bulk-insert.ts';
import { DayEventsEncoder, STORED_DAY_COLUMNS, appendDayEvents, decodeDayEvents, type StoredDay } from './day-events.ts';
import { attrColumn } from './schema.ts';
import type { SessionCache } from './session-cache.ts';

export interface ApplyResult {
  /** New unique events written (not counting cached events rewritten). */
  imported: number;
  /** Rows dropped as duplicates, of each other or of cached events. */
  duplicates: number;
  /** Local dates whose events changed or were replaced. */
  days: number;
  /** The local days of the batch's events. */
  batchDays: Set<number>;
}

interface UserDay {
  user_key: number;
  local_day: number;
}

interface BridgeRow extends UserDay {
  first_session_id: number;
  session_count: number;
}

const DAY_BITS = 2 ** 22;
const DAY_BIAS = 2 ** 21;

/**
 * Writes a batch into the cache and re-sessionizes exactly what it touches (call inside
 * `cache.transaction`). With a range, the batch is authoritative for those local days: their
 * cached events are replaced. Without one, the batch merges into the user-days it touches.
 *
 * Only the touched user-days are sessionized; every later session of a touched user whose
 * id moves is renumbered through the bridge, so the cache always equals a full
 * sessionization of its events.
 */
export function applyBatch(cache: SessionCache, batch: EventBatch, range: DayRange | null): ApplyResult {
  const db = cache.db;
  const definition = cache.definition;
  const newRows = batch.length;

  // Rows being replaced: their events, sessions and bridge rows are deleted first.
  let replaced: UserDay[];
  if (range !== null) {
    // Answered from the day index alone (it covers user_key).
    replaced = db.prepare('SELECT user_key, local_day FROM user_days WHERE local_day BETWEEN ? AND ?').all(range.from, range.to) as UserDay[];
  } else {
    replaced = loadTouchedUserDays(cache, batch, newRows);
  }
  const loaded = batch.length - newRows;

  const ordered = orderEvents(batch, cache.strings, cache.users.size);
  // Created first: for a large import it lays the insert ids out on another core meanwhile.
  const encoder = new DayEventsEncoder(batch, ordered);
  const excluded = excludedNameKeys(cache);
  const sessionized = sessionizeRuns(ordered, definition.thresholdMs, (k) => excluded.has(k));

  deleteReplaced(cache, replaced, range);

  // Walk each touched user's days in order, assigning session ids to the new runs and
  // renumbering the user's untouched later days where their first id moved.
  const runFirstId = new Int32Array(ordered.runCount);
  const touchedUsers = new Map<number, number>(); // user → earliest touched day
  for (let r = 0; r < ordered.runCount; r++) {
    const u = ordered.runUser[r];
    const d = ordered.runDay[r];
    const earliest = touchedUsers.get(u);
    if (earliest === undefined || d < earliest) touchedUsers.set(u, d);
  }
  for (const row of replaced) {
    const earliest = touchedUsers.get(row.user_key);
    if (earliest === undefined || row.local_day < earliest) touchedUsers.set(row.user_key, row.local_day);
  }
  const lastIdBefore = db.prepare(
    'SELECT first_session_id + session_count - 1 FROM user_days WHERE user_key = ? AND local_day < ? ORDER BY local_day DESC LIMIT 1',
  ).pluck();
  const laterDays = db.prepare(
    'SELECT local_day, first_session_id, session_count FROM user_days WHERE user_key = ? AND local_day >= ? ORDER BY local_day',
  );
  // A range replaces whole days: when no day after it is cached, no user has later days to renumber.
  const anyLater = range === null || db.prepare('SELECT EXISTS (SELECT 1 FROM user_days WHERE local_day > ?)').pluck().get(range.to) === 1;
  const shiftSessions = db.prepare('UPDATE sessions SET session_id = session_id + ? WHERE user_key = ? AND start_day = ?');
  const shiftBridge = db.prepare('UPDATE user_days SET first_session_id = first_session_id + ? WHERE user_key = ? AND local_day = ?');

  // Runs are ordered by user, then day: walk them alongside each user's remaining bridge rows.
  let r = 0;
  const users = [...touchedUsers.keys()].sort((a, b) => a - b);
  for (const u of users) {
    while (r < ordered.runCount && ordered.runUser[r] < u) r++;
    const existed = cache.users.isPersisted(u);
    const from = touchedUsers.get(u)!;
    let next = existed ? (((lastIdBefore.get(u, from) as number | undefined) ?? 0) + 1) : 1;
    const later = existed && anyLater ? (laterDays.all(u, from) as BridgeRow[]) : [];
    let k = 0;
    while ((r < ordered.runCount && ordered.runUser[r] === u) || k < later.length) {
      const runDay = r < ordered.runCount && ordered.runUser[r] === u ? ordered.runDay[r] : Infinity;
      if (k < later.length && later[k].local_day < runDay) {
        const row = later[k++];
        const delta = next - row.first_session_id;
        if (delta !== 0) {
          shiftSessions.run(delta, u, row.local_day);
          shiftBridge.run(delta, u, row.local_day);
        }
        next += row.session_count;
      } else {
        runFirstId[r] = next;
        next += sessionized.runSessions[r];
        r++;
      }
    }
  }

  // Into an empty cache, building the day indexes once afterwards beats updating them row by row.
  const dayIndexes = cache.isEmpty() ? dropDayIndexes(cache) : [];
  writeRuns(cache, encoder, ordered, sessionized, runFirstId);
  for (const sql of dayIndexes) db.exec(sql);

  const unique = ordered.order.length;
  const batchDays = new Set(ordered.runDay);
  return {
    imported: unique - loaded,
    duplicates: newRows + loaded - unique,
    days: range !== null ? range.to - range.from + 1 : batchDays.size,
    batchDays,
  };
}

/**
 * Applies a batch that was spilled to disk in partitions of whole users (see BatchSpill), one
 * partition at a time, so memory follows the largest partition rather than the import. With a
 * range, its days are cleared once first; each partition then only adds user-days, which is
 * a merge into days that no longer hold anything.
 */
export function applyPartitions(cache: SessionCache, partitions: Iterable<EventBatch>, range: DayRange | null): ApplyResult {
  const total: ApplyResult = { imported: 0, duplicates: 0, days: 0, batchDays: new Set() };
  if (range !== null) total.days = applyBatch(cache, new EventBatch(cache.definition.attributes.length), range).days;
  for (const partition of partitions) {
    const applied = applyBatch(cache, partition, null);
    total.imported += applied.imported;
    total.duplicates += applied.duplicates;
    for (const day of applied.batchDays) total.batchDays.add(day);
  }
  if (range === null) total.days = total.batchDays.size;
  return total;
}

/** Drops the secondary indexes of `sessions` and `user_days`; returns the SQL that recreates them. */
function dropDayIndexes(cache: SessionCache): string[] {
  const indexes = cache.db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('sessions', 'user_days') AND sql IS NOT NULL")
    .all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) cache.db.exec(`DROP INDEX "${index.name}"`);
  return indexes.map((index) => index.sql);
}

/** Merge: appends the cached events of every user-day the batch touches, and returns their bridge rows. */
function loadTouchedUserDays(cache: SessionCache, batch: EventBatch, newRows: number): BridgeRow[] {
  const get = cache.db.prepare(
    `SELECT user_key, local_day, first_session_id, session_count, ${STORED_DAY_COLUMNS} FROM user_days WHERE user_key = ? AND local_day = ?`,
  );
  const seen = new Set<number>();
  const rows: Array<BridgeRow & StoredDay> = [];
  const user = batch.user.array;
  const day = batch.day.array;
  for (let i = 0; i < newRows; i++) {
    const u = user[i];
    if (!cache.users.isPersisted(u)) continue;
    const key = u * DAY_BITS + (day[i] + DAY_BIAS);
    if (seen.has(key)) continue;
    seen.add(key);
    const row = get.get(u, day[i]) as (BridgeRow & StoredDay) | undefined;
    if (row !== undefined) rows.push(row);
  }
  for (const row of rows) appendDayEvents(batch, row.user_key, row.local_day, decodeDayEvents(row));
  return rows;
}

function excludedNameKeys(cache: SessionCache): Set<number> {
  const keys = new Set<number>();
  for (const name of cache.definition.excludedEvents) {
    const key = cache.strings.find(name);
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

function deleteReplaced(cache: SessionCache, replaced: UserDay[], range: DayRange | null): void {
  const db = cache.db;
  if (range !== null) {
    db.prepare('DELETE FROM sessions WHERE start_day BETWEEN ? AND ?').run(range.from, range.to);
    db.prepare('DELETE FROM user_days WHERE local_day BETWEEN ? AND ?').run(range.from, range.to);
    return;
  }
  const deleteSessions = db.prepare('DELETE FROM sessions WHERE user_key = ? AND start_day = ?');
  const deleteBridge = db.prepare('DELETE FROM user_days WHERE user_key = ? AND local_day = ?');
  for (const row of replaced) {
    deleteSessions.run(row.user_key, row.local_day);
    deleteBridge.run(row.user_key, row.local_day);
  }
}

function writeRuns(
  cache: SessionCache,
  encoder: DayEventsEncoder,
  ordered: ReturnType<typeof orderEvents>,
  sessionized: ReturnType<typeof sessionizeRuns>,
  runFirstId: Int32Array,
): void {
  // Sessions first: they need no insert ids, which meanwhile are laid out on another core.
  writeSessions(cache, sessionized, runFirstId);
  writeBridge(cache, encoder, ordered, sessionized, runFirstId);
}

function writeBridge(
  cache: SessionCache,
  encoder: DayEventsEncoder,
  ordered: ReturnType<typeof orderEvents>,
  sessionized: ReturnType<typeof sessionizeRuns>,
  runFirstId: Int32Array,
): void {
  const db = cache.db;
  const { runStart, runCount, runUser, runDay } = ordered;
  const { ordinal, runSessions } = sessionized;
  const bridge = new BulkInserter(db, 'user_days', [
    'user_key', 'local_day', 'event_count', 'first_session_id', 'session_count', 'times', 'codes', 'insert_ids', 'props',
  ]);
  for (let run = 0; run < runCount; run++) {
    bridge.value(runUser[run]);
    bridge.value(runDay[run]);
    bridge.value(runStart[run + 1] - runStart[run]);
    bridge.value(runFirstId[run]);
    bridge.value(runSessions[run]);
    const stored = encoder.encode(runStart[run], runStart[run + 1], ordinal);
    bridge.value(stored.times);
    bridge.value(stored.codes);
    bridge.value(stored.insert_ids);
    bridge.value(stored.props);
  }
  bridge.flush();
}

function writeSessions(cache: SessionCache, sessionized: ReturnType<typeof sessionizeRuns>, runFirstId: Int32Array): void {
  const db = cache.db;
  const definition = cache.definition;
  const attrCount = definition.attributes.length;
  const { sessions } = sessionized;
  const sessionRows = new BulkInserter(db, 'sessions', [
    'user_key', 'start_day', 'start_time', 'session_id', 'end_time', 'duration_secs', 'event_count',
    'first_name_key', 'last_name_key', ...definition.attributes.map((a) => attrColumn(a.name)),
  ]);
  let runOfPrevious = -1;
  let idInRun = 0;
  for (let s = 0; s < sessions.count; s++) {
    const run = sessions.run[s];
    idInRun = run === runOfPrevious ? idInRun + 1 : 0;
    runOfPrevious = run;
    sessionRows.value(sessions.user[s]);
    sessionRows.value(sessions.day[s]);
    sessionRows.value(sessions.start[s]);
    sessionRows.value(runFirstId[run] + idInRun);
    sessionRows.value(sessions.end[s]);
    sessionRows.value(durationSecs(sessions.start[s], sessions.end[s]));
    sessionRows.value(sessions.eventCount[s]);
    sessionRows.value(sessions.firstName[s]);
    sessionRows.value(sessions.lastName[s]);
    for (let a = 0; a < attrCount; a++) {
      const v = sessions.attrs[a][s];
      sessionRows.value(v === NULL_KEY ? null : v);
    }
  }
  sessionRows.flush();
}
