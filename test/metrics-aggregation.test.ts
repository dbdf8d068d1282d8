// The per-day metrics (SPEC §2) against a plain reference: sorting every day's durations for the
// quantiles, Sets for distinct users. The aggregation counts instead of sorting when a day holds
// many sessions, so the cases include days large enough for that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { aggregateMetrics } from '../core/metrics/session-metrics.ts';
import type { SessionSummary } from '../core/sessionize/event-timeline.ts';

function reference(sessions: SessionSummary[]) {
  const quantile = (sorted: number[], q: number) => {
    if (sorted.length === 0) return 0;
    const position = (sorted.length - 1) * q;
    const lower = sorted[Math.floor(position)];
    return lower + (sorted[Math.ceil(position)] - lower) * (position - Math.floor(position));
  };
  const summary = (group: SessionSummary[], divisor: number) => {
    const durations = group.map((s) => s.durationSecs).sort((a, b) => a - b);
    const total = durations.reduce((a, b) => a + b, 0);
    const first = group.filter((s) => s.first);
    return {
      sessions: group.length,
      users: new Set(group.map((s) => s.user)).size,
      avg_session_time_per_user: divisor === 0 ? 0 : total / divisor,
      avg_first_session_secs: first.length === 0 ? null : first.reduce((a, s) => a + s.durationSecs, 0) / first.length,
      mean_duration_secs: group.length === 0 ? 0 : total / group.length,
      median_duration_secs: quantile(durations, 0.5),
      p90_duration_secs: quantile(durations, 0.9),
      bounce_share: group.length === 0 ? 0 : group.filter((s) => s.eventCount === 1).length / group.length,
    };
  };
  const dayNumbers = [...new Set(sessions.map((s) => s.day))].sort((a, b) => a - b);
  const userDays = new Set(sessions.map((s) => `${s.user}:${s.day}`)).size;
  return {
    days: dayNumbers.map((d) => {
      const group = sessions.filter((s) => s.day === d);
      return summary(group, new Set(group.map((s) => s.user)).size);
    }),
    totals: { ...summary(sessions, userDays), user_days: userDays },
  };
}

const session = (maxDuration: number) =>
  fc.record({
    user: fc.nat({ max: 3000 }),
    day: fc.integer({ min: 20_100, max: 20_103 }),
    first: fc.boolean(),
    durationSecs: fc.nat({ max: maxDuration }),
    eventCount: fc.integer({ min: 1, max: 40 }),
  });

test('per-day and total metrics equal a plain reference, on small and on large days', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.array(session(86_399), { maxLength: 60 }), fc.array(session(5000), { minLength: 9000, maxLength: 12_000 })),
      (sessions) => {
        const got = aggregateMetrics((emit) => sessions.forEach(emit), { thresholdMs: 1_800_000, timeZone: 'UTC', preview: false });
        const want = reference(sessions);
        assert.deepEqual(got.days.map(({ start_date: _date, ...day }) => day), want.days);
        const { events: _events, days: _days, ...totals } = got.totals;
        assert.deepEqual(totals, want.totals);
      },
    ),
    { numRuns: 40 },
  );
});
