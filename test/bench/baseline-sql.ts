/**
 * The "obvious alternative": SPEC §1's session definition as one SQL query with window functions,
 * over a table `events (user_id, time, insert_id, event, country, device, os)`, time in epoch ms.
 * A user's events are ordered by (time, insert_id); a gap of more than the threshold, or a change
 * of the local (UTC) date, starts a session; a running sum of the starts is the per-user session id.
 *
 * The baselines do less than the cache import (no de-duplication, no SCD Type 0 attributes, no
 * per-event session ids, no bridge), which favours them. De-duplication never changes the session
 * count (a duplicate is a gap of 0 ms), so the counts remain comparable.
 */

export type Engine = 'sqlite' | 'duckdb';

const DAY_MS = 86_400_000;

/** Integer division: `/` on integers in SQLite, `//` in DuckDB (whose `/` returns a double). */
function div(engine: Engine, left: string, right: number): string {
  return engine === 'sqlite' ? `(${left}) / ${right}` : `(${left}) // ${right}`;
}

function checkThreshold(thresholdMs: number): void {
  if (!Number.isSafeInteger(thresholdMs) || thresholdMs < 0) throw new Error(`bad threshold ${thresholdMs}`);
}

/** Each event with `starts` = 1 when it starts a session. */
function flaggedEvents(engine: Engine, thresholdMs: number): string {
  checkThreshold(thresholdMs);
  return `
    SELECT user_id, time, insert_id,
           CASE WHEN prev_time IS NULL
                  OR time - prev_time > ${thresholdMs}
                  OR ${div(engine, 'time', DAY_MS)} <> ${div(engine, 'prev_time', DAY_MS)}
                THEN 1 ELSE 0 END AS starts
    FROM (
      SELECT user_id, time, insert_id,
             lag(time) OVER (PARTITION BY user_id ORDER BY time, insert_id) AS prev_time
      FROM events
    ) AS with_prev`;
}

/** Builds the sessions table: one row per session with its per-user id, bounds, duration and size. */
export function createSessionsSql(engine: Engine, thresholdMs: number, table = 'sessions'): string {
  return `
    CREATE TABLE ${table} AS
    SELECT user_id, session_id,
           min(time) AS start_time,
           max(time) AS end_time,
           ${div(engine, 'max(time) - min(time)', 1000)} AS session_duration_secs,
           count(*) AS event_count
    FROM (
      SELECT user_id, time,
             sum(starts) OVER (PARTITION BY user_id ORDER BY time, insert_id ROWS UNBOUNDED PRECEDING) AS session_id
      FROM (${flaggedEvents(engine, thresholdMs)}) AS flagged
    ) AS numbered
    GROUP BY user_id, session_id`;
}

/** The number of sessions at a threshold (the re-sessionize baseline: same answer as countSessions). */
export function countSessionsSql(engine: Engine, thresholdMs: number): string {
  return `SELECT sum(starts) AS sessions FROM (${flaggedEvents(engine, thresholdMs)}) AS flagged`;
}

export const CREATE_EVENTS_SQLITE = `
  CREATE TABLE events (
    user_id TEXT NOT NULL, time INTEGER NOT NULL, insert_id TEXT, event TEXT,
    country TEXT, device TEXT, os TEXT
  )`;

/** DuckDB reads the CSV itself (parallel), converting ISO times to epoch ms like the SQLite load does. */
export function duckdbLoadSql(csvPath: string): string {
  const path = csvPath.replaceAll("'", "''");
  return `
    CREATE TABLE events AS
    SELECT user_id, epoch_ms(time) AS time, insert_id, event, country, device, os
    FROM read_csv('${path}', header = true, delim = ',', quote = '"', escape = '"',
                  columns = {'user_id': 'VARCHAR', 'time': 'TIMESTAMP', 'insert_id': 'VARCHAR', 'event': 'VARCHAR',
                             'country': 'VARCHAR', 'device': 'VARCHAR', 'os': 'VARCHAR'})`;
}
