import { tzOffset } from '@date-fns/tz';
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
 * The zone's offset changes are found once per covered year (sampled every 6 hours, each
 * change located to the second by bisection) and kept as a sorted table, so `localDay` is a
 * binary search over a handful of entries. Coverage grows a year at a time as instants
 * outside it are asked for.
 */
export class ZoneCalendar {
  readonly zone: string;
  /** Instants at which an offset starts; `offsets[i]` holds from `starts[i]` to `starts[i+1]`. */
  private starts: number[] = [];
  private offsets: number[] = [];
  private coveredFrom = 0;
  private coveredTo = 0;
  private readonly fixedOffset: number | null;

  constructor(zone: string) {
    assertTimeZone(zone);
    this.zone = zone;
    this.fixedOffset = zone === 'UTC' || zone === 'Etc/UTC' ? 0 : null;
  }

  /** The zone's UTC offset in ms at instant `t` (ms since epoch). */
  offsetAt(t: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    if (t < this.coveredFrom || t >= this.coveredTo || this.starts.length === 0) this.cover(t);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.offsets[lo];
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

  private rawOffset(t: number): number {
    const minutes = tzOffset(this.zone, new Date(t));
    return Math.round(minutes * 60_000);
  }

  private cover(t: number): void {
    if (this.starts.length === 0) {
      const from = Math.floor(t / YEAR_MS) * YEAR_MS;
      this.coveredFrom = from;
      this.coveredTo = from;
      this.starts = [from];
      this.offsets = [this.rawOffset(from)];
      this.extendForward(from + YEAR_MS);
      return;
    }
    if (t >= this.coveredTo) this.extendForward(Math.floor(t / YEAR_MS) * YEAR_MS + YEAR_MS);
    if (t < this.coveredFrom) this.extendBackward(Math.floor(t / YEAR_MS) * YEAR_MS);
  }

  private scan(from: number, to: number): { starts: number[]; offsets: number[] } {
    const starts: number[] = [];
    const offsets: number[] = [];
    let prevT = from;
    let prev = this.rawOffset(from);
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

  private extendForward(to: number): void {
    const found = this.scan(this.coveredTo, to);
    this.starts.push(...found.starts);
    this.offsets.push(...found.offsets);
    this.coveredTo = to;
  }

  private extendBackward(from: number): void {
    const found = this.scan(from, this.coveredFrom);
    const firstOffset = this.rawOffset(from);
    this.starts = [from, ...found.starts, ...this.starts.slice(1)];
    this.offsets = [firstOffset, ...found.offsets, ...this.offsets.slice(1)];
    this.coveredFrom = from;
  }
}
