import { UserError } from '../util/user-error.ts';
import { MS_PER_DAY, type DayNumber } from './calendar-day.ts';

const SAMPLE_STEP_MS = 6 * 3_600_000;
const YEAR_MS = 366 * MS_PER_DAY;

/** Throws a one-line UserError unless `zone` is an IANA time zone this runtime knows. */
export function assertTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new UserError(`unknown time zone '${zone}': use an IANA name such as UTC or Europe/Berlin`);
  }
  if (!/^[A-Za-z0-9_+\-/]+$/.test(zone)) throw new UserError(`unknown time zone '${zone}'`);
}

/**
 * Local calendar dates of instants in one IANA zone, without an Intl call per event.
 *
 * Each calendar year an instant falls in is scanned once: the zone's offset sampled every
 * 6 hours, each change located to the second by bisection, kept as a small sorted table, so
 * `localDay` is a map lookup and a binary search over a handful of entries. Years are scanned
 * independently, so a stray far-off instant costs one year's scan, not every year between.
 */
export class ZoneCalendar {
  readonly zone: string;
  private readonly years = new Map<number, { starts: number[]; offsets: number[] }>();
  private readonly formatter: Intl.DateTimeFormat;
  private readonly fixedOffset: number | null;

  constructor(zone: string) {
    assertTimeZone(zone);
    this.zone = zone;
    this.formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    this.fixedOffset = zone === 'UTC' || zone === 'Etc/UTC' ? 0 : null;
  }

  /** The zone's UTC offset in ms at instant `t` (ms since epoch). */
  offsetAt(t: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    const year = Math.floor(t / YEAR_MS);
    let table = this.years.get(year);
    if (table === undefined) {
      table = this.scan(year * YEAR_MS, (year + 1) * YEAR_MS);
      this.years.set(year, table);
    }
    const { starts, offsets } = table;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return offsets[lo];
  }

  /** The local calendar date of instant `t`, as a day number. */
  localDay(t: number): DayNumber {
    return Math.floor((t + this.offsetAt(t)) / MS_PER_DAY);
  }

  /**
   * The first instant of local date `day` (its local midnight, or the first existing instant
   * after it when a DST change skips midnight).
   */
  dayStart(day: DayNumber): number {
    let lo = day * MS_PER_DAY - 30 * 3_600_000;
    let hi = day * MS_PER_DAY + 30 * 3_600_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.localDay(mid) >= day) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /**
   * The offset Intl reports ("GMT-04:00", "GMT+05:45", "GMT-00:44:30", "GMT"), read here rather
   * than through a library: @date-fns/tz 1.5 loses the sign of offsets between -1 h and 0.
   */
  private rawOffset(t: number): number {
    const parts = this.formatter.formatToParts(t);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name);
    if (!m || m[1] === undefined) return 0;
    const magnitude = Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000 + Number(m[4] ?? 0) * 1000;
    return m[1] === '-' ? -magnitude : magnitude;
  }

  private scan(from: number, to: number): { starts: number[]; offsets: number[] } {
    let prev = this.rawOffset(from);
    const starts = [from];
    const offsets = [prev];
    let prevT = from;
    for (let t = from + SAMPLE_STEP_MS; t <= to; t += SAMPLE_STEP_MS) {
      const cur = this.rawOffset(t);
      if (cur !== prev) {
        let lo = prevT;
        let hi = t;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.rawOffset(mid) === prev) lo = mid;
          else hi = mid;
        }
        starts.push(hi);
        offsets.push(cur);
      }
      prev = cur;
      prevT = t;
    }
    return { starts, offsets };
  }
}
