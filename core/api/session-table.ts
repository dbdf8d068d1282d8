import type { SessionCache } from '../cache/session-cache.ts';
import { attrColumn } from '../cache/schema.ts';
import { isoTime } from '../export/csv-file.ts';
import type { Dictionary } from '../model/dictionary.ts';
import type { SessionSpan } from './session-events.ts';
import { countSessions, type EventTimeline } from '../sessionize/event-timeline.ts';
import { NULL_KEY } from '../model/event-batch.ts';
import { dayToIsoDate, isoDateToDay } from '../time/calendar-day.ts';
import { UserError } from '../util/user-error.ts';
import { type SessionFilters, type SessionSortColumn, type SessionQuery, type SessionRow, type SortDirection } from './contract.ts';

/** Most values of one attribute offered as filter choices. */
const MAX_FILTER_VALUES = 200;

/**
 * The cache's sessions in memory, as columns, for the Sessions view: any sort and filter is
 * computed once (a filter pass and one sort of row numbers) and every page after it is a slice,
 * so scrolling a million sessions never re-queries SQLite. Built once per cache state.
 */
/** The sessions as columns, one row per session, each user's rows together in session_id order. */
export interface SessionColumns {
  userKey: Int32Array;
  sessionId: Int32Array;
  startDay: Int32Array;
  startTime: Float64Array;
  endTime: Float64Array;
  duration: Int32Array;
  eventCount: Int32Array;
  firstName: Int32Array;
  lastName: Int32Array;
  /** Per attribute of the definition: value keys, NULL_KEY for null. */
  attrs: Int32Array[];
}

/** Orders that depend on the cache's dictionaries only, shared by a cache's tables. */
interface DictionaryOrder {
  /** Users in user_id order (code points, as SQLite compares). */
  usersInOrder: Int32Array;
  userRank: Int32Array;
  /** Each string key's rank in code point order, for sorting by names and attribute values. */
  stringRank: Int32Array;
}

/**
 * Sessions in memory, as columns, for the Sessions view: any sort and filter is computed once
 * (a filter pass and one sort of row numbers) and every page after it is a slice, so scrolling
 * a million sessions never re-queries SQLite. The stored sessions are read once per cache
 * state; a preview threshold's sessions are computed from the event timeline (no SQLite read).
 */
export class SessionTable {
  readonly length: number;
  readonly attributes: string[];
  readonly columns: SessionColumns;
  private readonly userKey: Int32Array;
  private readonly sessionId: Int32Array;
  private readonly startDay: Int32Array;
  private readonly startTime: Float64Array;
  private readonly endTime: Float64Array;
  private readonly duration: Int32Array;
  private readonly eventCount: Int32Array;
  private readonly firstName: Int32Array;
  private readonly lastName: Int32Array;
  private readonly attrs: Int32Array[];
  private readonly strings: string[];
  private readonly stringKeys: Dictionary;
  private readonly userIds: string[];
  private readonly dictionaryOrder: DictionaryOrder;
  private readonly usersInOrder: Int32Array;
  private readonly userRank: Int32Array;
  private readonly userFirstRow: Int32Array;
  private readonly userRowCount: Int32Array;
  private readonly stringRank: Int32Array;
  private lastOrder: { key: string; rows: Uint32Array } | null = null;

  /**
   * The cache's stored sessions, read in primary-key chunks with a pause between them: on a
   * million sessions the read takes over a second, and the app keeps answering meanwhile
   * (the first page comes from SQL, core/api/sql-session-page.ts). `stale` says to give up
   * (the cache changed or closed); then null.
   */
  static async load(cache: SessionCache, stale: () => boolean, chunkRows = 100_000): Promise<SessionTable | null> {
    const attributes = cache.definition.attributes.map((a) => a.name);
    const n = cache.db.prepare('SELECT coalesce(sum(session_count), 0) FROM user_days').pluck().get() as number;
    const columns = emptyColumns(n, attributes.length);
    const attrSelect = attributes.map((a) => `, ${attrColumn(a)}`).join('');
    // Primary-key order: by user, then time, so each user's sessions are one run in session_id order.
    const chunk = cache.db.prepare(
      `SELECT user_key, session_id, start_day, start_time, end_time, duration_secs, event_count, first_name_key, last_name_key${attrSelect}
       FROM sessions WHERE (user_key, start_day, start_time) > (?, ?, ?) ORDER BY user_key, start_day, start_time LIMIT ?`,
    ).raw();
    const { userKey, sessionId, startDay, startTime, endTime, duration, eventCount, firstName, lastName, attrs } = columns;
    let i = 0;
    let after: [number, number, number] = [-1, 0, 0];
    for (;;) {
      const rows = chunk.all(...after, chunkRows) as Array<Array<number | null>>;
      if (i + rows.length > n) return null; // written to meanwhile: stale
      for (const row of rows) {
        userKey[i] = row[0]!;
        sessionId[i] = row[1]!;
        startDay[i] = row[2]!;
        startTime[i] = row[3]!;
        endTime[i] = row[4]!;
        duration[i] = row[5]!;
        eventCount[i] = row[6]!;
        firstName[i] = row[7]!;
        lastName[i] = row[8]!;
        for (let a = 0; a < attrs.length; a++) attrs[a][i] = row[9 + a] ?? NULL_KEY;
        i++;
      }
      if (rows.length < chunkRows) break;
      after = [userKey[i - 1], startDay[i - 1], startTime[i - 1]];
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) return null;
    }
    if (i !== n) return null;
    const usersInOrder = Int32Array.from(cache.db.prepare('SELECT user_key FROM users ORDER BY user_id').pluck().all() as number[]);
    const userRank = new Int32Array(cache.users.size);
    usersInOrder.forEach((key, rank) => (userRank[key] = rank));
    const stringRank = new Int32Array(cache.strings.size);
    (cache.db.prepare('SELECT string_key FROM strings ORDER BY value').pluck().all() as number[]).forEach((key, rank) => (stringRank[key] = rank));
    return new SessionTable(cache, attributes, columns, { usersInOrder, userRank, stringRank });
  }

  /**
   * The sessions at another threshold, from a timeline loaded with details: one scan, the
   * same rules as a sessionize (SPEC §1) — split at a new local date or a gap over the
   * threshold, attributes the first non-null value, ids per user from 1.
   */
  static fromTimeline(cache: SessionCache, timeline: EventTimeline, thresholdMs: number, stored: SessionTable): SessionTable {
    const details = timeline.details;
    if (details === null) throw new Error('a preview needs a timeline loaded with details');
    const { user, day, time, length } = timeline;
    const n = countSessions(timeline, thresholdMs);
    const columns = emptyColumns(n, details.attrs.length);
    const { userKey, sessionId, startDay, startTime, endTime, duration, eventCount, firstName, lastName, attrs } = columns;
    let s = 0;
    let start = 0;
    let id = 0;
    for (let i = 1; i <= length; i++) {
      const newUser = i === length || user[i] !== user[i - 1];
      if (!newUser && day[i] === day[i - 1] && time[i] - time[i - 1] <= thresholdMs) continue;
      id++;
      userKey[s] = user[start];
      sessionId[s] = id;
      startDay[s] = day[start];
      startTime[s] = time[start];
      endTime[s] = time[i - 1];
      duration[s] = Math.floor((time[i - 1] - time[start]) / 1000);
      eventCount[s] = i - start;
      firstName[s] = details.name[start];
      lastName[s] = details.name[i - 1];
      for (let a = 0; a < attrs.length; a++) {
        const source = details.attrs[a];
        let value = NULL_KEY;
        for (let k = start; k < i && value === NULL_KEY; k++) value = source[k];
        attrs[a][s] = value;
      }
      s++;
      start = i;
      if (newUser) id = 0;
    }
    return new SessionTable(cache, stored.attributes, columns, stored.dictionaryOrder);
  }

  private constructor(cache: SessionCache, attributes: string[], columns: SessionColumns, order: DictionaryOrder) {
    this.attributes = attributes;
    this.columns = columns;
    this.length = columns.userKey.length;
    this.userKey = columns.userKey;
    this.sessionId = columns.sessionId;
    this.startDay = columns.startDay;
    this.startTime = columns.startTime;
    this.endTime = columns.endTime;
    this.duration = columns.duration;
    this.eventCount = columns.eventCount;
    this.firstName = columns.firstName;
    this.lastName = columns.lastName;
    this.attrs = columns.attrs;
    this.userIds = cache.users.values;
    this.strings = cache.strings.values;
    this.stringKeys = cache.strings;
    this.dictionaryOrder = order;
    this.usersInOrder = order.usersInOrder;
    this.userRank = order.userRank;
    this.stringRank = order.stringRank;
    const userCount = this.userIds.length;
    this.userFirstRow = new Int32Array(userCount).fill(-1);
    this.userRowCount = new Int32Array(userCount);
    for (let r = 0; r < this.length; r++) {
      const u = this.userKey[r];
      if (this.userFirstRow[u] === -1) this.userFirstRow[u] = r;
      this.userRowCount[u]++;
    }
  }

  /** One page of sessions under a sort and filters, with the number of matching sessions. */
  page(query: SessionQuery): { total: number; rows: SessionRow[] } {
    const offset = wholeNumber(query.offset, 'offset');
    const limit = Math.min(wholeNumber(query.limit, 'limit'), 1000);
    const order = this.order(query);
    const rows: SessionRow[] = [];
    for (let p = offset; p < Math.min(order.length, offset + limit); p++) rows.push(this.row(order[p]));
    return { total: order.length, rows };
  }

  /** The row number of a user's session, or -1. */
  find(u: number, sessionId: number): number {
    if (u >= this.userFirstRow.length || this.userFirstRow[u] === -1) return -1;
    const first = this.userFirstRow[u];
    const r = first + sessionId - this.sessionId[first];
    return r >= first && r < first + this.userRowCount[u] && this.sessionId[r] === sessionId ? r : -1;
  }

  row(r: number): SessionRow {
    const attributes: Record<string, string | null> = {};
    this.attributes.forEach((name, a) => (attributes[name] = this.text(this.attrs[a][r])));
    const date = dayToIsoDate(this.startDay[r]);
    return {
      user_id: this.userIds[this.userKey[r]],
      session_id: this.sessionId[r],
      start_date: date,
      end_date: date,
      start_time: isoTime(this.startTime[r]),
      end_time: isoTime(this.endTime[r]),
      session_duration_secs: this.duration[r],
      event_count: this.eventCount[r],
      first_event: this.strings[this.firstName[r]],
      last_event: this.strings[this.lastName[r]],
      attributes,
    };
  }

  /** Each attribute's values, most frequent first, for the filter choices. */
  attributeValues(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    this.attributes.forEach((name, a) => {
      const counts = new Map<number, number>();
      for (const key of this.attrs[a]) if (key !== NULL_KEY) counts.set(key, (counts.get(key) ?? 0) + 1);
      result[name] = [...counts]
        .sort((x, y) => y[1] - x[1] || this.stringRank[x[0]] - this.stringRank[y[0]])
        .slice(0, MAX_FILTER_VALUES)
        .map(([key]) => this.strings[key]);
    });
    return result;
  }

  /** Whether a (user key, session id) is among these rows: for exporting a subset's events. */
  membership(rows: Uint32Array): (userKey: number, sessionId: number) => boolean {
    const chosen = new Uint8Array(this.length);
    for (const r of rows) chosen[r] = 1;
    return (userKey, sessionId) => {
      const r = this.find(userKey, sessionId);
      return r !== -1 && chosen[r] === 1;
    };
  }

  /** A user's rows: the first and how many (count 0 when the user has no session). */
  rowsOfUser(u: number): { first: number; count: number } {
    if (u >= this.userFirstRow.length || this.userFirstRow[u] === -1) return { first: 0, count: 0 };
    return { first: this.userFirstRow[u], count: this.userRowCount[u] };
  }

  /** The first user (in user_id order) with sessions, or undefined when there are none. */
  firstUser(): number | undefined {
    return this.usersInOrder.find((u) => this.userFirstRow[u] !== -1);
  }

  /** The users with sessions just before and after `u` in user_id order. */
  neighbours(u: number): { previous: number | undefined; next: number | undefined } {
    const rank = this.userRank[u];
    let previous: number | undefined;
    let next: number | undefined;
    for (let r = rank - 1; r >= 0 && previous === undefined; r--) if (this.userFirstRow[this.usersInOrder[r]] !== -1) previous = this.usersInOrder[r];
    for (let r = rank + 1; r < this.usersInOrder.length && next === undefined; r++) if (this.userFirstRow[this.usersInOrder[r]] !== -1) next = this.usersInOrder[r];
    return { previous, next };
  }

  /** Where row r's session is, for reading its events. */
  span(r: number): SessionSpan {
    return { userKey: this.userKey[r], day: this.startDay[r], startTime: this.startTime[r], endTime: this.endTime[r] };
  }

  userId(u: number): string {
    return this.userIds[u];
  }

  /** The text of a string key (attribute values, event names); null for NULL_KEY. */
  text(key: number): string | null {
    return key === NULL_KEY ? null : this.strings[key];
  }

  /** Row numbers matching the filters, in the sort asked for; the last one is kept for paging. */
  order(query: Pick<SessionQuery, 'sort' | 'filters'>): Uint32Array {
    const key = JSON.stringify([query.sort ?? null, query.filters ?? null]);
    if (this.lastOrder?.key === key) return this.lastOrder.rows;
    const rows = this.filtered(query.filters ?? {});
    if (query.sort !== undefined) this.sortRows(rows, query.sort.column, query.sort.direction);
    this.lastOrder = { key, rows };
    return rows;
  }

  /** Matching rows in the default order: user_id, then session_id (the sessions CSV's order). */
  private filtered(filters: SessionFilters): Uint32Array {
    const fromDay = filters.from ? checkedDay(filters.from, 'from') : -Infinity;
    const toDay = filters.to ? checkedDay(filters.to, 'to') : Infinity;
    const prefix = filters.user ?? '';
    const attributeTests: Array<{ column: Int32Array; key: number }> = [];
    for (const [name, value] of Object.entries(filters.attributes ?? {})) {
      const a = this.attributes.indexOf(name);
      if (a === -1) throw new UserError(`unknown attribute '${name}'`);
      // A value no session has matches nothing (-2 is no key).
      const key = value === null ? NULL_KEY : (this.stringKeys.find(value) ?? -2);
      attributeTests.push({ column: this.attrs[a], key });
    }
    const out = new Uint32Array(this.length);
    let count = 0;
    for (const u of this.usersInOrder) {
      const first = this.userFirstRow[u];
      if (first === -1) continue;
      if (prefix !== '' && !this.userIds[u].startsWith(prefix)) continue;
      for (let r = first; r < first + this.userRowCount[u]; r++) {
        const day = this.startDay[r];
        if (day < fromDay || day > toDay) continue;
        let keep = true;
        for (const test of attributeTests) if (test.column[r] !== test.key) keep = false;
        if (keep) out[count++] = r;
      }
    }
    return out.slice(0, count);
  }

  /** Sorts row numbers by a column; ties keep the default order (rows are in it already). */
  private sortRows(rows: Uint32Array, column: string, direction: SortDirection): void {
    const sortKey = this.sortKey(column);
    const position = new Float64Array(this.length);
    rows.forEach((r, p) => (position[r] = p));
    const sign = direction === 'desc' ? -1 : 1;
    rows.sort((a, b) => sign * (sortKey[a] - sortKey[b]) || position[a] - position[b]);
  }

  private sortKey(column: string): ArrayLike<number> {
    const ranked = (keys: Int32Array) => keys.map((k) => (k === NULL_KEY ? -1 : this.stringRank[k]));
    const byColumn: Record<SessionSortColumn, () => ArrayLike<number>> = {
      user_id: () => this.userKey.map((u) => this.userRank[u]),
      session_id: () => this.sessionId,
      start_date: () => this.startDay,
      start_time: () => this.startTime,
      end_time: () => this.endTime,
      session_duration_secs: () => this.duration,
      event_count: () => this.eventCount,
      first_event: () => ranked(this.firstName),
      last_event: () => ranked(this.lastName),
    };
    if (Object.hasOwn(byColumn, column)) return byColumn[column as SessionSortColumn]();
    const a = this.attributes.indexOf(column);
    if (a === -1) throw new UserError(`cannot sort by '${column}'`);
    return ranked(this.attrs[a]);
  }

}

function emptyColumns(n: number, attributeCount: number): SessionColumns {
  return {
    userKey: new Int32Array(n),
    sessionId: new Int32Array(n),
    startDay: new Int32Array(n),
    startTime: new Float64Array(n),
    endTime: new Float64Array(n),
    duration: new Int32Array(n),
    eventCount: new Int32Array(n),
    firstName: new Int32Array(n),
    lastName: new Int32Array(n),
    attrs: Array.from({ length: attributeCount }, () => new Int32Array(n)),
  };
}

function wholeNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new UserError(`${name} must be a whole number`);
  return value;
}

function checkedDay(text: string, name: string): number {
  try {
    return isoDateToDay(text);
  } catch {
    throw new UserError(`${name} must be a date YYYY-MM-DD, not '${text}'`);
  }
}
