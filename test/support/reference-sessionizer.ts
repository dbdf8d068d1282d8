/**
 * A deliberately naive reference implementation of SPEC §1 (the session definition) and of the
 * sessions / events CSV of SPEC §2, written from the specification only — it shares no code with
 * core/. Slow on purpose: every local date comes from Intl.DateTimeFormat, every comparison walks
 * code points. Tests compare the product's exports with what this module computes.
 *
 * Also: helpers to write event files (CSV with csv-stringify, Mixpanel NDJSON, optionally gzipped)
 * and to read a CSV file back (papaparse).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import Papa from 'papaparse';

/** One input event as a test writes it to a file. */
export interface RefEvent {
  user_id: string;
  time_ms: number;
  /** null: the file leaves the insert id empty (the product then derives one from a content hash). */
  insert_id: string | null;
  event: string;
  /** Attributes are read from properties of their name; null (or '') is a missing value. */
  props: Record<string, string | null>;
}

export interface RefDefinition {
  thresholdMs: number;
  timeZone: string;
  attributes: string[];
  excludedEvents: string[];
}

export function refDefaultDefinition(overrides: Partial<RefDefinition> = {}): RefDefinition {
  return { thresholdMs: 1_800_000, timeZone: 'UTC', attributes: ['country', 'device', 'os'], excludedEvents: [], ...overrides };
}

export const SESSION_HEADER = [
  'user_id', 'session_id', 'start_date', 'end_date', 'start_time', 'end_time', 'session_duration_secs',
  'event_count', 'first_event', 'last_event',
] as const;

const BASE_ATTRIBUTES = ['country', 'device', 'os'];

/** Session CSV attribute columns: country, device, os always, then the definition's others. */
export function sessionAttributeColumns(def: RefDefinition): string[] {
  return [...BASE_ATTRIBUTES, ...def.attributes.filter((a) => !BASE_ATTRIBUTES.includes(a))];
}

// ---------------------------------------------------------------------------------------------
// Ordering and text helpers

/** Ordinal comparison by Unicode code point (not UTF-16 code unit). */
export function compareCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** null before any string, strings in code point order. */
function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareCodePoint(a, b);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date `YYYY-MM-DD` of an instant in an IANA zone, straight from Intl. */
export function localDate(ms: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** OWASP CSV-injection defence: prefix `'` to text starting with = + - @ TAB CR, unless numeric. */
export function neutralise(text: string | null): string | null {
  if (text === null || text === '') return text;
  if (!['=', '+', '-', '@', '\t', '\r'].includes(text[0])) return text;
  return NUMBER_TEXT.test(text) ? text : `'${text}`;
}

function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// The sessionizer

/** An event after reading: what the product is expected to keep of it. */
export interface RefStoredEvent {
  user_id: string;
  time_ms: number;
  insert_id: string;
  event: string;
  /** Attribute values in definition order. */
  attrs: Array<string | null>;
  /** JSON of the other non-null properties (keys in code point order), or null when none. */
  rest: string | null;
  date: string;
}

export interface RefSession {
  user_id: string;
  session_id: number;
  date: string;
  start_ms: number;
  end_ms: number;
  events: RefStoredEvent[];
  attrs: Record<string, string | null>;
}

function valueOf(v: string | null | undefined): string | null {
  return v === undefined || v === null || v === '' ? null : v;
}

/** The other properties as the CSV file written by `writeEventsCsv` carries them. */
export function restJson(event: RefEvent, def: RefDefinition): string | null {
  const keys = Object.keys(event.props)
    .filter((k) => !def.attributes.includes(k) && valueOf(event.props[k]) !== null)
    .sort(compareCodePoint);
  if (keys.length === 0) return null;
  const object: Record<string, string> = {};
  for (const k of keys) object[k] = event.props[k]!;
  return JSON.stringify(object);
}

function stored(event: RefEvent, def: RefDefinition): RefStoredEvent {
  const attrs = def.attributes.map((a) => valueOf(event.props[a]));
  const rest = restJson(event, def);
  // No insert id: a stand-in derived from the whole content (exact repeats collapse, distinct rows
  // never do). Its order among equal times is NOT the product's (which hashes); tests avoid relying on it.
  const insertId = event.insert_id ?? `\u0000${JSON.stringify([event.user_id, event.time_ms, event.event, attrs, rest])}`;
  return { user_id: event.user_id, time_ms: event.time_ms, insert_id: insertId, event: event.event, attrs, rest, date: localDate(event.time_ms, def.timeZone) };
}

function compareContent(a: RefStoredEvent, b: RefStoredEvent): number {
  for (let i = 0; i < a.attrs.length; i++) {
    const c = compareNullable(a.attrs[i], b.attrs[i]);
    if (c !== 0) return c;
  }
  return compareNullable(a.rest, b.rest);
}

/** Session order within a user: time, then insert id, then event name (code point order). */
function compareOrder(a: RefStoredEvent, b: RefStoredEvent): number {
  if (a.time_ms !== b.time_ms) return a.time_ms < b.time_ms ? -1 : 1;
  return compareCodePoint(a.insert_id, b.insert_id) || compareCodePoint(a.event, b.event);
}

/**
 * De-duplicates (same insert id, user, event, time is one event; of differing duplicates the one
 * with the smallest attribute values, then properties JSON, is kept) and drops excluded events.
 * Returns the events that take part in sessions, grouped per user in session order.
 */
export function keptEvents(events: readonly RefEvent[], def: RefDefinition): Map<string, RefStoredEvent[]> {
  const byKey = new Map<string, RefStoredEvent>();
  for (const raw of events) {
    if (def.excludedEvents.includes(raw.event)) continue;
    const e = stored(raw, def);
    const key = JSON.stringify([e.insert_id, e.user_id, e.event, e.time_ms]);
    const previous = byKey.get(key);
    if (previous === undefined || compareContent(e, previous) < 0) byKey.set(key, e);
  }
  const users = new Map<string, RefStoredEvent[]>();
  for (const e of byKey.values()) {
    const list = users.get(e.user_id);
    if (list === undefined) users.set(e.user_id, [e]);
    else list.push(e);
  }
  for (const list of users.values()) list.sort(compareOrder);
  return new Map([...users.entries()].sort((a, b) => compareCodePoint(a[0], b[0])));
}

/** Counts the rows a set of events loses to de-duplication (excluded events included). */
export function duplicateCount(events: readonly RefEvent[], def: RefDefinition): number {
  const keys = new Set(events.map((raw) => {
    const e = stored(raw, def);
    return JSON.stringify([e.insert_id, e.user_id, e.event, e.time_ms]);
  }));
  return events.length - keys.size;
}

export function referenceSessions(events: readonly RefEvent[], def: RefDefinition): RefSession[] {
  const sessions: RefSession[] = [];
  for (const [user, list] of keptEvents(events, def)) {
    let current: RefSession | null = null;
    let ordinal = 0;
    for (const e of list) {
      const continues = current !== null && current.date === e.date && e.time_ms - current.end_ms <= def.thresholdMs;
      if (!continues) {
        current = { user_id: user, session_id: ++ordinal, date: e.date, start_ms: e.time_ms, end_ms: e.time_ms, events: [], attrs: {} };
        for (const a of def.attributes) current.attrs[a] = null;
        sessions.push(current);
      }
      const s = current!;
      s.events.push(e);
      s.end_ms = e.time_ms;
      def.attributes.forEach((a, i) => {
        if (s.attrs[a] === null) s.attrs[a] = e.attrs[i];
      });
    }
  }
  return sessions;
}

export type Cell = string | number | null;

/** The sessions CSV rows (header first) exactly as SPEC §2 describes them. */
export function referenceSessionRows(events: readonly RefEvent[], def: RefDefinition): Cell[][] {
  const columns = sessionAttributeColumns(def);
  const rows: Cell[][] = [[...SESSION_HEADER, ...columns]];
  for (const s of referenceSessions(events, def)) {
    const first = s.events[0];
    const last = s.events[s.events.length - 1];
    rows.push([
      neutralise(s.user_id), s.session_id, s.date, s.date, isoUtc(s.start_ms), isoUtc(s.end_ms),
      Math.floor((s.end_ms - s.start_ms) / 1000), s.events.length, neutralise(first.event), neutralise(last.event),
      ...columns.map((c) => neutralise(def.attributes.includes(c) ? s.attrs[c] : null)),
    ]);
  }
  return rows;
}

/** The events CSV (journey table) rows: every event that takes part in a session, with its session_id. */
export function referenceEventRows(events: readonly RefEvent[], def: RefDefinition): Cell[][] {
  const rows: Cell[][] = [['user_id', 'session_id', 'time', 'insert_id', 'event', ...def.attributes]];
  for (const s of referenceSessions(events, def)) {
    for (const e of s.events) {
      rows.push([neutralise(s.user_id), s.session_id, isoUtc(e.time_ms), neutralise(e.insert_id), neutralise(e.event), ...e.attrs.map(neutralise)]);
    }
  }
  return rows;
}

export function toCsv(rows: Cell[][]): string {
  return stringify(rows.map((r) => r.map((c) => (c === null ? '' : String(c)))));
}

export function referenceSessionsCsv(events: readonly RefEvent[], def: RefDefinition): string {
  return toCsv(referenceSessionRows(events, def));
}

export function referenceEventsCsv(events: readonly RefEvent[], def: RefDefinition): string {
  return toCsv(referenceEventRows(events, def));
}

// ---------------------------------------------------------------------------------------------
// Files

export type TimeFormat = 'iso' | 'epoch-ms' | 'epoch-s' | ((event: RefEvent, index: number) => string);

function timeText(event: RefEvent, index: number, format: TimeFormat): string {
  if (typeof format === 'function') return format(event, index);
  if (format === 'epoch-ms') return String(event.time_ms);
  if (format === 'epoch-s') {
    if (event.time_ms % 1000 !== 0) throw new Error(`epoch-s needs whole seconds, got ${event.time_ms}`);
    return String(event.time_ms / 1000);
  }
  return isoUtc(event.time_ms);
}

/**
 * Writes events as an RFC 4180 CSV: `user_id,time,insert_id,event`, then one column per property
 * name (code point order); null (and absent) as an empty field.
 */
export function writeEventsCsv(path: string, events: readonly RefEvent[], options: { time?: TimeFormat; bom?: boolean; crlf?: boolean } = {}): void {
  const keys = [...new Set(events.flatMap((e) => Object.keys(e.props)))].sort(compareCodePoint);
  const rows = events.map((e, i) => [
    e.user_id, timeText(e, i, options.time ?? 'iso'), e.insert_id ?? '', e.event, ...keys.map((k) => e.props[k] ?? ''),
  ]);
  const text = stringify([['user_id', 'time', 'insert_id', 'event', ...keys], ...rows], { record_delimiter: options.crlf ? '\r\n' : '\n' });
  writeFileSync(path, (options.bom ? '\uFEFF' : '') + text);
}

/** A Mixpanel export line: `{"event", "properties": {"time", "distinct_id", "$insert_id", ...}}`. */
export type MixpanelRecord = { event: string; properties: Record<string, unknown> };

export function writeNdjson(path: string, records: readonly MixpanelRecord[], options: { gzip?: boolean } = {}): void {
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(path, options.gzip ? gzipSync(text) : text);
}

/** Reads a CSV file into rows of fields (header included); the product writes LF line ends. */
export function readCsvRows(path: string, newline: '\n' | '\r\n' = '\n'): string[][] {
  const text = readFileSync(path, 'utf8');
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: true, newline });
  if (parsed.errors.length > 0) throw new Error(`${path}: ${parsed.errors[0].message} (row ${parsed.errors[0].row})`);
  return parsed.data;
}

/** Reads a CSV file into one object per data row, keyed by the header. */
export function readCsvObjects(path: string): Array<Record<string, string>> {
  const [header, ...rows] = readCsvRows(path);
  return rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]])));
}
