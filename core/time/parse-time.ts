/**
 * Time values as SPEC §2 accepts them, to integer epoch milliseconds (sub-millisecond digits
 * are truncated), or null when the value is not a time:
 * - ISO 8601 with `Z` or an offset (`T` or a space between date and time; ` UTC` as BigQuery
 *   writes it); a string without an offset is UTC;
 * - a number of epoch seconds (< 1e11, fractions allowed) or epoch milliseconds (>= 1e11),
 *   as a number or as a numeric string.
 */
export function parseTimeValue(value: unknown): number | null {
  if (typeof value === 'number') return epochNumberToMs(value);
  if (typeof value !== 'string') return null;
  const fast = parseCanonicalIso(value);
  if (fast !== null) return fast;
  const text = value.trim();
  if (text === '') return null;
  if (NUMERIC.test(text)) return epochNumberToMs(Number(text));
  return parseIso(text);
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Years 1..9999: what ISO 8601 dates and the exports can spell. Anything else is not a time. */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

function inRange(ms: number): number | null {
  return ms >= MIN_MS && ms <= MAX_MS ? ms : null;
}

function epochNumberToMs(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  // Round at the microsecond first so that binary fractions such as 0.123 s are not read as 122.99… ms.
  const ms = Math.abs(n) < 1e11 ? Math.round(n * 1e6) / 1000 : n;
  return inRange(Math.floor(ms));
}

/** Date.UTC, except that years 0..99 are not read as 1900..1999. */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseIso(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > daysInMonth(year, month)) return null;
  let offsetMs = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z' && zone.toUpperCase() !== 'UTC') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMs = sign * (oh * 3_600_000 + om * 60_000);
  }
  return inRange(utc(year, month, day, hour, minute, second, millis) - offsetMs);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ` exactly (what most exports write), read without a regex. */
function parseCanonicalIso(s: string): number | null {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return null;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  if (s.charCodeAt(19) !== 46) return null;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const millis = digits(s, 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return null;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return null;
  if (day > 28 && day > daysInMonth(year, month)) return null;
  return inRange(utc(year, month, day, hour, minute, second, millis));
}

function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}
