// The Metrics view's data as its charts, tables and CSVs read it: the days of the range (empty
// days included), the histogram's bins with labels, nice axis ticks for durations and shares, and
// how each kind of value reads. Pure: no React, no DOM.
import type { AppMetrics, MetricsDay } from '../../../core/api/contract.ts';
import { count, duration } from '../format.ts';

/** One day on the per-day charts; a day without sessions has counts 0 and no durations. */
export type DayPoint = {
  start_date: string;
  sessions: number;
  users: number;
  avg_session_time_per_user: number | null;
  avg_first_session_secs: number | null;
  median_duration_secs: number | null;
  p90_duration_secs: number | null;
  bounce_share: number | null;
};

/** A cell of a chart's data: what its CSV holds (numbers as computed, null as an empty field). */
export type Cell = string | number | null;
export type DataRow = Record<string, Cell>;

/** How a value reads in tables, tooltips and axes. */
export type ValueKind = 'date' | 'text' | 'count' | 'duration' | 'share';

/** A column of a chart's data: its CSV header (`key`), its table header, and how it reads. */
export interface DataColumn {
  key: string;
  label: string;
  kind: ValueKind;
}

/** What a chart draws, as rows: the data table, the CSV and the tooltip all read these. */
export interface ChartTable {
  columns: DataColumn[];
  rows: DataRow[];
}

/** Days longer than this are not filled in (a range of decades would draw thousands of empty bars). */
const MAX_FILLED_DAYS = 3_700;
const DAY_MS = 86_400_000;

const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Whole days from `from` to `to`, inclusive (negative when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/**
 * The range's days in order, one point each: the API's days, and the days between them (and up to
 * the range's ends) with no sessions. `from`/`to` null: the days with sessions bound it.
 */
export function dayPoints(metrics: Pick<AppMetrics, 'days' | 'from' | 'to'>): DayPoint[] {
  const known = new Map(metrics.days.map((d) => [d.start_date, d]));
  const first = metrics.from ?? metrics.days[0]?.start_date;
  const last = metrics.to ?? metrics.days[metrics.days.length - 1]?.start_date;
  if (first === undefined || last === undefined) return metrics.days.map(pointOf);
  const span = daysBetween(first, last);
  if (!Number.isFinite(span) || span <= 0 || span > MAX_FILLED_DAYS) return metrics.days.map(pointOf);
  const start = dayNumber(first);
  const points: DayPoint[] = [];
  for (let i = 0; i < span; i++) {
    const date = dateOf(start + i);
    const day = known.get(date);
    points.push(day === undefined ? emptyDay(date) : pointOf(day));
  }
  return points;
}

function pointOf(day: MetricsDay): DayPoint {
  return {
    start_date: day.start_date,
    sessions: day.sessions,
    users: day.users,
    avg_session_time_per_user: day.avg_session_time_per_user,
    avg_first_session_secs: day.avg_first_session_secs,
    median_duration_secs: day.median_duration_secs,
    p90_duration_secs: day.p90_duration_secs,
    bounce_share: day.bounce_share,
  };
}

function emptyDay(date: string): DayPoint {
  return {
    start_date: date,
    sessions: 0,
    users: 0,
    avg_session_time_per_user: null,
    avg_first_session_secs: null,
    median_duration_secs: null,
    p90_duration_secs: null,
    bounce_share: null,
  };
}

/** A histogram bin as it reads: `0s`, `1–10s`, `30s–1m`, `1–2m`, `30m–1h`, `4h+`. */
export function binLabel(fromSecs: number, toSecs: number | null): string {
  if (toSecs === null) return `${duration(fromSecs)}+`;
  if (toSecs === fromSecs + 1) return duration(fromSecs);
  const a = duration(fromSecs);
  const b = duration(toSecs);
  const unit = (text: string) => /^\d+([hms])$/.exec(text)?.[1];
  // The same single unit on both ends is written once: `1–2m` rather than `1m–2m`.
  if (unit(a) !== undefined && unit(a) === unit(b)) return `${a.slice(0, -1)}–${b}`;
  return `${a}–${b}`;
}

/** An average duration as it reads: `13m 56s` (rounded to the second, not truncated). */
export function durationText(secs: number | null): string {
  if (secs === null || !Number.isFinite(secs)) return '—';
  return duration(Math.round(secs));
}

/** A share as a percentage with one decimal: `10.6%`. */
export function shareText(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(1)}%`;
}

/** A date `YYYY-MM-DD` as an axis reads it: `Mar 5`. */
export function shortDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** A date `YYYY-MM-DD` in full: `Wed, Mar 5, 2025`. */
export function longDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return `${WEEKDAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/** A range of dates as it reads: `Mar 1 – Mar 14, 2025`, `Dec 20, 2024 – Jan 3, 2025`, `Mar 5, 2025`. */
export function rangeText(from: string, to: string): string {
  if (from === to) return `${shortDate(from)}, ${from.slice(0, 4)}`;
  if (from.slice(0, 4) === to.slice(0, 4)) return `${shortDate(from)} – ${shortDate(to)}, ${to.slice(0, 4)}`;
  return `${shortDate(from)}, ${from.slice(0, 4)} – ${shortDate(to)}, ${to.slice(0, 4)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A value of a kind, as tables and tooltips show it. */
export function formatValue(kind: ValueKind, value: Cell): string {
  if (value === null) return kind === 'text' ? '(not set)' : '—';
  switch (kind) {
    case 'date':
    case 'text':
      return String(value);
    case 'count':
      return typeof value === 'number' ? count(value) : value;
    case 'duration':
      return typeof value === 'number' ? durationText(value) : value;
    case 'share':
      return typeof value === 'number' ? shareText(value) : value;
  }
}

/** Steps a duration axis may take, in seconds: round numbers of seconds, minutes and hours. */
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** Ticks for a duration axis from 0 to at least `max` seconds, at most about `most` of them: 0, 5m, 10m, 15m… */
export function durationTicks(max: number, most = 5): number[] {
  const top = Math.max(max, 1);
  const step = DURATION_STEPS.find((s) => top / s <= most) ?? Math.ceil(top / most / 86_400) * 86_400;
  const ticks: number[] = [];
  for (let t = 0; t < top + step; t += step) {
    ticks.push(t);
    if (t >= top) break;
  }
  return ticks;
}

/** A duration tick: `0`, `30s`, `5m`, `1h 30m`. */
export const durationTick = (secs: number): string => (secs === 0 ? '0' : duration(secs));

/** Ticks for a share axis (0 to 1), on round percentages. */
export function shareTicks(max: number, most = 5): number[] {
  // A maximum that is not a number gets the whole axis rather than an endless one.
  const top = Number.isFinite(max) ? Math.min(1, Math.max(max, 0.01)) : 1;
  const step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1].find((s) => top / s <= most) ?? 1;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const t = Number((i * step).toFixed(4));
    ticks.push(t);
    if (t >= top - 1e-9) break;
  }
  return ticks;
}

/** Ticks for a count axis from 0 to at least `max`, on round steps (1, 2, 2.5 or 5 times a power of ten). */
export function countTicks(max: number, most = 5): number[] {
  const top = Number.isFinite(max) ? Math.max(max, 1) : 1;
  let step = 1;
  for (let power = 1; ; power *= 10) {
    const found = [1, 2, 2.5, 5].map((m) => m * power).find((s) => top / s <= most && (s >= 1 && Number.isInteger(s)));
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const ticks: number[] = [];
  for (let t = 0; ; t += step) {
    ticks.push(t);
    if (t >= top) break;
  }
  return ticks;
}

export const shareTick = (share: number): string => `${Math.round(share * 100)}%`;

/** A count tick: `950`, `1,250`, `15k`, `1.25M`. */
export function countTick(n: number): string {
  // Two decimals: a step of 250k gives ticks such as 1.25M.
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(2))}M`;
  if (n >= 10_000) return `${Number((n / 1000).toFixed(1))}k`;
  return count(n);
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * OWASP's CSV-injection defence, as the app's CSV exports apply it (core/export/csv-file.ts): a text
 * cell starting with =, +, -, @, tab or CR gets a leading apostrophe; numbers are left alone.
 */
export function neutraliseFormula(text: string): string {
  const c = text.charCodeAt(0);
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) return NUMERIC.test(text) ? text : `'${text}`;
  return text;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; null as empty. */
function field(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? String(cell) : neutraliseFormula(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A chart's data as CSV: the columns' keys as the header, then one line per row (LF line ends, as the app's CSVs). */
export function toCsv(table: ChartTable): string {
  const lines = [table.columns.map((c) => field(c.key)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => field(row[c.key] ?? null)).join(','));
  return `${lines.join('\n')}\n`;
}

/** A file name from a chart's title and the range: `sessions-per-day_2025-03-01_2025-03-14`. */
export function fileStem(title: string, from: string | null, to: string | null): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return [slug, from, to].filter((part) => part !== null && part !== '').join('_');
}
