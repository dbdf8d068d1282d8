import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ZoneCalendar, assertTimeZone } from '../../core/time/zone-calendar.ts';
import { dayToIsoDate, isoDateToDay, MS_PER_DAY } from '../../core/time/calendar-day.ts';
import { UserError } from '../../core/util/user-error.ts';

// ---------------------------------------------------------------------------------------------
// Independent oracle: the runtime's own Intl time-zone data, read one instant at a time.
// ZoneCalendar must agree with it while calling Intl far less often.
// ---------------------------------------------------------------------------------------------

const HOUR = 3_600_000;
const MINUTE = 60_000;

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The local date of `t` in `zone`, `YYYY-MM-DD`, straight from Intl. */
function intlDate(zone: string, t: number): string {
  let f = dateFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(zone, f);
  }
  return f.format(t);
}

/** The UTC offset of `zone` at `t`, in ms, from Intl's wall-clock fields (not from an offset string). */
function intlOffset(zone: string, t: number): number {
  let f = partsFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormats.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(t)) p[part.type] = part.value;
  let year = Number(p.year);
  if (p.era === 'BC' || p.era === 'B') year = 1 - year;
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  wall.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  const wholeSecond = t - (((t % 1000) + 1000) % 1000);
  return wall.getTime() - wholeSecond;
}

/** Offset changes of `zone` in [from, to), found by daily sampling of Intl and bisection to the ms. */
function intlTransitions(zone: string, from: number, to: number): number[] {
  const found: number[] = [];
  let prevT = from;
  let prev = intlOffset(zone, from);
  for (let t = from + MS_PER_DAY; t < to; t += MS_PER_DAY) {
    const cur = intlOffset(zone, t);
    if (cur !== prev) {
      let lo = prevT;
      let hi = t;
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (intlOffset(zone, mid) === prev) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
    prev = cur;
    prevT = t;
  }
  return found;
}

/** Deterministic PRNG (mulberry32) so that failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = [
  'America/New_York',
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kathmandu', // +5:45
  'Europe/London',
  'Pacific/Apia', // skipped 2011-12-30 entirely, DST 2010–2021
  'America/Santiago', // DST changes at local midnight
  'UTC',
] as const;

const FROM_1990 = Date.UTC(1990, 0, 1);
const TO_2041 = Date.UTC(2041, 0, 1);
const iso = (s: string): number => {
  const t = Date.parse(s);
  assert.ok(Number.isFinite(t), `bad test instant ${s}`);
  return t;
};

function assertLocalDayMatchesIntl(cal: ZoneCalendar, t: number): void {
  assert.equal(
    dayToIsoDate(cal.localDay(t)),
    intlDate(cal.zone, t),
    `${cal.zone}: local date of ${new Date(t).toISOString()} (${t})`,
  );
}

// ---------------------------------------------------------------------------------------------

describe('ZoneCalendar.localDay agrees with Intl', () => {
  for (const zone of ZONES) {
    test(`${zone}: 4000 random instants 1990–2040, in random order`, () => {
      const cal = new ZoneCalendar(zone);
      const next = rng(0x5e55 + zone.length * 7919);
      for (let i = 0; i < 4000; i++) {
        const t = FROM_1990 + Math.floor(next() * (TO_2041 - FROM_1990));
        assertLocalDayMatchesIntl(cal, t);
      }
    });

    test(`${zone}: 4000 random instants 1990–2040, in ascending order`, () => {
      const cal = new ZoneCalendar(zone);
      const next = rng(0xc0ffee + zone.length);
      const ts = Array.from({ length: 4000 }, () => FROM_1990 + Math.floor(next() * (TO_2041 - FROM_1990)));
      ts.sort((a, b) => a - b);
      for (const t of ts) assertLocalDayMatchesIntl(cal, t);
    });

    test(`${zone}: offsetAt equals Intl's offset for random instants`, () => {
      const cal = new ZoneCalendar(zone);
      const next = rng(0xabc + zone.length * 31);
      for (let i = 0; i < 1500; i++) {
        const t = FROM_1990 + Math.floor(next() * (TO_2041 - FROM_1990));
        assert.equal(cal.offsetAt(t), intlOffset(zone, t), `${zone} offset at ${new Date(t).toISOString()}`);
      }
    });
  }
});

describe('offset transitions, to the millisecond', () => {
  for (const zone of ZONES) {
    test(`${zone}: every transition 1990–2040 (±1 ms) matches Intl`, () => {
      const transitions = intlTransitions(zone, FROM_1990, TO_2041);
      if (zone === 'UTC' || zone === 'Asia/Kathmandu') assert.equal(transitions.length, 0);
      else assert.ok(transitions.length > 0, `${zone} should have transitions`);
      // A fresh calendar per zone, asked only about transitions (newest first, to force
      // backward coverage extension as well).
      const cal = new ZoneCalendar(zone);
      for (const T of [...transitions].reverse()) {
        for (const t of [T - 1, T, T + 1]) {
          assert.equal(cal.offsetAt(t), intlOffset(zone, t), `${zone} offset at ${new Date(t).toISOString()}`);
          assertLocalDayMatchesIntl(cal, t);
        }
        assert.notEqual(cal.offsetAt(T - 1), cal.offsetAt(T), `${zone} offset changes at ${new Date(T).toISOString()}`);
      }
    });
  }

  // Known instants from the tz rules, independent of any runtime code.
  const known: Array<{ zone: string; at: string; before: number; after: number }> = [
    { zone: 'America/New_York', at: '2024-03-10T07:00:00Z', before: -5 * HOUR, after: -4 * HOUR },
    { zone: 'America/New_York', at: '2024-11-03T06:00:00Z', before: -4 * HOUR, after: -5 * HOUR },
    { zone: 'America/New_York', at: '1990-04-01T07:00:00Z', before: -5 * HOUR, after: -4 * HOUR },
    { zone: 'America/New_York', at: '2040-11-04T06:00:00Z', before: -4 * HOUR, after: -5 * HOUR },
    { zone: 'Europe/London', at: '2024-03-31T01:00:00Z', before: 0, after: HOUR },
    { zone: 'Europe/London', at: '2024-10-27T01:00:00Z', before: HOUR, after: 0 },
    { zone: 'Australia/Lord_Howe', at: '2024-04-06T15:00:00Z', before: 11 * HOUR, after: 10.5 * HOUR },
    { zone: 'Australia/Lord_Howe', at: '2024-10-05T15:30:00Z', before: 10.5 * HOUR, after: 11 * HOUR },
    { zone: 'America/Santiago', at: '2024-04-07T03:00:00Z', before: -3 * HOUR, after: -4 * HOUR },
    { zone: 'America/Santiago', at: '2024-09-08T04:00:00Z', before: -4 * HOUR, after: -3 * HOUR },
    { zone: 'Pacific/Apia', at: '2011-12-30T10:00:00Z', before: -10 * HOUR, after: 14 * HOUR },
  ];
  for (const k of known) {
    test(`${k.zone} changes offset at ${k.at}`, () => {
      const T = iso(k.at);
      const cal = new ZoneCalendar(k.zone);
      assert.equal(cal.offsetAt(T - 1), k.before);
      assert.equal(cal.offsetAt(T), k.after);
      assert.equal(cal.offsetAt(T + 1), k.after);
      for (const t of [T - 1, T, T + 1]) assertLocalDayMatchesIntl(cal, t);
    });
  }

  test('Pacific/Apia: 2011-12-30 never happens locally', () => {
    const cal = new ZoneCalendar('Pacific/Apia');
    const T = iso('2011-12-30T10:00:00Z');
    assert.equal(dayToIsoDate(cal.localDay(T - 1)), '2011-12-29');
    assert.equal(dayToIsoDate(cal.localDay(T)), '2011-12-31');
  });

  test('Asia/Kathmandu is +5:45 throughout 1990–2040', () => {
    const cal = new ZoneCalendar('Asia/Kathmandu');
    for (let y = 1990; y <= 2040; y++) {
      assert.equal(cal.offsetAt(Date.UTC(y, 0, 1)), 5 * HOUR + 45 * MINUTE);
      assert.equal(cal.offsetAt(Date.UTC(y, 6, 1)), 5 * HOUR + 45 * MINUTE);
    }
    // Local midnight of 2024-06-01 is 2024-05-31T18:15Z.
    const midnight = iso('2024-05-31T18:15:00Z');
    assert.equal(dayToIsoDate(cal.localDay(midnight - 1)), '2024-05-31');
    assert.equal(dayToIsoDate(cal.localDay(midnight)), '2024-06-01');
    assert.equal(cal.dayStart(isoDateToDay('2024-06-01')), midnight);
  });
});

describe('local midnight boundaries (dayStart)', () => {
  for (const zone of ZONES) {
    test(`${zone}: dayStart of every local date 1990–2040 is the first instant of that date (±1 ms)`, () => {
      const cal = new ZoneCalendar(zone);
      const first = isoDateToDay('1990-01-01');
      const last = isoDateToDay('2040-12-31');
      for (let d = first; d <= last; d++) {
        const date = dayToIsoDate(d);
        const start = cal.dayStart(d);
        assert.ok(Number.isInteger(start), `${zone} ${date}: integer ms`);
        const at = intlDate(zone, start);
        const before = intlDate(zone, start - 1);
        // First instant whose local date is >= d (a skipped date yields the next date's start).
        assert.ok(at >= date && before < date, `${zone} ${date}: dayStart=${new Date(start).toISOString()} is local ${at}, 1 ms before is ${before}`);
        if (!(zone === 'Pacific/Apia' && date === '2011-12-30')) {
          assert.equal(at, date, `${zone} ${date} exists locally`);
          assert.equal(cal.localDay(start), d);
          assert.equal(cal.localDay(start - 1), isoDateToDay(before));
        }
      }
    });
  }

  test('America/New_York: midnight ± 1 ms, summer and winter', () => {
    const cal = new ZoneCalendar('America/New_York');
    for (const [date, utc] of [
      ['2024-06-01', '2024-06-01T04:00:00Z'],
      ['2024-01-15', '2024-01-15T05:00:00Z'],
      ['2024-03-10', '2024-03-10T05:00:00Z'],
      ['2024-03-11', '2024-03-11T04:00:00Z'],
      ['2024-11-03', '2024-11-03T04:00:00Z'],
      ['2024-11-04', '2024-11-04T05:00:00Z'],
    ] as const) {
      const m = iso(utc);
      assert.equal(cal.dayStart(isoDateToDay(date)), m, date);
      assert.equal(dayToIsoDate(cal.localDay(m)), date);
      assert.equal(cal.localDay(m - 1), isoDateToDay(date) - 1);
      assert.equal(cal.localDay(m + 1), isoDateToDay(date));
    }
  });

  test('America/Santiago: a spring-forward day with no local midnight starts at 01:00 local', () => {
    const cal = new ZoneCalendar('America/Santiago');
    // 2024-09-08 00:00 -04 does not exist; the day begins at 01:00 -03 = 04:00Z.
    assert.equal(cal.dayStart(isoDateToDay('2024-09-08')), iso('2024-09-08T04:00:00Z'));
    // Fall back at local midnight: 2024-04-07 starts at 00:00 -04 = 04:00Z (23:00–24:00 on the 6th repeats).
    assert.equal(cal.dayStart(isoDateToDay('2024-04-07')), iso('2024-04-07T04:00:00Z'));
  });

  test('UTC: dayStart(d) = d × 86 400 000, including before 1970', () => {
    const cal = new ZoneCalendar('UTC');
    for (const d of [-25_000, -1, 0, 1, 19_000, 25_000]) {
      assert.equal(cal.dayStart(d), d * MS_PER_DAY);
      assert.equal(cal.localDay(d * MS_PER_DAY), d);
      assert.equal(cal.localDay(d * MS_PER_DAY - 1), d - 1);
    }
  });
});

describe('day lengths (23 h / 25 h DST days)', () => {
  const length = (cal: ZoneCalendar, date: string): number => {
    const d = isoDateToDay(date);
    return cal.dayStart(d + 1) - cal.dayStart(d);
  };
  const cases: Array<[string, string, number]> = [
    ['America/New_York', '2024-03-10', 23 * HOUR],
    ['America/New_York', '2024-03-11', 24 * HOUR],
    ['America/New_York', '2024-11-03', 25 * HOUR],
    ['America/New_York', '2024-11-02', 24 * HOUR],
    ['Europe/London', '2024-03-31', 23 * HOUR],
    ['Europe/London', '2024-10-27', 25 * HOUR],
    ['Australia/Lord_Howe', '2024-04-07', 24.5 * HOUR],
    ['Australia/Lord_Howe', '2024-10-06', 23.5 * HOUR],
    ['America/Santiago', '2024-04-06', 25 * HOUR],
    ['America/Santiago', '2024-09-08', 23 * HOUR],
    ['Pacific/Apia', '2011-12-29', 24 * HOUR],
    ['Pacific/Apia', '2011-12-30', 0],
    ['Pacific/Apia', '2011-12-31', 24 * HOUR],
    ['Asia/Kathmandu', '2024-03-10', 24 * HOUR],
    ['UTC', '2024-03-31', 24 * HOUR],
  ];
  for (const [zone, date, ms] of cases) {
    test(`${zone} ${date} lasts ${ms / HOUR} h`, () => {
      assert.equal(length(new ZoneCalendar(zone), date), ms);
    });
  }

  const allowed: Record<string, number[]> = {
    'America/New_York': [23, 24, 25],
    'Europe/London': [23, 24, 25],
    'America/Santiago': [23, 24, 25],
    'Australia/Lord_Howe': [23.5, 24, 24.5],
    'Asia/Kathmandu': [24],
    UTC: [24],
  };
  for (const [zone, hours] of Object.entries(allowed)) {
    test(`${zone}: every day 1990–2040 lasts ${hours.join(' / ')} h, and the DST days match Intl's transitions`, () => {
      const cal = new ZoneCalendar(zone);
      const first = isoDateToDay('1990-01-01');
      const last = isoDateToDay('2040-12-31');
      let odd = 0;
      for (let d = first; d <= last; d++) {
        const len = cal.dayStart(d + 1) - cal.dayStart(d);
        assert.ok(hours.includes(len / HOUR), `${zone} ${dayToIsoDate(d)} lasts ${len / HOUR} h`);
        if (len !== 24 * HOUR) odd++;
      }
      // One non-24-hour day per offset change (none of these zones changes twice in a day).
      assert.equal(odd, intlTransitions(zone, Date.UTC(1989, 11, 31), Date.UTC(2041, 0, 2)).length);
    });
  }
});

describe('coverage grows backward and forward for instants asked out of order', () => {
  const sequence = [
    '2040-07-01T12:00:00Z',
    '1990-01-15T03:00:00Z',
    '2015-06-15T23:59:59.999Z',
    '2040-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '1950-06-01T12:00:00Z',
    '2099-12-31T12:00:00Z',
    '1905-03-01T00:00:00Z',
    '2024-03-10T07:00:00Z',
    '2024-03-10T06:59:59.999Z',
  ];
  for (const zone of [...ZONES, 'Etc/UTC', 'Etc/GMT+5', 'Asia/Kolkata', 'America/Sao_Paulo']) {
    test(`${zone}: jumps across decades agree with Intl`, () => {
      const cal = new ZoneCalendar(zone);
      for (const s of sequence) {
        const t = iso(s);
        assert.equal(cal.offsetAt(t), intlOffset(zone, t), `${zone} offset at ${s}`);
        assertLocalDayMatchesIntl(cal, t);
      }
      // Asking again (now from the middle of the covered range) gives the same answers.
      for (const s of [...sequence].reverse()) assertLocalDayMatchesIntl(cal, iso(s));
    });
  }

  test('the order of questions never changes the answers (property, 1950–2070)', () => {
    const zone = fc.constantFrom(...ZONES, 'America/Sao_Paulo', 'Asia/Tehran');
    const instant = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2070, 0, 1) });
    fc.assert(
      fc.property(zone, fc.array(instant, { minLength: 1, maxLength: 40 }), (z, ts) => {
        const cal = new ZoneCalendar(z);
        for (const t of ts) {
          assert.equal(cal.offsetAt(t), intlOffset(z, t), `${z} offset at ${new Date(t).toISOString()}`);
          assertLocalDayMatchesIntl(cal, t);
        }
      }),
      { numRuns: 25, seed: 20250301 },
    );
  });

  test('two calendars of one zone, fed opposite orders, agree everywhere', () => {
    const next = rng(77);
    const ts = Array.from({ length: 3000 }, () => Date.UTC(1960, 0, 1) + Math.floor(next() * 120 * 366 * MS_PER_DAY));
    const a = new ZoneCalendar('America/New_York');
    const b = new ZoneCalendar('America/New_York');
    const fromA = ts.map((t) => a.localDay(t));
    const fromB = [...ts].reverse().map((t) => b.localDay(t)).reverse();
    assert.deepEqual(fromA, fromB);
  });
});

describe('negative sub-hour offsets', () => {
  // Africa/Monrovia was UTC-0:44:30 until 1972-01-07; Europe/Dublin was UTC-0:25:21 until 1916.
  test('Africa/Monrovia 1971 (UTC-00:44:30): offset and local date', () => {
    const cal = new ZoneCalendar('Africa/Monrovia');
    const t = iso('1971-06-01T23:30:00Z'); // 22:45:30 local on 1971-06-01
    assert.equal(intlOffset('Africa/Monrovia', t), -(44 * MINUTE + 30_000));
    assert.equal(cal.offsetAt(t), -(44 * MINUTE + 30_000));
    assert.equal(dayToIsoDate(cal.localDay(t)), '1971-06-01');
  });

  test('Europe/Dublin 1910 (UTC-00:25:21): offset and local date', () => {
    const cal = new ZoneCalendar('Europe/Dublin');
    const t = iso('1910-06-01T23:50:00Z'); // 23:24:39 local on 1910-06-01
    assert.equal(intlOffset('Europe/Dublin', t), -(25 * MINUTE + 21_000));
    assert.equal(cal.offsetAt(t), -(25 * MINUTE + 21_000));
    assert.equal(dayToIsoDate(cal.localDay(t)), '1910-06-01');
  });
});

describe('assertTimeZone and the constructor', () => {
  test('accepts IANA zones', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT-14', 'America/Port-au-Prince', ...ZONES]) {
      assert.doesNotThrow(() => assertTimeZone(zone), zone);
      assert.equal(new ZoneCalendar(zone).zone, zone);
    }
  });

  for (const zone of ['Mars/Olympus_Mons', 'Europe/Berlinn', '', 'not a zone', 'Europe/../UTC', 'UTC; DROP TABLE x']) {
    test(`rejects ${JSON.stringify(zone)} with a one-line UserError`, () => {
      for (const act of [() => assertTimeZone(zone), () => new ZoneCalendar(zone)]) {
        assert.throws(act, (e: unknown) => {
          assert.ok(e instanceof UserError, 'a UserError');
          assert.equal(e.name, 'UserError');
          assert.ok(e.message.length > 0);
          assert.ok(!/[\r\n]/.test(e.message), `one line: ${JSON.stringify(e.message)}`);
          assert.ok(e.message.includes(zone), 'names the zone');
          return true;
        });
      }
    });
  }

  test('a zone name containing a line break still gives a one-line message', () => {
    for (const zone of ['Europe/Berlin\nx', 'UTC\r\n']) {
      assert.throws(
        () => assertTimeZone(zone),
        (e: unknown) => e instanceof UserError && !/[\r\n]/.test(e.message),
        `message for ${JSON.stringify(zone)} must be one line`,
      );
    }
  });
});

describe('calendar-day', () => {
  test('dayToIsoDate / isoDateToDay known values', () => {
    assert.equal(isoDateToDay('1970-01-01'), 0);
    assert.equal(isoDateToDay('1969-12-31'), -1);
    assert.equal(isoDateToDay('2024-02-29'), 19_782);
    assert.equal(dayToIsoDate(0), '1970-01-01');
    assert.equal(dayToIsoDate(-1), '1969-12-31');
    assert.equal(dayToIsoDate(19_782), '2024-02-29');
    assert.equal(isoDateToDay(' 2025-03-01 '), isoDateToDay('2025-03-01'));
  });

  test('round trip over 1900–2100', () => {
    for (let d = isoDateToDay('1900-01-01'); d <= isoDateToDay('2100-12-31'); d++) {
      const s = dayToIsoDate(d);
      assert.match(s, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(isoDateToDay(s), d);
    }
  });

  for (const bad of ['2025-02-30', '2023-02-29', '2100-02-29', '2025-13-01', '2025-00-10', '2025-01-00', '2025-1-1', '20250101', '', 'yesterday', '2025-01-01T00:00']) {
    test(`isoDateToDay rejects ${JSON.stringify(bad)} with a one-line UserError`, () => {
      assert.throws(
        () => isoDateToDay(bad),
        (e: unknown) => e instanceof UserError && !/[\r\n]/.test(e.message),
      );
    });
  }
});
