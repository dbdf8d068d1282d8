import type { SessionCache } from '../cache/session-cache.ts';
import { attrColumn } from '../cache/schema.ts';
import { isoTime } from '../export/csv-file.ts';
import type { Dictionary } from '../model/dictionary.ts';
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
export class SessionTable {
  readonly length: number;
  readonly attributes: string[];
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
  /** Users in user_id order (code points, as SQLite compares), and each user's rows. */
  private readonly usersInOrder: Int32Array;
  private readonly userRank: Int32Array;
  private readonly userFirstRow: Int32Array;
  private readonly userRowCount: Int32Array;
  /** Each string key's rank in code point order, for sorting by names and attribute values. */
  private readonly stringRank: Int32Array;
  private lastOrder: { key: string; rows: Uint32Array } | null = null;

  constructor(cache: SessionCache) {
    this.attributes = cache.definition.attributes.map((a) => a.name);
    const n = cache.db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
    this.length = n;
    this.userKey = new Int32Array(n);
    this.sessionId = new Int32Array(n);
    this.startDay = new Int32Array(n);
    this.startTime = new Float64Array(n);
    this.endTime = new Float64Array(n);
    this.duration = new Int32Array(n);
    this.eventCount = new Int32Array(n);
    this.firstName = new Int32Array(n);
    this.lastName = new Int32Array(n);
    this.attrs = this.attributes.map(() => new Int32Array(n));
    const attrSelect = this.attributes.map((a) => `, ${attrColumn(a)}`).join('');
    // Primary-key order: by user, then time, so each user's sessions are one run in session_id order.
    const rows = cache.db.prepare(
      `SELECT user_key, session_id, start_day, start_time, end_time, duration_secs, event_count, first_name_key, last_name_key${attrSelect} FROM sessions`,
    );
    let i = 0;
    for (const row of rows.raw().iterate() as Iterable<Array<number | null>>) {
      this.userKey[i] = row[0]!;
      this.sessionId[i] = row[1]!;
      this.startDay[i] = row[2]!;
      this.startTime[i] = row[3]!;
      this.endTime[i] = row[4]!;
      this.duration[i] = row[5]!;
      this.eventCount[i] = row[6]!;
      this.firstName[i] = row[7]!;
      this.lastName[i] = row[8]!;
      for (let a = 0; a < this.attrs.length; a++) this.attrs[a][i] = row[9 + a] ?? NULL_KEY;
      i++;
    }
    this.userIds = cache.users.values;
    this.strings = cache.strings.values;
    this.stringKeys = cache.strings;
    const userCount = this.userIds.length;
    this.usersInOrder = Int32Array.from(cache.db.prepare('SELECT user_key FROM users ORDER BY user_id').pluck().all() as number[]);
    this.userRank = new Int32Array(userCount);
    this.usersInOrder.forEach((key, rank) => (this.userRank[key] = rank));
    this.userFirstRow = new Int32Array(userCount).fill(-1);
    this.userRowCount = new Int32Array(userCount);
    for (let r = 0; r < n; r++) {
      const u = this.userKey[r];
      if (this.userFirstRow[u] === -1) this.userFirstRow[u] = r;
      this.userRowCount[u]++;
    }
    this.stringRank = new Int32Array(this.strings.length);
    (cache.db.prepare('SELECT string_key FROM strings ORDER BY value').pluck().all() as number[]).forEach(
      (key, rank) => (this.stringRank[key] = rank),
    );
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

  /** Users with sessions, and the first and last local start days (null when there are none). */
  totals(): { users: number; firstDay: number | null; lastDay: number | null } {
    let users = 0;
    for (const count of this.userRowCount) if (count > 0) users++;
    let first = Infinity;
    let last = -Infinity;
    for (const day of this.startDay) {
      if (day < first) first = day;
      if (day > last) last = day;
    }
    return { users, firstDay: this.length === 0 ? null : first, lastDay: this.length === 0 ? null : last };
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

  /** Row numbers matching the filters, in the sort asked for; the last one is kept for paging. */
  private order(query: SessionQuery): Uint32Array {
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

  private text(key: number): string | null {
    return key === NULL_KEY ? null : this.strings[key];
  }
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
