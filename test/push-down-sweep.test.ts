// `sweep --bigquery`: the push-down sweep through the real BigQuery client against the local fake,
// whose handler runs the DuckDB rendering of the same query on the same rows with the parameter
// values the client actually sent. Its results must equal the local sweep of the same events.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { MIXPANEL_MAPPING } from '../core/bigquery/column-mapping.ts';
import type { ParameterizedQuery, PartitionFilter } from '../core/bigquery/event-selection.ts';
import { gapStatisticsQuery } from '../core/bigquery/gap-statistics-query.ts';
import { pushDownSweep } from '../core/bigquery/push-down-sweep.ts';
import { tableText } from '../core/bigquery/table-id.ts';
import { GapIndex } from '../core/sessionize/threshold-sweep.ts';
import { generateDemoEvents } from '../core/sources/demo-generator.ts';
import { isoDateToDay } from '../core/time/calendar-day.ts';
import { cliFails, cliOk, tempDir } from './support/cli.ts';
import { startFakeBigQuery, type FakeBigQuery, type QueryRequest, type RowsAnswer } from './support/fake-bigquery.ts';
import { GAP_TABLE, openDuckDb, runGapQuery, writeGapTable } from './support/gap-duckdb.ts';
import { gapCases, gapDefinition, localTimeline, referenceAt, type GapRow } from './support/gap-events.ts';

process.env.METADATA_SERVER_DETECTION = 'none';

const STATISTICS_SCHEMA: RowsAnswer['schema'] = [
  { name: 'local_date', type: 'STRING' },
  { name: 'bucket_secs', type: 'INT64' },
  { name: 'event_count', type: 'INT64' },
  { name: 'gap_ms_sum', type: 'INT64' },
];

const THRESHOLDS_MS = [0, 1_000, 60_000, 300_000, 1_800_000, 3_600_000, 3_610_000, 14_400_000, 14_460_000, 90_000_000];

/** The query as the fake received it, with the parameter values the client sent (not the ones we meant). */
function receivedQuery(request: QueryRequest): ParameterizedQuery {
  const params: ParameterizedQuery['params'] = {};
  const types: ParameterizedQuery['types'] = {};
  for (const [name, param] of Object.entries(request.params)) {
    assert.notEqual(param.value, undefined, `parameter @${name} was sent without a value`);
    params[name] = param.value as string | string[];
    types[name] = param.type === 'ARRAY<STRING>' ? ['STRING'] : param.type;
  }
  return { sql: request.sql, params, types };
}

/**
 * A fake BigQuery whose table is a DuckDB table: a query is answered by running the DuckDB
 * rendering of the gap statistics query with the received parameters; the BigQuery SQL received
 * must be the one the product renders for the same selection.
 */
async function warehouse(duck: Awaited<ReturnType<typeof openDuckDb>>, expectedSql: () => string): Promise<FakeBigQuery> {
  return startFakeBigQuery({
    projectId: GAP_TABLE.project,
    maxPageRows: 500,
    handler: async (request) => {
      assert.equal(request.sql, expectedSql());
      if (request.dryRun) return { schema: STATISTICS_SCHEMA, rows: [], totalBytesProcessed: 123_456_789 };
      const received = receivedQuery(request);
      const duckSql = gapStatisticsQuery(duckSelection.current!, 'duckdb').sql;
      const rows = await runGapQuery(duck.connection, { ...received, sql: duckSql });
      return {
        schema: STATISTICS_SCHEMA,
        rows: rows.map((r) => [r.local_date, r.bucket_secs === null ? null : Number(r.bucket_secs), Number(r.event_count), r.gap_ms_sum === null ? null : Number(r.gap_ms_sum)]),
        totalBytesProcessed: 123_456_789,
      };
    },
  });
}

/** The selection the running case asks about (the DuckDB rendering needs it, not just the SQL text). */
const duckSelection: { current: Parameters<typeof gapStatisticsQuery>[0] | null } = { current: null };

describe('the push-down sweep', () => {
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  before(async () => {
    duck = await openDuckDb();
  });
  after(() => duck.close());

  test('equals the local sweep of the same rows at every threshold, across DST days and partitions', async () => {
    const fake = await warehouse(duck, () => gapStatisticsQuery(duckSelection.current!).sql);
    try {
      const partitions: Array<PartitionFilter | null> = [null, { column: 'partition_day', type: 'DATE' }, { column: 'partition_ts', type: 'TIMESTAMP' }];
      await fc.assert(
        fc.asyncProperty(gapCases, fc.constantFrom(...partitions), async (c, partition) => {
          const definition = gapDefinition(c);
          const times = c.rows.flatMap((r) => (r.timeMicros === null ? [] : [r.timeMicros / 1000]));
          const from = new Date(Math.min(...times) - 86_400_000).toISOString().slice(0, 10);
          const to = new Date(Math.max(...times) + 86_400_000).toISOString().slice(0, 10);
          await writeGapTable(duck.connection, c.rows);
          duckSelection.current = { table: GAP_TABLE, mapping: MIXPANEL_MAPPING, definition, from: isoDateToDay(from), to: isoDateToDay(to), partition };
          const result = await pushDownSweep({
            connection: { projectId: GAP_TABLE.project, apiEndpoint: fake.url },
            table: GAP_TABLE,
            mapping: MIXPANEL_MAPPING,
            partition,
            from,
            to,
            maxBytes: 10 * 1024 ** 3,
            definition,
            thresholdsMs: THRESHOLDS_MS,
          });
          const timeline = await localTimeline(c, { from, to });
          const local = new GapIndex(timeline).sweep(THRESHOLDS_MS);
          THRESHOLDS_MS.forEach((t, k) => {
            const point = result.thresholds[k];
            assert.equal(point.sessions, local[k].sessions, `sessions at ${t} ms`);
            assert.equal(point.total_duration_secs, referenceAt(timeline, t).totalMs / 1000, `exact total at ${t} ms`);
            // With whole-second times the local sweep's floored durations lose nothing.
            if (c.wholeSeconds) assert.equal(point.total_duration_secs, local[k].total_duration_secs, `total at ${t} ms`);
          });
          assert.equal(result.bytes_processed, 123_456_789);
        }),
        { numRuns: 25 },
      );
    } finally {
      await fake.stop();
    }
  });
});

describe('sweep --bigquery on the command line', () => {
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  let fake: FakeBigQuery;
  const dir = tempDir();
  const db = join(dir, 'cache.db');
  const env = { METADATA_SERVER_DETECTION: 'none', HOME: dir, GOOGLE_APPLICATION_CREDENTIALS: '' };
  const range = { from: '2025-03-01', to: '2025-03-04' };
  const definition = { thresholdMs: 1_800_000, timeZone: 'America/New_York', attributes: [], excludedEvents: ['app_open'] };

  before(async () => {
    // Demo events with whole-second times: the same rows go to a file for the local cache and
    // to the warehouse table.
    const lines: string[] = [];
    const rows: GapRow[] = [];
    generateDemoEvents({ users: 150, days: 5, seed: 7 }, (e) => {
      const time = e.time - (e.time % 1000);
      const insertId = e.insertId ?? `derived-${rows.length}`;
      lines.push(JSON.stringify({ event: e.event, properties: { distinct_id: e.userId, time: new Date(time).toISOString(), $insert_id: insertId } }));
      rows.push({ user: e.userId, timeMicros: time * 1000, event: e.event, insertId });
    });
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await cliOk(['import', file, '--db', db, '--from', range.from, '--to', range.to, '--tz', definition.timeZone, '--exclude-events', 'app_open'], { env });
    duck = await openDuckDb();
    await writeGapTable(duck.connection, rows);
    duckSelection.current = {
      table: GAP_TABLE, mapping: MIXPANEL_MAPPING, definition, from: isoDateToDay(range.from), to: isoDateToDay(range.to), partition: null,
    };
    fake = await warehouse(duck, () => gapStatisticsQuery(duckSelection.current!).sql);
  });
  after(async () => {
    await fake?.stop();
    duck?.close();
  });

  const warehouseArgs = () => ['--table', tableText(GAP_TABLE), '--from', range.from, '--to', range.to, '--api-endpoint', fake.url];

  test('prints the local sweep of the same events, taking the definition from --db', async () => {
    const thresholds = '1m,5m,30m,1h,4h';
    const local = JSON.parse((await cliOk(['sweep', '--db', db, '--thresholds', thresholds, '--json'], { env })).stdout);
    const pushed = await cliOk(['sweep', '--bigquery', '--db', db, '--thresholds', thresholds, '--json', ...warehouseArgs()], { env });
    const result = JSON.parse(pushed.stdout);
    assert.ok(local.thresholds.length === 5 && local.thresholds[0].sessions > 0);
    assert.deepEqual(result.thresholds, local.thresholds);
    assert.equal(result.time_zone, local.time_zone);
    assert.equal(pushed.stderr, '');
    assert.equal(result.bytes_processed, 123_456_789);
    assert.equal(result.estimated_cost_usd, 0.0007);
    // Statistics, not events, leave the warehouse.
    assert.equal(fake.queries.filter((q) => !q.dryRun).length, 1);
  });

  test('--by-date sweeps each local date; the dates add up to the whole range', async () => {
    const result = JSON.parse((await cliOk(['sweep', '--bigquery', '--db', db, '--thresholds', '30m', '--by-date', '--json', ...warehouseArgs()], { env })).stdout);
    assert.deepEqual(result.dates.map((d: { local_date: string }) => d.local_date), ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04']);
    const perDate = result.dates.reduce((sum: number, d: { thresholds: Array<{ sessions: number }> }) => sum + d.thresholds[0].sessions, 0);
    assert.equal(perDate, result.thresholds[0].sessions);
  });

  test('--dry-run reports bytes and cost and runs no query', async () => {
    const before = fake.queries.filter((q) => !q.dryRun).length;
    const r = await cliOk(['sweep', '--bigquery', '--db', db, '--thresholds', '30m', '--dry-run', ...warehouseArgs()], { env });
    assert.match(r.stdout, /BigQuery will process 117\.7 MiB \(estimated on-demand cost \$0\.0007/);
    assert.match(r.stdout, /nothing queried/);
    assert.equal(fake.queries.filter((q) => !q.dryRun).length, before);
  });

  test('refuses thresholds between bucket edges before querying, and warehouse options without --bigquery', async () => {
    const before = fake.queries.length;
    const offEdge = await cliFails(['sweep', '--bigquery', '--db', db, '--thresholds', '30m,1h5s', ...warehouseArgs()], { env });
    assert.match(offEdge, /1h5s is not a bucket edge .* nearest are 1h and 1h10s/);
    assert.equal(fake.queries.length, before);
    assert.match(await cliFails(['sweep', '--bigquery', '--thresholds', '30m', '--table', tableText(GAP_TABLE)], { env }), /needs --from, --to/);
    assert.match(await cliFails(['sweep', '--db', db, '--thresholds', '30m', '--tz', 'UTC'], { env }), /--tz goes with --bigquery/);
  });
});
