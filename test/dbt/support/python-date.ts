// The part of Python's datetime and pytz that the generated macros use (through dbt's
// `modules` and `run_started_at`), so nunjucks can render them as dbt's Jinja would.

const MS_PER_DAY = 86_400_000;
/** Python's ordinal of 1970-01-01 (0001-01-01 is ordinal 1). */
const EPOCH_ORDINAL = 719_163;

/** A `datetime.date`: only the methods the macros call. */
export class PyDate {
  readonly epochDay: number;

  constructor(epochDay: number) {
    this.epochDay = epochDay;
  }

  static fromordinal(ordinal: number): PyDate {
    if (!Number.isInteger(ordinal)) throw new TypeError(`fromordinal: not an integer: ${ordinal}`);
    return new PyDate(ordinal - EPOCH_ORDINAL);
  }

  static fromisoformat(text: string): PyDate {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) throw new Error(`fromisoformat: invalid date '${text}'`);
    return new PyDate(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY);
  }

  toordinal(): number {
    return this.epochDay + EPOCH_ORDINAL;
  }

  isoformat(): string {
    return new Date(this.epochDay * MS_PER_DAY).toISOString().slice(0, 10);
  }
}

export interface PyTimeZone {
  zone: string;
}

/** dbt's `run_started_at`: an aware datetime; `.astimezone(tz).date()` is all the macros use. */
export function runStartedAt(instant: Date): { astimezone(tz: PyTimeZone): { date(): PyDate } } {
  return {
    astimezone: (tz) => ({
      date: () => {
        const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz.zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
        return PyDate.fromisoformat(parts);
      },
    }),
  };
}

/** dbt's `modules`: datetime, pytz and re, as far as the macros use them. */
export const pythonModules = {
  datetime: { date: { fromordinal: PyDate.fromordinal, fromisoformat: PyDate.fromisoformat } },
  pytz: { timezone: (zone: string): PyTimeZone => ({ zone }) },
  re: {
    /** Python's re.fullmatch for the simple patterns the macros use (no Python-only syntax). */
    fullmatch: (pattern: string, text: string): string[] | null => new RegExp(`^(?:${pattern})$`, 'u').exec(text),
  },
};
