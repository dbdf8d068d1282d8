// The Threshold view's pure parts: the slider's stops and track, typed durations (which must read
// exactly as the command line's DUR does), and the valley the histogram suggests cutting at.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { GapHistogram } from '../../core/api/contract.ts';
import { parseDurationMs } from '../../core/time/duration.ts';
import {
  MINUTE_MS, SLIDER_MAX_MS, SLIDER_MIN_MS, STEPS_MS, parseDuration, positionOf, stepAt, stepFrom,
} from '../../renderer/src/threshold/scale.ts';
import { findValley } from '../../renderer/src/threshold/valley.ts';

describe('the slider scale', () => {
  test('stops every minute to 30 min, then coarser, from 1 min to 4 h, in order', () => {
    assert.equal(STEPS_MS[0], SLIDER_MIN_MS);
    assert.equal(STEPS_MS.at(-1), SLIDER_MAX_MS);
    for (let m = 1; m <= 30; m++) assert.ok(STEPS_MS.includes(m * MINUTE_MS), `${m} min is a stop`);
    STEPS_MS.forEach((s, i) => i > 0 && assert.ok(s > STEPS_MS[i - 1]));
  });

  test('the track is monotonic and every stop is found again from its position', () => {
    STEPS_MS.forEach((s, i) => {
      assert.equal(stepAt(positionOf(s)), s);
      if (i > 0) assert.ok(positionOf(s) > positionOf(STEPS_MS[i - 1]));
    });
    assert.equal(positionOf(0), 0);
    assert.equal(positionOf(10 * SLIDER_MAX_MS), 1);
  });

  test('keys move stop by stop, and stay put at the ends', () => {
    STEPS_MS.forEach((s, i) => {
      assert.equal(stepFrom(s, 1), STEPS_MS[Math.min(i + 1, STEPS_MS.length - 1)]);
      assert.equal(stepFrom(s, -1), STEPS_MS[Math.max(i - 1, 0)]);
    });
    // From a value between stops (typed, or stored by the CLI), the next stop in that direction.
    assert.equal(stepFrom(7.5 * MINUTE_MS, 1), 8 * MINUTE_MS);
    assert.equal(stepFrom(7.5 * MINUTE_MS, -1), 7 * MINUTE_MS);
    assert.equal(stepFrom(5 * SLIDER_MAX_MS, 1), 5 * SLIDER_MAX_MS);
  });
});

describe('typed durations', () => {
  const number = fc.oneof(fc.nat({ max: 90 }).map(String), fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 9 })).map(([a, b]) => `${a}.${b}`));
  const spelled = fc
    .tuple(fc.option(number), fc.option(number), fc.option(number), fc.boolean())
    .filter(([h, m, s]) => h !== null || m !== null || s !== null)
    .map(([h, m, s, upper]) => {
      const text = `${h === null ? '' : `${h}h`}${m === null ? '' : `${m}m`}${s === null ? '' : `${s}s`}`;
      return upper ? text.toUpperCase() : text;
    });

  test('read exactly as the command line reads them', () => {
    fc.assert(fc.property(fc.oneof(spelled, number), (text) => assert.equal(parseDuration(text), parseDurationMs(text))));
  });

  test('spaces between parts are allowed; anything else is refused', () => {
    assert.equal(parseDuration('1h 30m'), 90 * MINUTE_MS);
    for (const junk of ['', 'soon', '30 minutes', '-5m', 'm', '1x']) {
      assert.equal(parseDuration(junk), null, junk);
      assert.throws(() => parseDurationMs(junk), /invalid duration/, junk);
    }
  });
});

describe('the valley of the gap histogram', () => {
  /** Log bins of 1 s … 1 day with counts from a function of the bin's middle (ms). */
  function histogram(count: (ms: number) => number): GapHistogram {
    const edges = [0];
    for (let k = 0; 1000 * 10 ** (k / 10) < 86_400_000; k++) edges.push(Math.round(1000 * 10 ** (k / 10)));
    edges.push(86_400_000);
    const bins = edges.slice(0, -1).map((from, i) => ({ from_ms: from, to_ms: edges[i + 1], gaps: Math.round(count(Math.sqrt(Math.max(from, 1) * edges[i + 1]))) }));
    return { gaps: bins.reduce((n, b) => n + b.gaps, 0), bins };
  }
  const hump = (centreMs: number, height: number) => (ms: number) => height * Math.exp(-((Math.log10(ms / centreMs) / 0.3) ** 2));

  test('lies between the in-session hump and the between-visits hump', () => {
    for (const [inSession, between] of [[40_000, 3 * 3_600_000], [10_000, 3_600_000], [90_000, 8 * 3_600_000]]) {
      const valley = findValley(histogram((ms) => hump(inSession, 3000)(ms) + hump(between, 300)(ms)));
      assert.ok(valley !== null);
      assert.ok(valley.at_ms > inSession && valley.at_ms < between, `${valley.at_ms} between ${inSession} and ${between}`);
      assert.ok(valley.from_ms <= valley.at_ms && valley.at_ms <= valley.to_ms);
    }
  });

  test('none when there is a single hump', () => {
    assert.equal(findValley(histogram(hump(60_000, 3000))), null);
    assert.equal(findValley(histogram(() => 0)), null);
  });
});
