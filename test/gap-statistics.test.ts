// The push-down sweep's sufficient statistics (core/sweep/, core/bigquery/gap-statistics-query.ts):
// computed locally they give the local sweep's numbers at every bucket edge; the BigQuery SQL
// parses; the same query run by DuckDB on the same rows gives the same statistics; thresholds
// off the edges are refused with the nearest edges named.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import nodeSqlParser from 'node-sql-parser';
import { FLAT_MAPPING, MIXPANEL_MAPPING } from '../core/bigquery/column-mapping.ts';
import type { EventSelection, PartitionFilter } from '../core/bigquery/event-selection.ts';
import { GAP_STATISTICS_COLUMNS, gapStatisticsQuery } from '../core/bigquery/gap-statistics-query.ts';
import { GapIndex } from '../core/sessionize/threshold-sweep.ts';
import { assertBucketEdge, bucketEdgeSecs, isBucketEdge } from '../core/sweep/bucket-layout.ts';
import { gapStatisticsFromRows, gapStatisticsFromTimeline, type GapStatistics } from '../core/sweep/gap-statistics.ts';
import { sweepByDate, sweepFromStatistics } from '../core/sweep/statistics-sweep.ts';
import { isoDateToDay } from '../core/time/calendar-day.ts';
import { ZoneCalendar } from '../core/time/zone-calendar.ts';
import { UserError } from '../core/util/user-error.ts';
import { GAP_TABLE, openDuckDb, runGapQuery, writeGapTable } from './support/gap-duckdb.ts';
import { gapCases, gapDefinition, localTimeline, referenceAt, type GapCase, type GapRow } from './support/gap-events.ts';
import { localDate, referenceSessions } from './support/reference-sessionizer.ts';

/** Every bucket edge up to 25 h (the longest local day), and a few beyond. */
const EDGES_MS: number[] = [];
for (let s = 0; s <= 90_000; s++) if (isBucketEdge(s)) EDGES_MS.push(s * 1000);
EDGES_MS.push(26 * 3_600_000, 48 * 3_600_000);

describe('the bucket layout', () => {
  test('every gap length falls in exactly one bucket, whose edge is the first edge at or above it', () => {
    let previousEdge = 0;
    for (let s = 1; s <= 100_000; s++) {
      const edge = bucketEdgeSecs(s);
      assert.ok(isBucketEdge(edge), `edge ${edge}`);
      assert.ok(edge >= s && edge >= previousEdge, `gap ${s} s → ${edge}`);
      // No edge lies between the gap and its bucket's edge.
      for (let e = s; e < edge; e++) assert.ok(!isBucketEdge(e), `${e} s is an edge below ${edge} for gap ${s}`);
      previousEdge = edge;
    }
    assert.equal(EDGES_MS.length - 2, 3_601 + 1_080 + 1_260);
  });
});

describe('statistics from the local timeline', () => {
  test('give the local sessionizer’s sessions and exact ms totals at every bucket edge', async () => {
    await fc.assert(
      fc.asyncProperty(gapCases, async (c) => {
        const timeline = await localTimeline(c);
        const stats = gapStatisticsFromTimeline(timeline);
        const points = sweepFromStatistics(stats, EDGES_MS);
        let previous = '';
        EDGES_MS.forEach((t, k) => {
          const ref = referenceAt(timeline, t);
          // Most edges see the same partition as the one below: compare cheaply, fully on change.
          const key = `${ref.sessions}:${ref.totalMs}`;
          assert.equal(points[k].threshold_secs, t / 1000);
          assert.equal(points[k].sessions, ref.sessions, `sessions at ${t} ms`);
          // total_duration_secs is total_ms / 1000, so the ms total is exactly what it was made of.
          assert.equal(points[k].total_duration_secs, ref.totalMs / 1000, `total ms at ${t} ms`);
          if (key !== previous) assert.equal(points[k].mean_duration_secs, ref.sessions === 0 ? 0 : ref.totalMs / 1000 / ref.sessions);
          previous = key;
        });
        if (c.wholeSeconds) assert.deepEqual(points, new GapIndex(timeline).sweep(EDGES_MS), 'whole-second times: the local sweep exactly');
      }),
      { numRuns: 80 },
    );
  });

  test('agree with the specification’s naive reference sessionizer (dates from Intl)', async () => {
    await fc.assert(
      fc.asyncProperty(gapCases, fc.subarray(EDGES_MS.filter((t) => t <= 6 * 3_600_000), { minLength: 1, maxLength: 4 }), async (c, thresholds) => {
        const stats = gapStatisticsFromTimeline(await localTimeline(c));
        const points = sweepFromStatistics(stats, thresholds);
        const events = c.rows
          .filter((r) => r.user !== null && r.user !== '' && r.timeMicros !== null)
          .map((r) => ({ user_id: r.user!, time_ms: Math.floor(r.timeMicros! / 1000), insert_id: r.insertId, event: r.event ?? '', props: {} }));
        thresholds.forEach((t, k) => {
          const sessions = referenceSessions(events, { thresholdMs: t, timeZone: c.timeZone, attributes: [], excludedEvents: c.excludedEvents });
          assert.equal(points[k].sessions, sessions.length, `sessions at ${t} ms`);
          assert.equal(points[k].total_duration_secs, sessions.reduce((sum, s) => sum + s.end_ms - s.start_ms, 0) / 1000);
        });
        // Per date: user-days as the reference counts them.
        const userDays = new Map<string, Set<string>>();
        for (const e of events) {
          if (c.excludedEvents.includes(e.event)) continue;
          const date = localDate(e.time_ms, c.timeZone);
          if (!userDays.has(date)) userDays.set(date, new Set());
          userDays.get(date)!.add(e.user_id);
        }
        assert.deepEqual(
          stats.dates.map((d) => [d.local_date, d.user_days]),
          [...userDays].sort((a, b) => a[0].localeCompare(b[0])).map(([date, users]) => [date, users.size]),
        );
      }),
      { numRuns: 30 },
    );
  });

  test('per date, the sweeps add up to the whole', async () => {
    const [c] = fc.sample(gapCases, { numRuns: 1, seed: 7 });
    const stats = gapStatisticsFromTimeline(await localTimeline(c));
    const thresholds = [0, 60_000, 1_800_000, 7_200_000];
    const whole = sweepFromStatistics(stats, thresholds);
    const byDate = sweepByDate(stats, thresholds);
    thresholds.forEach((_, k) => {
      assert.equal(byDate.reduce((n, d) => n + d.thresholds[k].sessions, 0), whole[k].sessions);
      // Whole ms: sums of thousandths in floating point are not exact, ms counts are.
      const ms = (secs: number) => Math.round(secs * 1000);
      assert.equal(byDate.reduce((n, d) => n + ms(d.thresholds[k].total_duration_secs), 0), ms(whole[k].total_duration_secs));
    });
  });
});

// ---------------------------------------------------------------------------------------------

const { Parser } = nodeSqlParser;

function selection(over: Partial<EventSelection> & { timeZone?: string; excludedEvents?: string[] } = {}): EventSelection {
  const definition = gapDefinition({ timeZone: over.timeZone ?? 'UTC', excludedEvents: over.excludedEvents ?? [] });
  return {
    table: over.table ?? GAP_TABLE,
    mapping: over.mapping ?? MIXPANEL_MAPPING,
    definition,
    from: over.from ?? isoDateToDay('2025-03-01'),
    to: over.to ?? isoDateToDay('2025-03-31'),
    partition: over.partition ?? null,
  };
}

describe('the BigQuery query', () => {
  const ODD_NAMES = ["a'b", 'back\\slash', 'new\nline', "'; DROP TABLE x; --", 'ünïcödé 😀'];
  const CASES: Array<{ name: string; selection: EventSelection }> = [
    { name: 'mixpanel layout', selection: selection() },
    { name: 'flat layout, DATE partition, a DST zone', selection: selection({ mapping: FLAT_MAPPING, partition: { column: 'event_date', type: 'DATE' }, timeZone: 'America/New_York' }) },
    { name: 'ingestion-time partition, odd exclusions', selection: selection({ partition: { column: '_PARTITIONTIME', type: 'TIMESTAMP' }, excludedEvents: ODD_NAMES }) },
    {
      name: 'column names that are keywords',
      selection: selection({ mapping: { layout: 'flat', user: 'user', time: 'timestamp', event: 'order', insertId: null, properties: null } }),
    },
  ];

  for (const { name, selection: s } of CASES) {
    test(`parses with node-sql-parser's BigQuery grammar: ${name}`, () => {
      const query = gapStatisticsQuery(s);
      const ast = new Parser().astify(query.sql, { database: 'bigquery' });
      assert.ok(ast, 'an AST');
    });

    test(`sends every value as a parameter: ${name}`, () => {
      const query = gapStatisticsQuery(s);
      const used = new Set(Array.from(query.sql.matchAll(/@(\w+)/g), (m) => m[1]));
      assert.deepEqual([...used].sort(), Object.keys(query.params).sort(), 'the parameters the SQL uses are the ones sent');
      assert.deepEqual(Object.keys(query.types).sort(), Object.keys(query.params).sort(), 'every parameter typed');
      assert.equal(query.params.time_zone, s.definition.timeZone);
      assert.deepEqual(query.params.excluded_events, [...s.definition.excludedEvents].sort());
      assert.deepEqual(query.types.excluded_events, ['STRING'], 'an empty list still has its element type');
      // The only literal in the SQL is the empty name a null event name stands for.
      assert.deepEqual(Array.from(query.sql.matchAll(/'([^']*)'/g), (m) => m[1]), ['', '']);
      for (const name of s.definition.excludedEvents) assert.ok(!query.sql.includes(name), `${name} spliced into the SQL`);
    });
  }

  test('returns the documented columns', () => {
    const sql = gapStatisticsQuery(selection()).sql;
    const finalSelect = sql.slice(sql.lastIndexOf('\nSELECT'));
    for (const column of GAP_STATISTICS_COLUMNS) assert.match(finalSelect, new RegExp(`\\b${column}\\b`));
  });
});

// ---------------------------------------------------------------------------------------------

/** The local dates of the rows' valid times, ascending. */
function rowDates(c: GapCase): string[] {
  const calendar = new ZoneCalendar(c.timeZone);
  const days = new Set<number>();
  for (const r of c.rows) if (r.timeMicros !== null) days.add(calendar.localDay(Math.floor(r.timeMicros / 1000)));
  return [...days].sort((a, b) => a - b).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
}

describe('the DuckDB rendering of the same query', () => {
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  before(async () => {
    duck = await openDuckDb();
  });
  after(() => duck.close());

  async function pushDown(c: GapCase, range: { from: string; to: string }, partition: PartitionFilter | null): Promise<GapStatistics> {
    await writeGapTable(duck.connection, c.rows);
    const s = selection({ timeZone: c.timeZone, excludedEvents: c.excludedEvents, from: isoDateToDay(range.from), to: isoDateToDay(range.to), partition });
    return gapStatisticsFromRows(await runGapQuery(duck.connection, gapStatisticsQuery(s, 'duckdb')));
  }

  test('gives the statistics the local timeline gives, for the same rows and range', async () => {
    const partitions: Array<PartitionFilter | null> = [null, { column: 'partition_day', type: 'DATE' }, { column: 'partition_ts', type: 'TIMESTAMP' }];
    await fc.assert(
      fc.asyncProperty(gapCases, fc.nat(), fc.nat(), fc.constantFrom(...partitions), async (c, a, b, partition) => {
        // A range of the rows' dates (sometimes all of them), cutting user-days off at both ends.
        const dates = rowDates(c);
        const i = a % dates.length;
        const j = i + (b % (dates.length - i));
        const range = { from: dates[i], to: dates[j] };
        const local = gapStatisticsFromTimeline(await localTimeline(c, range));
        assert.deepEqual(await pushDown(c, range, partition), local);
      }),
      { numRuns: 40 },
    );
  });

  test('puts gaps on and next to every step boundary in the buckets the local statistics use', async () => {
    // One user per gap length, each with two events on 2025-03-10 (UTC): the gap alone.
    const gapsMs = [1, 999, 1000, 1001, 59_999, 60_000, 3_599_999, 3_600_000, 3_600_001, 3_609_000, 3_610_000, 3_610_001,
      14_399_999, 14_400_000, 14_400_001, 14_460_000, 14_460_001, 86_399_999];
    const start = Date.UTC(2025, 2, 10);
    const rows: GapRow[] = gapsMs.flatMap((g, u) => [
      { user: `u${u}`, timeMicros: start * 1000, event: 'open', insertId: `a${u}` },
      { user: `u${u}`, timeMicros: (start + g) * 1000 + 999, event: 'open', insertId: `b${u}` },
    ]);
    const c: GapCase = { timeZone: 'UTC', excludedEvents: [], rows, wholeSeconds: false };
    const range = { from: '2025-03-10', to: '2025-03-10' };
    const stats = await pushDown(c, range, null);
    assert.deepEqual(stats, gapStatisticsFromTimeline(await localTimeline(c, range)));
    assert.deepEqual(
      stats.dates[0].buckets.map((b) => b.bucket_secs),
      [...new Set(gapsMs.map((g) => bucketEdgeSecs(Math.ceil(g / 1000))))].sort((x, y) => x - y),
    );
    assert.deepEqual(
      stats.dates[0].buckets.find((b) => b.bucket_secs === 3_610),
      { bucket_secs: 3_610, gap_count: 3, gap_ms_sum: 3_600_001 + 3_609_000 + 3_610_000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('thresholds off the bucket edges', () => {
  const stats: GapStatistics = { dates: [{ local_date: '2025-03-10', user_days: 1, span_ms_sum: 2_000, buckets: [{ bucket_secs: 2, gap_count: 1, gap_ms_sum: 2_000 }] }] };

  for (const [thresholdMs, below, above] of [
    [1_500, '1s', '2s'],
    [3_605_000, '1h', '1h10s'],
    [14_430_000, '4h', '4h1m'],
    [1_800_001, '30m', '30m1s'],
  ] as const) {
    test(`${thresholdMs} ms is refused, naming ${below} and ${above}`, () => {
      assert.throws(
        () => sweepFromStatistics(stats, [1_800_000, thresholdMs]),
        (error: unknown) => {
          assert.ok(error instanceof UserError);
          assert.ok(error.message.includes(` ${below} and ${above} `), error.message);
          assert.ok(!error.message.includes('\n'));
          return true;
        },
      );
    });
  }

  test('edges are accepted, including 0 and edges beyond a day', () => {
    for (const t of [0, 1_000, 1_800_000, 3_600_000, 3_610_000, 14_400_000, 14_460_000, 90_000_000, 172_800_000]) assertBucketEdge(t);
    assert.deepEqual(sweepFromStatistics(stats, [0, 1_000, 2_000]).map((p) => p.sessions), [2, 2, 1]);
    assert.throws(() => sweepFromStatistics(stats, [-1_000]), UserError);
  });
});
