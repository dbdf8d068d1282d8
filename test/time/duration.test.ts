import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDurationMs, parseDurationMs } from '../../core/time/duration.ts';
import { UserError } from '../../core/util/user-error.ts';

describe('parseDurationMs', () => {
  const cases: Array<[string, number]> = [
    // The four spellings of SPEC §3.
    ['1800', 1_800_000],
    ['1800s', 1_800_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    // Each unit alone and combined.
    ['1h', 3_600_000],
    ['90m', 5_400_000],
    ['45s', 45_000],
    ['1h30m15s', 5_415_000],
    ['1h15s', 3_615_000],
    ['2m30s', 150_000],
    ['0', 0],
    ['0s', 0],
    ['00030m', 1_800_000],
    // Case and surrounding whitespace do not matter.
    ['30M', 1_800_000],
    ['1H30M', 5_400_000],
    ['  1800  ', 1_800_000],
    ['\t30m\n', 1_800_000],
    // Fractions, rounded to the millisecond.
    ['1.5h', 5_400_000],
    ['0.5m', 30_000],
    ['1800.5', 1_800_500],
    ['2.25s', 2_250],
    ['0.0005', 1],
    ['0.0004', 0],
  ];
  for (const [text, ms] of cases) {
    test(`${JSON.stringify(text)} → ${ms} ms`, () => {
      assert.equal(parseDurationMs(text), ms);
    });
  }

  test('a bare number is seconds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (s) => {
        assert.equal(parseDurationMs(String(s)), s * 1000);
        assert.equal(parseDurationMs(`${s}s`), s * 1000);
      }),
    );
  });

  test('h/m/s parts add up (property)', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(100_000), (h, m, s) => {
        assert.equal(parseDurationMs(`${h}h${m}m${s}s`), ((h * 60 + m) * 60 + s) * 1000);
        assert.equal(parseDurationMs(`${h}h${m}m`), (h * 60 + m) * 60_000);
        assert.equal(parseDurationMs(`${m}m${s}s`), (m * 60 + s) * 1000);
      }),
    );
  });

  const invalid = [
    '',
    '   ',
    'abc',
    '-5',
    '-5m',
    '+30m',
    '1d',
    '1w',
    '30min',
    '30sec',
    '1h30',
    '1h 30m',
    '30m1h',
    '1s30m',
    '1h1h',
    '1hh',
    'h',
    'm',
    's',
    'hms',
    '1e3',
    '.5h',
    '5.h',
    '1.5.5h',
    '1,5h',
    '１８００',
    'NaN',
    'Infinity',
    '0x10',
    `1${'0'.repeat(400)}`,
    `1${'0'.repeat(400)}s`,
  ];
  for (const text of invalid) {
    test(`${JSON.stringify(text.length > 20 ? `${text.slice(0, 12)}…` : text)} is rejected with a one-line UserError`, () => {
      assert.throws(
        () => parseDurationMs(text),
        (e: unknown) => {
          assert.ok(e instanceof UserError, 'a UserError');
          assert.ok(!/[\r\n]/.test(e.message), `one line: ${JSON.stringify(e.message)}`);
          assert.match(e.message, /duration/);
          return true;
        },
      );
    });
  }

  test('a value containing a line break is rejected with a one-line message', () => {
    assert.throws(
      () => parseDurationMs('30m\nx'),
      (e: unknown) => e instanceof UserError && !/[\r\n]/.test(e.message),
    );
  });

  test('never returns a non-finite number or NaN (property over arbitrary strings)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let ms: number;
        try {
          ms = parseDurationMs(text);
        } catch (e) {
          assert.ok(e instanceof UserError, `only UserError for ${JSON.stringify(text)}`);
          return;
        }
        assert.ok(Number.isInteger(ms) && ms >= 0, `${JSON.stringify(text)} → ${ms}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatDurationMs', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [1, '0.001s'],
    [999, '0.999s'],
    [1000, '1s'],
    [59_999, '59.999s'],
    [60_000, '1m'],
    [90_500, '1m30.5s'],
    [1_800_000, '30m'],
    [3_600_000, '1h'],
    [3_615_000, '1h15s'],
    [5_400_000, '1h30m'],
    [86_400_000, '24h'],
    [90_061_001, '25h1m1.001s'],
  ];
  for (const [ms, text] of cases) {
    test(`${ms} ms → ${text}`, () => {
      assert.equal(formatDurationMs(ms), text);
    });
  }

  test('parse(format(ms)) = ms for whole milliseconds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 * 86_400_000 }), (ms) => {
        const text = formatDurationMs(ms);
        assert.match(text, /^(\d+h)?(\d+m)?(\d+(\.\d{1,3})?s)?$/);
        assert.equal(parseDurationMs(text), ms, text);
      }),
      { numRuns: 5000 },
    );
  });

  test('the spelling is the shortest: no zero parts, no leading zeros (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 * 86_400_000 }), (ms) => {
        const text = formatDurationMs(ms);
        assert.doesNotMatch(text, /(^|[hms])0+[hms]/, `zero part in ${text}`);
        assert.doesNotMatch(text, /(^|[hms])0\d/, `leading zero in ${text}`);
        assert.doesNotMatch(text, /\.\d*0s/, `trailing zero in ${text}`);
      }),
      { numRuns: 2000 },
    );
  });
});
