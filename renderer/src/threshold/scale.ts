// The threshold slider's scale and the time axes of the Threshold view: which values the slider
// stops at, where they sit on the track, how thresholds read and are typed.
import { duration } from '../format.ts';

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The slider's range: 1 minute to 4 hours. */
export const SLIDER_MIN_MS = MINUTE_MS;
export const SLIDER_MAX_MS = 4 * HOUR_MS;

/** What an exact value typed beside the slider may be (the API takes up to 7 days; no in-day gap reaches 25 h). */
export const TYPED_MIN_MS = SECOND_MS;
export const TYPED_MAX_MS = DAY_MS;

/**
 * The values the slider stops at, finer where a minute matters: every minute up to 30 minutes,
 * every 5 minutes up to 2 hours, every 15 minutes up to 4 hours.
 */
export const STEPS_MS: readonly number[] = (() => {
  const steps: number[] = [];
  for (let m = 1; m <= 30; m++) steps.push(m * MINUTE_MS);
  for (let m = 35; m <= 120; m += 5) steps.push(m * MINUTE_MS);
  for (let m = 135; m <= 240; m += 15) steps.push(m * MINUTE_MS);
  return steps;
})();

/** Steps a PageUp / PageDown moves. */
export const PAGE_STEPS = 5;

/** Where a threshold sits on the slider's track, 0…1: logarithmic, so small values get the room. */
export function positionOf(ms: number): number {
  const clamped = Math.min(SLIDER_MAX_MS, Math.max(SLIDER_MIN_MS, ms));
  return Math.log(clamped / SLIDER_MIN_MS) / Math.log(SLIDER_MAX_MS / SLIDER_MIN_MS);
}

/** The step nearest (on the track) to a position 0…1. */
export function stepAt(position: number): number {
  const p = Math.min(1, Math.max(0, position));
  let best = STEPS_MS[0];
  for (const step of STEPS_MS) if (Math.abs(positionOf(step) - p) < Math.abs(positionOf(best) - p)) best = step;
  return best;
}

/** The step `by` stops away from a value (which need not be a step itself), kept within the range. */
export function stepFrom(ms: number, by: number): number {
  if (by === 0) return ms;
  if (by > 0) {
    const next = STEPS_MS.findIndex((s) => s > ms);
    // Already at (or past) the top: stay, rather than step back into the range.
    if (next === -1) return ms;
    return STEPS_MS[Math.min(STEPS_MS.length - 1, next + by - 1)];
  }
  let previous = -1;
  for (let i = 0; i < STEPS_MS.length; i++) if (STEPS_MS[i] < ms) previous = i;
  if (previous === -1) return ms;
  return STEPS_MS[Math.max(0, previous + by + 1)];
}

/** The step closest to a value (for a suggestion such as the histogram's valley). */
export function nearestStep(ms: number): number {
  return stepAt(positionOf(ms));
}

/** Labelled marks under the slider (room for a label each, even on a narrow window). */
export const SLIDER_MARKS_MS: readonly number[] = [1, 2, 5, 10, 30, 60, 120, 240].map((m) => m * MINUTE_MS);
/** Ticks of the sessions curve's axis. */
export const CURVE_TICKS_MS: readonly number[] = [1, 2, 5, 10, 20, 30, 60, 120, 240].map((m) => m * MINUTE_MS);

/** A threshold as it reads: `20m`, `1h 30m`, `45s`, `2.5s` (whole seconds when it is whole seconds). */
export function thresholdLabel(ms: number): string {
  if (ms % SECOND_MS !== 0 && ms < MINUTE_MS) return `${Number((ms / SECOND_MS).toFixed(3))}s`;
  if (ms % SECOND_MS !== 0) return `${duration(ms / SECOND_MS)} ${ms % SECOND_MS} ms`;
  return duration(ms / SECOND_MS);
}

/** A short axis label: `1s`, `10s`, `1m`, `10m`, `1h`, `6h`, `1d`. */
export function axisLabel(ms: number): string {
  if (ms >= DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms >= MINUTE_MS && ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  if (ms >= SECOND_MS) return `${Number((ms / SECOND_MS).toFixed(1))}s`;
  return `${ms} ms`;
}

/** A bin edge or a point on a log axis, rounded the way it reads: `1.3s`, `25s`, `4m 12s`, `21m`, `1h 15m`. */
export function approxLabel(ms: number): string {
  if (ms < 10 * SECOND_MS) return `${Number((ms / SECOND_MS).toFixed(1))}s`;
  if (ms < 10 * MINUTE_MS) return duration(Math.round(ms / SECOND_MS));
  return duration(Math.round(ms / MINUTE_MS) * 60);
}

/**
 * A typed duration, as the command line's DUR takes it — `1800` (seconds), `1800s`, `30m`, `1h30m`,
 * spaces allowed (`1h 30m`, `25m 30s`) — in ms; null when it is not one.
 */
export function parseDuration(text: string): number | null {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (compact === '') return null;
  if (/^\d+(\.\d+)?$/.test(compact)) return Math.round(Number(compact) * SECOND_MS);
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(compact);
  if (match === null || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) return null;
  const [h, m, s] = [match[1], match[2], match[3]].map((part) => (part === undefined ? 0 : Number(part)));
  return Math.round((h * 3600 + m * 60 + s) * SECOND_MS);
}

/** `count` thresholds evenly spaced on a log scale from `from` to `to`, in whole seconds, ascending, no repeats. */
export function logThresholds(fromMs: number, toMs: number, count: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < count; i++) {
    const ms = fromMs * (toMs / fromMs) ** (i / (count - 1));
    out.add(Math.round(ms / SECOND_MS) * SECOND_MS);
  }
  return [...out].sort((a, b) => a - b);
}
