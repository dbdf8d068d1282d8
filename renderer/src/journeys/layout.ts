// Geometry of the timeline: where a time of day goes, bars with a minimum width, hour marks.

export const MS_PER_DAY = 86_400_000;
/** A session of a few seconds still shows as a bar this wide. */
export const MIN_BAR_PX = 8;
/** Ticks keep this far from a bar's ends. */
export const TICK_INSET_PX = 3;
export const ZOOMS = [1, 2, 4, 8, 16, 32] as const;

export interface BarBox {
  left: number;
  width: number;
  /** Where each event's tick goes, from the bar's left edge. */
  ticks: number[];
}

/**
 * A session's bar on a track `trackPx` wide: from its start to its end at least MIN_BAR_PX wide,
 * kept inside the day (sessions never cross local midnight; a short one near 24:00 is shifted in).
 * Offsets are wall-clock times: where a clock is put back (the end of summer time) they can run
 * backwards within a session, so the bar spans the earliest to the latest of them.
 */
export function barBox(startMs: number, endMs: number, offsets: number[], trackPx: number): BarBox {
  const pxPerMs = trackPx / MS_PER_DAY;
  let from = Math.min(startMs, endMs);
  let to = Math.max(startMs, endMs);
  for (const offset of offsets) {
    if (offset < from) from = offset;
    if (offset > to) to = offset;
  }
  const span = to - from;
  const width = Math.min(trackPx, Math.max(MIN_BAR_PX, span * pxPerMs));
  // A minimum-width bar is centred on its session, then kept within the track.
  const left = Math.min(Math.max(0, from * pxPerMs - (width - span * pxPerMs) / 2), trackPx - width);
  const inner = width - 2 * TICK_INSET_PX;
  const ticks = offsets.map((offset) => TICK_INSET_PX + (span <= 0 ? inner / 2 : ((offset - from) / span) * inner));
  return { left, width, ticks };
}

export interface HourMark {
  minute: number;
  kind: 'major' | 'labelled' | 'minor';
  label: string | null;
}

const STEPS_MIN = [15, 30, 60, 120, 180, 240, 360];

/** Grid lines and labels for a track `trackPx` wide: labels at least 56 px apart, lines ~14 px. */
export function hourMarks(trackPx: number): HourMark[] {
  const pxPerMin = trackPx / 1440;
  const labelStep = STEPS_MIN.find((s) => s * pxPerMin >= 56) ?? 360;
  const gridStep = Math.min(labelStep, STEPS_MIN.find((s) => s * pxPerMin >= 14) ?? 360);
  const marks: HourMark[] = [];
  for (let minute = 0; minute <= 1440; minute += gridStep) {
    const labelled = minute % labelStep === 0;
    marks.push({
      minute,
      kind: minute % 360 === 0 ? 'major' : labelled ? 'labelled' : 'minor',
      label: labelled ? hhmm(minute) : null,
    });
  }
  return marks;
}

export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Whole days from one `YYYY-MM-DD` to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });
/** `Sat` for `2025-03-01` (a local date: read as a calendar date, no zone). */
export function weekdayOf(date: string): string {
  const time = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(time) ? '' : weekday.format(time);
}
