import { UserError } from '../util/user-error.ts';

const PARTS = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/**
 * Parses a duration as the CLI accepts it: `1800`, `1800s`, `30m`, `1h30m`, `1.5h`
 * (a bare number is seconds). Returns milliseconds, rounded to the millisecond.
 */
export function parseDurationMs(text: string): number {
  const value = text.trim().toLowerCase();
  let seconds: number;
  if (/^\d+(?:\.\d+)?$/.test(value)) {
    seconds = Number(value);
  } else {
    const m = PARTS.exec(value);
    if (!m || value === '' || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) {
      throw new UserError(`invalid duration '${text}': use seconds (1800), 1800s, 30m or 1h30m`);
    }
    seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  }
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(ms)) throw new UserError(`invalid duration '${text}'`);
  return ms;
}

/** `1800000` → `30m`, `5400000` → `1h30m`, `90500` → `1m30.5s`: the shortest CLI spelling. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
