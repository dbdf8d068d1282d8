// How numbers, durations and times read in the UI.

const integer = new Intl.NumberFormat('en-US');

export const count = (n: number): string => integer.format(n);

/** `n thing` / `n things`, with the number grouped. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** Whole seconds as `4m 12s`, `1h 5m`, `30m`, `0s` (zero parts left out; also valid input for the CLI's DUR). */
export function duration(secs: number): string {
  const s = Math.floor(secs);
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) parts.push(`${h}h`);
  if (m > 0) parts.push(`${m}m`);
  if (s % 60 > 0 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(' ');
}

/** The time since the previous event: `+850 ms`, `+12.4s`, `+4m 12s`. */
export function gap(ms: number): string {
  if (ms < 1000) return `+${ms} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  return `+${duration(ms / 1000)}`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An ISO UTC time as the wall-clock time in the definition's zone (`14:03:27`, or with
 * milliseconds): sessions are local-day groups, so that is the clock they are read by.
 */
export function clock(iso: string, zone: string, millis = false): string {
  const key = `${zone}|${millis}`;
  let format = timeFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...(millis ? { fractionalSecondDigits: 3 } : {}),
      });
    } catch {
      format = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    }
    timeFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

/** A null attribute or property, as shown. */
export const orNone = (value: string | null | undefined): string => value ?? '—';

/** The last part of a path, either separator. */
export const baseName = (path: string): string => path.split(/[\\/]/).pop() || path;
