import { parseTimeValue } from '../time/parse-time.ts';

const MS_PER_DAY = 86_400_000;

function digitsAt(bytes: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since the epoch of `YYYY-MM-DD` at `s`, or NaN when it is not a date from year 1 on. */
function isoDays(bytes: Uint8Array, s: number): number {
  if (bytes[s + 4] !== 0x2d || bytes[s + 7] !== 0x2d) return NaN;
  const year = digitsAt(bytes, s, 4);
  const month = digitsAt(bytes, s + 5, 2);
  const day = digitsAt(bytes, s + 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day);
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what exports write) read straight from bytes, or NaN for anything
 * else. Gives exactly what parseTimeValue gives for such text.
 */
function canonicalIsoMs(bytes: Uint8Array, start: number, end: number): number {
  const s = start;
  if (end - s !== 24 || bytes[s + 23] !== 0x5a || bytes[s + 10] !== 0x54 || bytes[s + 19] !== 0x2e) return NaN;
  if (bytes[s + 13] !== 0x3a || bytes[s + 16] !== 0x3a) return NaN;
  const days = isoDays(bytes, s);
  const hour = digitsAt(bytes, s + 11, 2);
  const minute = digitsAt(bytes, s + 14, 2);
  const second = digitsAt(bytes, s + 17, 2);
  const millis = digitsAt(bytes, s + 20, 3);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return NaN;
  return days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** A CSV time field's epoch ms (as parseTimeValue reads its text), or null when it is not a time. */
export function csvTimeMs(bytes: Buffer, start: number, end: number): number | null {
  const fast = canonicalIsoMs(bytes, start, end);
  if (fast === fast) return fast;
  return parseTimeValue(bytes.toString('utf8', start, end));
}
