import type { SessionDefinition } from '../definition.ts';

export const SCHEMA_VERSION = 5;

/** Column holding attribute `name`'s value key in `events` and `sessions`. */
export function attrColumn(name: string): string {
  return `attr_${name}`;
}

/** The fixed tables. `events` and `sessions` carry one column per attribute and are made by `layoutTables`. */
export const BASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS users (user_key INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE);
-- Event names and attribute values, interned.
CREATE TABLE IF NOT EXISTS strings (string_key INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS imports (
  import_id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  sources TEXT NOT NULL,
  from_date TEXT,
  to_date TEXT,
  rows INTEGER NOT NULL,
  imported INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  out_of_range INTEGER NOT NULL,
  days INTEGER NOT NULL,
  sessions INTEGER NOT NULL
);
-- The manifest of authoritative ranges: local dates [from_date, to_date] replaced by a fetch or range import.
CREATE TABLE IF NOT EXISTS fetched_ranges (
  range_id INTEGER PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports (import_id),
  source TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,
  time_zone TEXT NOT NULL
);
`;

/** DDL of the per-definition tables and the readable views over them. */
export function layoutTables(definition: SessionDefinition): string {
  const attrs = definition.attributes.map((a) => `  ${attrColumn(a.name)} INTEGER`).join(',\n');
  const withAttrs = attrs === '' ? '' : `,\n${attrs}`;
  const decodedSessionAttrs = definition.attributes
    .map((a) => `,\n  (SELECT value FROM strings WHERE string_key = s.${attrColumn(a.name)}) AS ${a.name}`)
    .join('');
  return `
-- The bridge and the event store: one row per user and local day, holding that day's events in
-- session order (see core/cache/day-events.ts for the encoding). An event's session_id is
-- first_session_id + its ordinal, so renumbering a user's later sessions touches only this row.
CREATE TABLE user_days (
  user_key INTEGER NOT NULL,
  local_day INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  first_session_id INTEGER NOT NULL,
  session_count INTEGER NOT NULL,
  times BLOB NOT NULL,
  codes BLOB NOT NULL,
  insert_ids BLOB NOT NULL,
  props TEXT,
  UNIQUE (user_key, local_day)
);
-- Covers day lookups (the user-days a range replaces) and the event and session totals
-- without reading the event columns.
CREATE INDEX user_days_by_day ON user_days (local_day, event_count, session_count, user_key);
CREATE TABLE sessions (
  user_key INTEGER NOT NULL,
  start_day INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  session_id INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  duration_secs INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  first_name_key INTEGER NOT NULL,
  last_name_key INTEGER NOT NULL${withAttrs},
  PRIMARY KEY (user_key, start_day, start_time)
) WITHOUT ROWID;
CREATE INDEX sessions_by_day ON sessions (start_day);
-- Readable views for anyone opening the cache with SQLite: dates local, times UTC.
CREATE VIEW session_rows AS
SELECT u.user_id, s.session_id,
  date(s.start_day * 86400, 'unixepoch') AS start_date,
  date(s.start_day * 86400, 'unixepoch') AS end_date,
  strftime('%Y-%m-%dT%H:%M:%fZ', s.start_time / 1000.0, 'unixepoch') AS start_time,
  strftime('%Y-%m-%dT%H:%M:%fZ', s.end_time / 1000.0, 'unixepoch') AS end_time,
  s.duration_secs AS session_duration_secs, s.event_count,
  (SELECT value FROM strings WHERE string_key = s.first_name_key) AS first_event,
  (SELECT value FROM strings WHERE string_key = s.last_name_key) AS last_event${decodedSessionAttrs}
FROM sessions s JOIN users u USING (user_key);
`;
}


export const DROP_LAYOUT = `
DROP VIEW IF EXISTS session_rows;
DROP TABLE IF EXISTS user_days;
DROP TABLE IF EXISTS sessions;
`;
