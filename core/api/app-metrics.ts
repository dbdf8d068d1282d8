import type { SessionDefinition } from '../definition.ts';
import { aggregateMetrics } from '../metrics/session-metrics.ts';
import type { SessionSummary } from '../sessionize/event-timeline.ts';
import { isoDateToDay } from '../time/calendar-day.ts';
import { UserError } from '../util/user-error.ts';
import type { AppMetrics } from './contract.ts';
import type { SessionTable } from './session-table.ts';

/** Duration bins in seconds, as an analyst reads them: one-event sessions, seconds, minutes, hours. */
const HISTOGRAM_EDGES = [0, 1, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];

export interface MetricsOptions {
  from?: string;
  to?: string;
  breakdown?: string | null;
}

/**
 * The Metrics view's figures over a table's sessions (stored or a preview) starting in a date
 * range: SPEC §2's metrics through the same aggregation as `metrics --json`, plus the duration
 * histogram and the totals per value of one attribute.
 */
export function appMetrics(table: SessionTable, definition: SessionDefinition, thresholdMs: number, options: MetricsOptions): AppMetrics {
  const fromDay = options.from ? checkedDay(options.from, 'from') : -Infinity;
  const toDay = options.to ? checkedDay(options.to, 'to') : Infinity;
  const { userKey, sessionId, startDay, duration, eventCount, attrs } = table.columns;
  const rows: number[] = [];
  for (let r = 0; r < table.length; r++) if (startDay[r] >= fromDay && startDay[r] <= toDay) rows.push(r);

  const summaryOf = (r: number): SessionSummary => ({
    user: userKey[r], day: startDay[r], first: sessionId[r] === 1, durationSecs: duration[r], eventCount: eventCount[r],
  });
  const aggregate = (subset: number[], preview: boolean) =>
    aggregateMetrics((emit) => subset.forEach((r) => emit(summaryOf(r))), { thresholdMs, timeZone: definition.timeZone, preview });

  const preview = thresholdMs !== definition.thresholdMs;
  const { threshold: _threshold, ...report } = aggregate(rows, preview);

  const histogram = HISTOGRAM_EDGES.map((edge, i) => ({ from_secs: edge, to_secs: HISTOGRAM_EDGES[i + 1] ?? null, sessions: 0 }));
  for (const r of rows) {
    let bin = HISTOGRAM_EDGES.length - 1;
    while (duration[r] < HISTOGRAM_EDGES[bin]) bin--;
    histogram[bin].sessions++;
  }

  let breakdown: AppMetrics['breakdown'] = null;
  if (options.breakdown) {
    const a = table.attributes.indexOf(options.breakdown);
    if (a === -1) throw new UserError(`unknown attribute '${options.breakdown}'`);
    const groups = new Map<number, number[]>();
    for (const r of rows) {
      const key = attrs[a][r];
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = []));
      group.push(r);
    }
    breakdown = {
      attribute: options.breakdown,
      rows: [...groups]
        .map(([key, subset]) => {
          const { events: _events, days: _days, user_days: _userDays, ...totals } = aggregate(subset, preview).totals;
          return { value: table.text(key), ...totals };
        })
        .sort((x, y) => y.sessions - x.sessions || (x.value ?? '').localeCompare(y.value ?? '')),
    };
  }
  return { ...report, from: options.from || null, to: options.to || null, histogram, breakdown };
}

function checkedDay(text: string, name: string): number {
  try {
    return isoDateToDay(text);
  } catch {
    throw new UserError(`${name} must be a date YYYY-MM-DD, not '${text}'`);
  }
}
