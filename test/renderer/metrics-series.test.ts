// The Metrics view's pure parts (renderer/src/metrics/series.ts): the days a per-day chart draws
// (empty days of the range included), how bins, durations, shares and dates read, the axes' ticks,
// and the charts' CSVs (RFC 4180, formulas neutralised as the app's exports do, SPEC §2).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import Papa from 'papaparse';
import type { AppMetrics, MetricsDay } from '../../core/api/contract.ts';
import { neutraliseFormula as exportNeutralise } from '../../core/export/csv-file.ts';
import { parseDurationMs } from '../../core/time/duration.ts';
import {
  binLabel, countTick, countTicks, dayPoints, durationText, durationTick, durationTicks, fileStem, formatValue, longDate, neutraliseFormula,
  rangeText, shareText, shareTick, shareTicks, shortDate, toCsv, type Cell, type ChartTable, type DataColumn,
} from '../../renderer/src/metrics/series.ts';

type Range = Pick<AppMetrics, 'days' | 'from' | 'to'>;

// --- independent oracles (calendar arithmetic, reading labels back) ---

const pad = (n: number) => String(n).padStart(2, '0');

/** A date `n` days after 1970-01-01, by the calendar (Date.UTC normalises day overflow). */
const isoDate = (n: number): string => {
  const d = new Date(Date.UTC(1970, 0, 1 + n));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** The calendar day after a `YYYY-MM-DD` date. */
const nextDay = (date: string): string => {
  const [y, m, d] = date.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
};

/** A duration label (`1h 30m`, `45s`) read as the command line reads DUR, in seconds. */
const readDuration = (label: string): number => parseDurationMs(label.replace(/ /g, '')) / 1000;

/** A count label (`950`, `1,250`, `15k`, `1.5M`) read back as a number. */
const readCount = (label: string): number => {
  const match = /^([\d,]+(?:\.\d+)?)([kM]?)$/.exec(label);
  assert.ok(match !== null, `a count label: ${label}`);
  return Number(match[1].replace(/,/g, '')) * (match[2] === 'k' ? 1e3 : match[2] === 'M' ? 1e6 : 1);
};

/**
 * Numbers spread evenly over the orders of magnitude 10^lo … 10^hi (fc.double alone draws mostly
 * values near 0: it picks among representable doubles, which crowd there).
 */
const logUniform = (lo: number, hi: number) => fc.integer({ min: lo * 10_000, max: hi * 10_000 }).map((k) => 10 ** (k / 10_000));

/** A day of the API with arbitrary figures. */
const apiDay = (start_date: string, seed: number): MetricsDay => ({
  start_date,
  sessions: 1 + (seed % 97),
  users: 1 + (seed % 41),
  avg_session_time_per_user: seed * 1.37,
  avg_first_session_secs: seed % 3 === 0 ? null : seed * 0.91,
  mean_duration_secs: seed * 0.5,
  median_duration_secs: seed % 60,
  p90_duration_secs: seed % 600,
  bounce_share: (seed % 10) / 10,
});

const FIGURES = ['sessions', 'users', 'avg_session_time_per_user', 'avg_first_session_secs', 'median_duration_secs', 'p90_duration_secs', 'bounce_share'] as const;

describe('the days of a per-day chart', () => {
  test('every day of the chosen range, once and in order, days without sessions included with 0 sessions and no durations', () => {
    const days = [apiDay('2024-02-28', 7), apiDay('2024-03-02', 12)];
    const points = dayPoints({ days, from: '2024-02-26', to: '2024-03-03' });
    // 2024 is a leap year: the range crosses 29 February.
    assert.deepEqual(points.map((p) => p.start_date), ['2024-02-26', '2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02', '2024-03-03']);
    for (const day of days) {
      const point = points.find((p) => p.start_date === day.start_date)!;
      for (const field of FIGURES) assert.equal(point[field], day[field], `${day.start_date} ${field} is the API's`);
    }
    for (const point of points.filter((p) => !days.some((d) => d.start_date === p.start_date))) {
      assert.equal(point.sessions, 0);
      assert.equal(point.users, 0);
      for (const field of FIGURES.slice(2)) assert.equal(point[field], null, `${point.start_date} ${field}: no value on a day without sessions`);
    }
  });

  test('property: from..to yields every calendar date exactly once in order; the API’s days keep their figures', () => {
    const range = fc
      .tuple(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 120 }))
      .chain(([start, length]) =>
        fc.record({
          start: fc.constant(start),
          length: fc.constant(length),
          withSessions: fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: length + 1 }).map((ds) => ds.sort((a, b) => a - b)),
          seed: fc.nat(),
        }),
      );
    fc.assert(
      fc.property(range, ({ start, length, withSessions, seed }) => {
        const from = isoDate(start);
        const to = isoDate(start + length);
        const days = withSessions.map((offset, i) => apiDay(isoDate(start + offset), seed + i));
        const points = dayPoints({ days, from, to });
        assert.equal(points.length, length + 1, `${from}..${to}`);
        assert.equal(points[0].start_date, from);
        assert.equal(points.at(-1)!.start_date, to);
        for (let i = 1; i < points.length; i++) assert.equal(points[i].start_date, nextDay(points[i - 1].start_date));
        const byDate = new Map(points.map((p) => [p.start_date, p]));
        assert.equal(byDate.size, points.length, 'no date twice');
        for (const day of days) for (const field of FIGURES) assert.equal(byDate.get(day.start_date)![field], day[field]);
        assert.equal(points.reduce((n, p) => n + p.sessions, 0), days.reduce((n, d) => n + d.sessions, 0), 'sessions add up to the API’s');
      }),
    );
  });

  test('an open end of the range is bounded by the first or last day with sessions', () => {
    const days = [apiDay('2025-03-03', 1), apiDay('2025-03-06', 2)];
    assert.deepEqual(dayPoints({ days, from: null, to: null }).map((p) => p.start_date), ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06']);
    assert.deepEqual(dayPoints({ days, from: '2025-03-01', to: null }).map((p) => p.start_date), ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06']);
    assert.deepEqual(dayPoints({ days, from: null, to: '2025-03-07' }).map((p) => p.start_date), ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
    assert.deepEqual(dayPoints({ days: [], from: null, to: null }), [], 'no sessions and no range: no days');
  });

  test('a chart’s CSV has one row per day of the range, empty days included, with the API’s values', () => {
    const days = [apiDay('2025-03-01', 10), apiDay('2025-03-04', 33), apiDay('2025-03-05', 51)];
    const metrics: Range = { days, from: '2025-02-27', to: '2025-03-06' };
    const columns: DataColumn[] = [
      { key: 'start_date', label: 'Date', kind: 'date' },
      { key: 'sessions', label: 'Sessions', kind: 'count' },
      { key: 'avg_session_time_per_user', label: 'Average session time per user', kind: 'duration' },
    ];
    // As the view builds it: a row per point, a cell per column.
    const table: ChartTable = { columns, rows: dayPoints(metrics).map((p) => Object.fromEntries(columns.map((c) => [c.key, p[c.key as keyof typeof p]]))) };
    const [header, ...rows] = parseStrict(toCsv(table));
    assert.deepEqual(header, ['start_date', 'sessions', 'avg_session_time_per_user']);
    assert.deepEqual(rows.map((r) => r[0]), ['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06']);
    for (const [date, sessions, time] of rows) {
      const day = days.find((d) => d.start_date === date);
      if (day === undefined) assert.deepEqual([sessions, time], ['0', ''], `${date}: no sessions, no average`);
      else assert.deepEqual([Number(sessions), Number(time)], [day.sessions, day.avg_session_time_per_user], `${date}: the API's figures, exactly`);
    }
  });
});

describe('how values read', () => {
  test('histogram bins read as the app’s duration bins are named', () => {
    const edges = [0, 1, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];
    const labels = edges.map((from, i) => binLabel(from, edges[i + 1] ?? null));
    assert.deepEqual(labels, ['0s', '1–10s', '10–30s', '30s–1m', '1–2m', '2–5m', '5–10m', '10–20m', '20–30m', '30m–1h', '1–2h', '2–4h', '4h+']);
  });

  test('property: a bin’s label reads back as its bounds', () => {
    const bin = fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.option(fc.integer({ min: 1, max: 200_000 }))).map(([from, width]) => [from, width === null ? null : from + width] as const);
    fc.assert(
      fc.property(bin, ([from, to]) => {
        const label = binLabel(from, to);
        if (to === null) {
          assert.ok(label.endsWith('+'), label);
          assert.equal(readDuration(label.slice(0, -1)), from, label);
        } else if (to === from + 1) {
          assert.equal(readDuration(label), from, `a one-second bin is named by its value: ${label}`);
        } else {
          const [a, b] = label.split('–');
          assert.ok(b !== undefined, `a range: ${label}`);
          // `1–2m`: a bare start takes the unit of the end.
          const start = /^\d+$/.test(a) ? `${a}${b.slice(-1)}` : a;
          assert.deepEqual([readDuration(start), readDuration(b)], [from, to], label);
        }
      }),
    );
  });

  test('average durations are rounded to the nearest second, carrying into minutes and hours', () => {
    assert.equal(durationText(835.6), '13m 56s');
    assert.equal(durationText(835.4), '13m 55s');
    assert.equal(durationText(59.6), '1m');
    assert.equal(durationText(3599.5), '1h');
    assert.equal(durationText(0.2), '0s');
    for (const missing of [null, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(durationText(missing), '—');
    // Averages to the millisecond, a day and more; halves included.
    const secs = fc.oneof(fc.integer({ min: 0, max: 200_000_000 }).map((ms) => ms / 1000), fc.integer({ min: 0, max: 200_000 }).map((n) => n + 0.5));
    fc.assert(fc.property(secs, (s) => assert.equal(readDuration(durationText(s)), Math.round(s))));
  });

  test('shares read as percentages with one decimal', () => {
    assert.equal(shareText(0.106), '10.6%');
    assert.equal(shareText(0), '0.0%');
    assert.equal(shareText(1), '100.0%');
    assert.equal(shareText(null), '—');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000), (share) => {
        const text = shareText(share);
        assert.match(text, /^\d{1,3}\.\d%$/);
        assert.ok(Math.abs(Number.parseFloat(text) - share * 100) <= 0.05 + 1e-9, `${share} reads ${text}`);
      }),
    );
  });

  test('dates read as the calendar names them', () => {
    assert.equal(shortDate('2025-03-05'), 'Mar 5');
    assert.equal(longDate('2025-03-05'), 'Wed, Mar 5, 2025');
    assert.equal(longDate('2024-02-29'), 'Thu, Feb 29, 2024');
    assert.equal(shortDate('not a date'), 'not a date');
    assert.equal(longDate(''), '');
    const short = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });
    const long = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
    // Whatever the machine's zone: a date is a calendar day, not an instant.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (n) => {
        const date = isoDate(n);
        const instant = new Date(`${date}T00:00:00Z`);
        assert.equal(shortDate(date), short.format(instant));
        assert.equal(longDate(date), long.format(instant));
      }),
    );
  });

  test('a range reads with its year once, or twice when it spans two years', () => {
    assert.equal(rangeText('2025-03-01', '2025-03-14'), 'Mar 1 – Mar 14, 2025');
    assert.equal(rangeText('2024-12-20', '2025-01-03'), 'Dec 20, 2024 – Jan 3, 2025');
    assert.equal(rangeText('2025-03-05', '2025-03-05'), 'Mar 5, 2025');
  });

  test('table and tooltip values: grouped counts, durations, shares; a missing value is a dash, a missing attribute “(not set)”', () => {
    assert.equal(formatValue('count', 1234567), '1,234,567');
    assert.equal(formatValue('duration', 835.6), '13m 56s');
    assert.equal(formatValue('share', 0.25), '25.0%');
    assert.equal(formatValue('date', '2025-03-05'), '2025-03-05');
    assert.equal(formatValue('text', 'iPhone'), 'iPhone');
    assert.equal(formatValue('text', null), '(not set)');
    for (const kind of ['date', 'count', 'duration', 'share'] as const) assert.equal(formatValue(kind, null), '—', kind);
    // A text cell where a number was expected is shown as it is, not as NaN.
    assert.equal(formatValue('count', 'n/a'), 'n/a');
  });
});

describe('axis ticks', () => {
  /** Evenly spaced from 0, increasing, covering the maximum without an empty step above it, at most `most` steps. */
  function assertAxis(ticks: number[], top: number, most: number, what: string): number {
    assert.ok(ticks.length >= 2, `${what}: at least two ticks: ${ticks}`);
    assert.ok(ticks.length <= most + 1, `${what}: at most ${most} steps: ${ticks}`);
    assert.equal(ticks[0], 0, `${what}: starts at 0`);
    const step = ticks[1];
    ticks.forEach((t, i) => assert.ok(Math.abs(t - i * step) <= 1e-9 * Math.max(1, t), `${what}: evenly spaced: ${ticks}`));
    assert.ok(ticks.at(-1)! >= top - 1e-9, `${what}: covers ${top}: ${ticks}`);
    assert.ok(ticks.at(-2)! < top, `${what}: no empty step above ${top}: ${ticks}`);
    return step;
  }

  const niceDurationStep = (s: number): boolean =>
    s < 60
      ? [1, 2, 5, 10, 15, 30].includes(s)
      : s < 3600
        ? s % 60 === 0 && [1, 2, 5, 10, 15, 30].includes(s / 60)
        : s < 86_400
          ? s % 3600 === 0 && [1, 2, 3, 6, 12].includes(s / 3600)
          : s % 86_400 === 0;

  test('durations: round steps of seconds, minutes, hours or days, covering any maximum; each tick reads as its value', () => {
    // Maxima of every order of magnitude, 0.1 s to about 120 days, whole or not.
    const max = fc.oneof(logUniform(-1, 7), logUniform(0, 7).map(Math.round), fc.constant(0));
    fc.assert(
      fc.property(max, fc.integer({ min: 2, max: 10 }), (secs, most) => {
        const ticks = durationTicks(secs, most);
        const step = assertAxis(ticks, Math.max(secs, 1), most, `durationTicks(${secs}, ${most})`);
        assert.ok(niceDurationStep(step), `a round step: ${step} s`);
        for (const t of ticks.slice(1)) assert.equal(readDuration(durationTick(t)), t, `tick ${t} reads ${durationTick(t)}`);
      }),
      { numRuns: 2000 },
    );
    assert.equal(durationTick(0), '0');
    assert.deepEqual(durationTicks(20 * 60).map(durationTick), ['0', '5m', '10m', '15m', '20m']);
  });

  test('shares: whole percentages on round steps, from 0 to at most 100%', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000), logUniform(-4, 0)), fc.integer({ min: 2, max: 10 }), (share, most) => {
        const ticks = shareTicks(share, most);
        const step = assertAxis(ticks, Math.max(share, 0.01), most, `shareTicks(${share}, ${most})`);
        assert.ok([1, 2, 5, 10, 20, 25, 50, 100].some((p) => Math.abs(step * 100 - p) < 1e-9), `a round step: ${step}`);
        assert.ok(ticks.at(-1)! <= 1, `never above 100%: ${ticks}`);
        for (const t of ticks) assert.ok(Math.abs(Number.parseFloat(shareTick(t)) / 100 - t) < 1e-9, `tick ${t} reads ${shareTick(t)}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('counts: whole numbers on steps of 1, 2, 2.5 or 5 times a power of ten, covering any maximum', () => {
    const max = fc.oneof(fc.integer({ min: 0, max: 2_000 }), logUniform(-1, 10), logUniform(0, 10).map(Math.round));
    fc.assert(
      fc.property(max, fc.integer({ min: 2, max: 10 }), (n, most) => {
        const ticks = countTicks(n, most);
        const step = assertAxis(ticks, Math.max(n, 1), most, `countTicks(${n}, ${most})`);
        for (const t of ticks) assert.ok(Number.isInteger(t), `whole numbers: ${ticks}`);
        let mantissa = step;
        while (mantissa >= 10) mantissa /= 10;
        assert.ok([1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `a round step: ${step}`);
      }),
      { numRuns: 2000 },
    );
    assert.equal(countTick(950), '950');
    assert.equal(countTick(1250), '1,250');
    assert.equal(countTick(15_000), '15k');
    assert.equal(countTick(1_500_000), '1.5M');
  });

  test(
    'count tick labels read as the tick’s value',
    () => {
      // Maxima of every size, 1 to 9.9 times a power of ten: the ticks a chart of them would show.
      for (let e = 0; e <= 9; e++) {
        for (const m of [1, 1.1, 1.2, 1.25, 1.5, 2, 2.4, 2.5, 3, 4, 5, 6, 7.5, 9.9]) {
          const max = m * 10 ** e;
          for (const t of countTicks(max)) assert.equal(readCount(countTick(t)), t, `countTicks(${max}): tick ${t} reads ${countTick(t)}`);
        }
      }
    },
  );

  test('a maximum that is not a finite number still gives a short axis (a chart never hangs on bad data)', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.deepEqual(countTicks(bad), [0, 1]);
      assert.deepEqual(shareTicks(bad), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    }
  });
});

describe('the charts’ CSVs', () => {
  const RISKY = ['=', '+', '-', '@', '\t', '\r'];

  test('a text cell starting with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers (SPEC §2)', () => {
    assert.equal(neutraliseFormula('=HYPERLINK("http://x","y")'), `'=HYPERLINK("http://x","y")`);
    assert.equal(neutraliseFormula('+1 555'), `'+1 555`);
    assert.equal(neutraliseFormula('@SUM(A1)'), `'@SUM(A1)`);
    assert.equal(neutraliseFormula('-cmd|calc'), `'-cmd|calc`);
    assert.equal(neutraliseFormula('\t=1'), `'\t=1`);
    assert.equal(neutraliseFormula('\r=1'), `'\r=1`);
    for (const number of ['-3', '+1.5', '-0.25e3', '-.5']) assert.equal(neutraliseFormula(number), number);
    for (const plain of ['', 'iPhone', 'a=b', ' =1', "'=1"]) assert.equal(neutraliseFormula(plain), plain);
  });

  test('property: the charts neutralise exactly as the app’s CSV exports do', () => {
    const text = fc.oneof(fc.string({ unit: fc.constantFrom(...RISKY, '1', '.', 'e', 'E', 'x', ' ', "'") }), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(text, (t) => assert.equal(neutraliseFormula(t), exportNeutralise(t))));
  });

  test('property: a chart’s CSV round-trips through a real CSV parser, with formulas neutralised', () => {
    const risky = fc.string({ unit: fc.constantFrom(...RISKY, '"', ',', '\n', '\r\n', 'a', '1', '.', ' ', 'é', '😀', "'") });
    const text = fc.oneof(risky, fc.string({ unit: 'binary' }));
    const cell: fc.Arbitrary<Cell> = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(null));
    const table = fc.uniqueArray(text.filter((key) => key !== ''), { minLength: 1, maxLength: 5 }).chain((keys) =>
      fc.record({
        columns: fc.constant(keys.map((key): DataColumn => ({ key, label: key, kind: 'text' }))),
        rows: fc.array(fc.tuple(...keys.map(() => cell)).map((cells) => Object.fromEntries(keys.map((k, i) => [k, cells[i]]))), { maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(table, ({ columns, rows }) => {
        const parsed = parseStrict(toCsv({ columns, rows }));
        assert.equal(parsed.length, rows.length + 1, 'a header, then one line per row');
        expectCells(parsed[0], columns.map((c) => c.key));
        rows.forEach((row, i) => expectCells(parsed[i + 1], columns.map((c) => row[c.key])));
      }),
    );
  });

  test('a row without a column’s key writes an empty field', () => {
    const columns: DataColumn[] = [{ key: 'value', label: 'Value', kind: 'text' }, { key: 'sessions', label: 'Sessions', kind: 'count' }];
    assert.deepEqual(parseStrict(toCsv({ columns, rows: [{ sessions: 4 }] })), [['value', 'sessions'], ['', '4']]);
  });

  /** What a spreadsheet would read from a parsed line: each text as written (but for the apostrophe), numbers exact, null empty. */
  function expectCells(parsed: string[], cells: Cell[]): void {
    assert.equal(parsed.length, cells.length, 'one field per column');
    cells.forEach((cell, i) => {
      const field = parsed[i];
      if (cell === null) assert.equal(field, '');
      // `===`, not Object.is: -0 written as 0 is the same number to a spreadsheet.
      else if (typeof cell === 'number') assert.ok(Number(field) === cell, `number ${cell} written as ${field}`);
      else {
        if (RISKY.includes(field.charAt(0))) assert.ok(Number.isFinite(Number(field)), `only numbers may start with a formula character: ${JSON.stringify(field)}`);
        const shown = RISKY.includes(cell.charAt(0)) && field.startsWith("'") ? field.slice(1) : field;
        assert.equal(shown, cell, `text ${JSON.stringify(cell)} written as ${JSON.stringify(field)}`);
      }
    });
  }
});

describe('file names', () => {
  test('a chart’s title and the range, as a safe file stem', () => {
    assert.equal(fileStem('Sessions per day', '2025-03-01', '2025-03-14'), 'sessions-per-day_2025-03-01_2025-03-14');
    assert.equal(fileStem('Median and p90 session duration per day', '2025-03-01', '2025-03-14'), 'median-and-p90-session-duration-per-day_2025-03-01_2025-03-14');
    assert.equal(fileStem('Breakdown by device', null, null), 'breakdown-by-device');
    assert.equal(fileStem('  Bounce share (per day)! ', '2025-03-01', null), 'bounce-share-per-day_2025-03-01');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((t) => /[a-z0-9]/i.test(t)), fc.integer({ min: 0, max: 60_000 }), (title, n) => {
        const stem = fileStem(title, isoDate(n), isoDate(n + 3));
        assert.match(stem, /^[a-z0-9]+(?:-[a-z0-9]+)*_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}$/, `${JSON.stringify(title)} → ${stem}`);
      }),
    );
  });
});

/** A CSV text parsed strictly: LF line ends, a final line end, line breaks only within quoted fields, no parse errors. */
function parseStrict(text: string): string[][] {
  assert.ok(text.endsWith('\n'), 'the file ends with a line end');
  // RFC 4180: a field holding CR or LF is quoted (a bare CR ends the line for many readers).
  assert.ok(!text.replace(/"(?:[^"]|"")*"/g, '').includes('\r'), `a CR outside a quoted field in ${JSON.stringify(text)}`);
  const result = Papa.parse<string[]>(text.slice(0, -1), { header: false, delimiter: ',', newline: '\n', quoteChar: '"' });
  assert.deepEqual(result.errors, [], `parse errors in ${JSON.stringify(text)}`);
  return result.data;
}
