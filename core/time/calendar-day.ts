import { UserError } from '../util/user-error.ts';

/** A local calendar date as a day number: days since 1970-01-01 (the date's own calendar, no zone). */
export type DayNumber = number;

export const MS_PER_DAY = 86_400_000;

export function dayToIsoDate(day: DayNumber): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isoDateToDay(text: string): DayNumber {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const check = new Date(ms);
    if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) {
      return ms / MS_PER_DAY;
    }
  }
  throw new UserError(`invalid date '${text}': use YYYY-MM-DD`);
}
