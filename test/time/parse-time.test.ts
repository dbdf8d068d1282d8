import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTimeValue } from '../../core/time/parse-time.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // unlike Date.UTC, no 1900 offset for years 0–99
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
};

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

/** `YYYY-MM-DDTHH:MM:SS` of the wall clock `t` (ms) read as UTC. */
const wallClock = (t: number): string => new Date(t).toISOString().slice(0, 19);

/** Instants 1900–2100 at ms precision. */
const modernInstant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) });

describe('ISO 8601 strings', () => {
  test('canonical export form', () => {
    assert.equal(parseTimeValue('2025-03-01T12:34:56.789Z'), Date.UTC(2025, 2, 1, 12, 34, 56, 789));
    assert.equal(parseTimeValue('1970-01-01T00:00:00.000Z'), 0);
    assert.equal(parseTimeValue('1969-12-31T23:59:59.999Z'), -1);
    assert.equal(parseTimeValue('2024-02-29T23:59:59.999Z'), Date.UTC(2024, 1, 29, 23, 59, 59, 999));
  });

  test('toISOString round trip (property, years 1000–9999)', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc(1000, 1, 1), max: utc(9999, 12, 31, 23, 59, 59, 999) }), (t) => {
        assert.equal(parseTimeValue(new Date(t).toISOString()), t);
      }),
      { numRuns: 3000 },
    );
  });

  test('years 0000–0099 are not shifted into the 1900s', () => {
    for (const [text, expected] of [
      ['0050-01-01T00:00:00.000Z', utc(50, 1, 1)],
      ['0050-01-01T00:00:00Z', utc(50, 1, 1)],
      ['0001-06-15 12:00:00', utc(1, 6, 15, 12)],
      ['0099-12-31T23:59:59.999Z', utc(99, 12, 31, 23, 59, 59, 999)],
    ] as const) {
      const got = parseTimeValue(text);
      // Either the right instant or a rejection; a time 1900 years off is silent corruption.
      assert.ok(got === null || got === expected, `${text} → ${got} (${got === null ? '' : new Date(got).toISOString()}), expected ${expected} or null`);
    }
    // Date.parse, an independent reader, agrees with the expectation above.
    assert.equal(Date.parse('0050-01-01T00:00:00.000Z'), utc(50, 1, 1));
  });

  test('space or T between date and time; lowercase t and z', () => {
    const t = Date.UTC(2025, 2, 1, 12, 34, 56, 789);
    assert.equal(parseTimeValue('2025-03-01 12:34:56.789Z'), t);
    assert.equal(parseTimeValue('2025-03-01t12:34:56.789z'), t);
    assert.equal(parseTimeValue('2025-03-01T12:34:56Z'), t - 789);
    assert.equal(parseTimeValue('2025-03-01T12:34Z'), Date.UTC(2025, 2, 1, 12, 34));
  });

  test('no offset means UTC', () => {
    assert.equal(parseTimeValue('2025-03-01T12:34:56'), Date.UTC(2025, 2, 1, 12, 34, 56));
    assert.equal(parseTimeValue('2025-03-01 12:34:56'), Date.UTC(2025, 2, 1, 12, 34, 56));
    assert.equal(parseTimeValue('2025-03-01T12:34:56.5'), Date.UTC(2025, 2, 1, 12, 34, 56, 500));
    assert.equal(parseTimeValue('2025-03-01T12:34'), Date.UTC(2025, 2, 1, 12, 34));
    assert.equal(parseTimeValue('2025-03-01'), Date.UTC(2025, 2, 1));
  });

  test('" UTC" suffix as BigQuery writes it', () => {
    assert.equal(parseTimeValue('2025-03-01 12:34:56 UTC'), Date.UTC(2025, 2, 1, 12, 34, 56));
    assert.equal(parseTimeValue('2025-03-01 12:34:56.123456 UTC'), Date.UTC(2025, 2, 1, 12, 34, 56, 123));
    assert.equal(parseTimeValue('2025-03-01 12:34:56.1 UTC'), Date.UTC(2025, 2, 1, 12, 34, 56, 100));
    assert.equal(parseTimeValue('2025-03-01T12:34:56UTC'), Date.UTC(2025, 2, 1, 12, 34, 56));
  });

  test('offsets +05:30, -0800, +01, ±00:00, with or without a space', () => {
    const base = Date.UTC(2025, 2, 1, 12, 34, 56);
    assert.equal(parseTimeValue('2025-03-01T12:34:56+05:30'), base - (5 * 60 + 30) * 60_000);
    assert.equal(parseTimeValue('2025-03-01T12:34:56+0530'), base - (5 * 60 + 30) * 60_000);
    assert.equal(parseTimeValue('2025-03-01T12:34:56-0800'), base + 8 * 3_600_000);
    assert.equal(parseTimeValue('2025-03-01T12:34:56-08:00'), base + 8 * 3_600_000);
    assert.equal(parseTimeValue('2025-03-01T12:34:56+01'), base - 3_600_000);
    assert.equal(parseTimeValue('2025-03-01T12:34:56-03'), base + 3 * 3_600_000);
    assert.equal(parseTimeValue('2025-03-01T12:34:56+00:00'), base);
    assert.equal(parseTimeValue('2025-03-01T12:34:56-00:00'), base);
    assert.equal(parseTimeValue('2025-03-01T12:34:56.789+05:45'), base + 789 - (5 * 60 + 45) * 60_000);
    assert.equal(parseTimeValue('2025-03-01 12:34:56 +05:30'), base - (5 * 60 + 30) * 60_000);
    // An offset can move the instant to another UTC date.
    assert.equal(parseTimeValue('2025-03-01T00:30:00+01:00'), Date.UTC(2025, 1, 28, 23, 30));
    assert.equal(parseTimeValue('2024-12-31T23:30:00-01:00'), Date.UTC(2025, 0, 1, 0, 30));
  });

  test('every offset spelling of one instant gives that instant (property)', () => {
    const offsetMinutes = fc.integer({ min: -14 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(modernInstant, offsetMinutes, (t, off) => {
        const ms = pad(((t % 1000) + 1000) % 1000, 3);
        const local = `${wallClock(t + off * 60_000)}.${ms}`;
        const sign = off < 0 ? '-' : '+';
        const hh = pad(Math.trunc(Math.abs(off) / 60));
        const mm = pad(Math.abs(off) % 60);
        const spellings = [`${local}${sign}${hh}:${mm}`, `${local}${sign}${hh}${mm}`, `${local.replace('T', ' ')}${sign}${hh}:${mm}`];
        if (off % 60 === 0) spellings.push(`${local}${sign}${hh}`);
        for (const s of spellings) assert.equal(parseTimeValue(s), t, s);
      }),
      { numRuns: 2000 },
    );
  });

  test('every UTC spelling of one instant gives that instant (property)', () => {
    fc.assert(
      fc.property(modernInstant, (t) => {
        const canonical = new Date(t).toISOString();
        const noZ = canonical.slice(0, -1);
        for (const s of [canonical, noZ, `${noZ}+00:00`, `${noZ} UTC`, noZ.replace('T', ' '), `${noZ.replace('T', ' ')} UTC`, ` ${canonical} `]) {
          assert.equal(parseTimeValue(s), t, JSON.stringify(s));
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('sub-millisecond digits are truncated, never rounded (property)', () => {
    fc.assert(
      fc.property(modernInstant, fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 9 }), (t, extra) => {
        const noZ = new Date(t).toISOString().slice(0, -1);
        for (const s of [`${noZ}${extra}Z`, `${noZ}${extra}`, `${noZ.replace('T', ' ')}${extra} UTC`, `${noZ}${extra}+00:00`]) {
          assert.equal(parseTimeValue(s), t, s);
        }
      }),
      { numRuns: 1000 },
    );
    assert.equal(parseTimeValue('2025-03-01T12:34:56.999999Z'), Date.UTC(2025, 2, 1, 12, 34, 56, 999));
    assert.equal(parseTimeValue('2025-03-01T12:34:56.123456789Z'), Date.UTC(2025, 2, 1, 12, 34, 56, 123));
    assert.equal(parseTimeValue('2025-03-01T12:34:56,5Z'), Date.UTC(2025, 2, 1, 12, 34, 56, 500));
  });

  test('leap days', () => {
    assert.equal(parseTimeValue('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
    assert.equal(parseTimeValue('2000-02-29T00:00:00.000Z'), Date.UTC(2000, 1, 29));
    assert.equal(parseTimeValue('2023-02-29T00:00:00Z'), null);
    assert.equal(parseTimeValue('2100-02-29T00:00:00.000Z'), null);
    assert.equal(parseTimeValue('1900-02-29 00:00:00'), null);
  });

  for (const bad of [
    '2025-02-30T00:00:00Z',
    '2025-02-30T00:00:00.000Z',
    '2025-02-30',
    '2025-04-31T12:00:00Z',
    '2025-04-31T12:00:00.000Z',
    '2025-03-01T25:00:00Z',
    '2025-03-01T25:00:00.000Z',
    '2025-03-01 25:00',
    '2025-03-01T24:00:00Z',
    '2025-03-01T12:60:00Z',
    '2025-03-01T12:34:60Z',
    '2025-03-01T12:34:60.000Z',
    '2025-13-01T00:00:00Z',
    '2025-00-10T00:00:00.000Z',
    '2025-01-00T00:00:00Z',
    '2025-3-1',
    '2025-03-01T12:34:56+24:00',
    '2025-03-01T12:34:56+05:60',
    '2025-03-01T12:34:56+5:30',
    '2025-03-01T12:34:56ZZ',
    '2025-03-01T12:34:56.Z',
    '2025-03-01T12Z',
    '2025-03-01X12:34:56Z',
    '2025-03-01T12:34:56 PST',
    '2025-03-0aT12:34:56.789Z',
  ]) {
    test(`invalid date or time ${JSON.stringify(bad)} → null`, () => {
      assert.equal(parseTimeValue(bad), null);
    });
  }
});

describe('epoch numbers', () => {
  test('epoch seconds with a fraction are exact to the millisecond', () => {
    assert.equal(parseTimeValue(1700000000.123), 1700000000123);
    assert.equal(parseTimeValue('1700000000.123'), 1700000000123);
    assert.equal(parseTimeValue(1700000000.001), 1700000000001);
    assert.equal(parseTimeValue(1700000000.999), 1700000000999);
    assert.equal(parseTimeValue(1700000000.5), 1700000000500);
    assert.equal(parseTimeValue(1700000000), 1700000000000);
    assert.equal(parseTimeValue('1700000000'), 1700000000000);
    assert.equal(parseTimeValue(0), 0);
    assert.equal(parseTimeValue('0'), 0);
  });

  test('sub-millisecond digits of epoch seconds are truncated', () => {
    assert.equal(parseTimeValue(1700000000.1239), 1700000000123);
    assert.equal(parseTimeValue('1700000000.123999'), 1700000000123);
    assert.equal(parseTimeValue('1700000000.0009'), 1700000000000);
  });

  test('before 1970: fractions truncate toward the earlier millisecond, as ISO digits do', () => {
    assert.equal(parseTimeValue(-1.5), -1500);
    assert.equal(parseTimeValue('-1.5'), -1500);
    assert.equal(parseTimeValue(-86400), -86_400_000);
    assert.equal(parseTimeValue(-0.0005), parseTimeValue('1969-12-31T23:59:59.9995Z'));
  });

  test('epoch milliseconds (>= 1e11), as numbers and strings', () => {
    assert.equal(parseTimeValue(1700000000123), 1700000000123);
    assert.equal(parseTimeValue('1700000000123'), 1700000000123);
    assert.equal(parseTimeValue(1700000000123.9), 1700000000123);
    assert.equal(parseTimeValue('1700000000123.9'), 1700000000123);
    assert.equal(parseTimeValue(' 1700000000123 '), 1700000000123);
  });

  test('the 1e11 boundary between seconds and milliseconds', () => {
    assert.equal(parseTimeValue(99_999_999_999), 99_999_999_999_000);
    assert.equal(parseTimeValue('99999999999'), 99_999_999_999_000);
    assert.equal(parseTimeValue(1e11), 1e11);
    assert.equal(parseTimeValue('100000000000'), 1e11);
    assert.equal(parseTimeValue(1e11 + 1), 1e11 + 1);
  });

  test('numeric strings: whitespace, sign, exponent', () => {
    assert.equal(parseTimeValue('  1700000000  '), 1700000000000);
    assert.equal(parseTimeValue('+1700000000'), 1700000000000);
    assert.equal(parseTimeValue('1.7e9'), 1_700_000_000_000);
    assert.equal(parseTimeValue('1.7E12'), 1_700_000_000_000);
  });

  test('seconds and milliseconds of the same instant agree (property, 1970–2200)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), (ms) => {
        const seconds = ms / 1000;
        assert.equal(parseTimeValue(seconds), ms, `number ${seconds}`);
        assert.equal(parseTimeValue(String(seconds)), ms, `string ${seconds}`);
        if (ms >= 1e11) {
          assert.equal(parseTimeValue(ms), ms);
          assert.equal(parseTimeValue(String(ms)), ms);
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('results are always integers or null (property over arbitrary input)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.string(), fc.integer(), fc.constantFrom('', ' ', 'Z', 'UTC')), (v) => {
        const r = parseTimeValue(v);
        assert.ok(r === null || Number.isSafeInteger(r), `${String(v)} → ${r}`);
      }),
      { numRuns: 3000 },
    );
  });

  test('instants outside the years 1–9999 are not times', () => {
    // The exports write ISO 8601 with four-digit years; a microsecond epoch read as ms lands far beyond.
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const first = new Date('0001-01-01T00:00:00.000Z').getTime();
    assert.equal(parseTimeValue(last), last);
    assert.equal(parseTimeValue(first), first);
    assert.equal(parseTimeValue('9999-12-31T23:59:59.999Z'), last);
    for (const v of [last + 1, first - 1, 1700000000123456, 8.64e15, 8.64e15 + 1, -8.64e15 - 1, '9e15', '9000000000000000', 9e15]) {
      assert.equal(parseTimeValue(v), null, `${String(v)}`);
    }
  });
});

describe('not a time', () => {
  for (const v of [
    '',
    '   ',
    'abc',
    'now',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1_000',
    '1,700,000,000',
    '１７００００００００',
    '2025-03-01T12:34:56.789Zjunk',
    '12:34:56',
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    {},
    [],
    [1700000000],
    true,
    false,
    1700000000n,
  ]) {
    test(`${typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v)} → null`, () => {
      assert.equal(parseTimeValue(v), null);
    });
  }
});
