import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EventTimeline, countSessions, scanSessions } from '../core/sessionize/event-timeline.ts';
import { GapIndex } from '../core/sessionize/threshold-sweep.ts';

/** Random events: a few users, a few days, bursts of close events and long pauses, ms times. */
const timelines = fc
  .array(
    fc.record({
      user: fc.integer({ min: 0, max: 4 }),
      day: fc.integer({ min: 0, max: 3 }),
      // Up to 150 events in one user-day exercises both ways the index sorts a day's gaps.
      count: fc.integer({ min: 1, max: 150 }),
      spread: fc.constantFrom(1_000, 60_000, 3_600_000, 80_000_000),
      seed: fc.integer(),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((groups) => {
    const user: number[] = [];
    const day: number[] = [];
    const time: number[] = [];
    for (const g of groups) {
      let x = g.seed;
      for (let k = 0; k < g.count; k++) {
        x = (Math.imul(x, 1103515245) + 12345) | 0;
        user.push(g.user);
        day.push(g.day);
        time.push(g.day * 86_400_000 + (Math.abs(x) % g.spread) + (k % 3 === 0 ? 0 : 999));
      }
    }
    return EventTimeline.sorted(Int32Array.from(user), Int32Array.from(day), Float64Array.from(time), 5);
  });

test('the sweep equals a full re-sessionize at every threshold, gap boundaries included', () => {
  fc.assert(
    fc.property(timelines, (timeline) => {
      const index = new GapIndex(timeline);
      const thresholds = new Set<number>([0, 1, 999, 1000, 1800_000, 86_400_000]);
      for (let i = 1; i < timeline.length; i += Math.max(1, Math.floor(timeline.length / 40))) {
        const gap = timeline.time[i] - timeline.time[i - 1];
        if (gap >= 0) for (const t of [gap - 1, gap, gap + 1]) if (t >= 0) thresholds.add(t);
      }
      const list = [...thresholds];
      const points = index.sweep(list);
      list.forEach((threshold, k) => {
        let total = 0;
        const sessions = scanSessions(timeline, threshold, (s) => {
          total += s.durationSecs;
        });
        assert.equal(points[k].sessions, sessions, `sessions at ${threshold} ms`);
        assert.equal(points[k].sessions, countSessions(timeline, threshold));
        assert.equal(points[k].total_duration_secs, total, `total duration at ${threshold} ms`);
      });
    }),
    { numRuns: 60 },
  );
});
