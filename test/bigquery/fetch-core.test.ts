// `fetchIntoCache` through the real @google-cloud/bigquery client against the fake REST server,
// whose table answers with the rows selected by the parameter values the client actually sent:
// the SQL and parameters, paging and progress, REST type conversion, incremental fetches,
// cancel, and retries.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { FLAT_MAPPING } from '../../core/bigquery/column-mapping.ts';
import { fetchIntoCache, type FetchProgress } from '../../core/bigquery/fetch-events.ts';
import type { SessionCache } from '../../core/cache/session-cache.ts';
import { defaultDefinition, type SessionDefinition } from '../../core/definition.ts';
import { csvRecords, parseCsv, tempDir } from '../support/cli.ts';
import { startFakeBigQuery, type FakeBigQuery, type FakeBigQueryOptions, type FieldSchema } from '../support/fake-bigquery.ts';
import {
  BYTES_PER_ROW,
  arrivedBefore,
  FAST_RETRY,
  TABLE,
  eventually,
  exportsOf,
  fetchRequest,
  newCache,
  realJobs,
  row,
  startWarehouse,
  type TableRow,
  type Warehouse,
} from './support/warehouse.ts';

const CANCELLED = 'fetch cancelled: the BigQuery job was cancelled and the cache is unchanged';

function zoned(timeZone: string): SessionDefinition {
  return { ...defaultDefinition(), timeZone };
}

function warehouse(t: TestContext, rows: TableRow[], options: FakeBigQueryOptions = {}): Promise<Warehouse> {
  return startWarehouse(rows, (stop) => t.after(stop), options);
}

/** Users u0..u{users-1}, each with `perDay` events a few minutes apart on each local (UTC+1) day of March 2025. */
function marchRows(users: number, days: number, perDay: number, tag = 'v1'): TableRow[] {
  const rows: TableRow[] = [];
  for (let u = 0; u < users; u++) {
    for (let d = 1; d <= days; d++) {
      for (let k = 0; k < perDay; k++) {
        // Local (Europe/Berlin, UTC+1 in March before the 30th) 00:10 + u h + 7k min, as UTC.
        const time = Date.UTC(2025, 2, d, u - 1, 10 + 7 * k + (k > 2 ? 40 : 0));
        rows.push({ user: `u${u}`, time, event: k === 0 ? 'open' : 'view', insertId: `${tag}-${u}-${d}-${k}`, properties: { mp_country_code: ['DE', 'FR', 'IT'][(u + d) % 3], $os: k % 2 ? 'iOS' : null } });
      }
    }
  }
  return rows;
}

const BERLIN = zoned('Europe/Berlin');

describe('the query sent to BigQuery', { concurrency: 2 }, () => {
  test('every value is a named parameter: local midnights of America/New_York across DST, DATE partition bounds', async (t) => {
    const rows = [
      row('anna', '2025-03-08T04:59:59.999Z', 'open', 'out-before'), // 03-07 23:59:59.999 EST
      row('anna', '2025-03-08T05:00:00.000Z', 'open', 'first'), // 03-08 00:00 EST
      row('anna', '2025-03-09T07:30:00.000Z', 'open', 'after-dst'), // 03-09 03:30 EDT
      row('anna', '2025-03-10T03:59:59.999Z', 'open', 'last'), // 03-09 23:59:59.999 EDT
      row('anna', '2025-03-10T04:00:00.000Z', 'open', 'out-after'), // 03-10 00:00 EDT
    ];
    const { fake } = await warehouse(t, rows);
    const { cache } = newCache(zoned('America/New_York'));
    t.after(() => cache.close());
    const summary = await fetchIntoCache(
      cache,
      fetchRequest(fake, '2025-03-08', '2025-03-09', { partition: { column: 'event_date', type: 'DATE' }, maxBytes: 123_456_789 }),
    );

    // A dry run first, then one job of the same query with the bytes guard.
    assert.deepEqual(fake.queries.map((q) => q.dryRun), [true, false]);
    const inserts = fake.requestsOf('insert');
    assert.equal(inserts.length, 2);
    assert.equal((inserts[0].body as { configuration: { dryRun?: boolean } }).configuration.dryRun, true);
    const [dry, job] = fake.queries;
    assert.equal(job.sql, dry.sql);
    assert.deepEqual(job.params, dry.params);
    assert.equal(job.maximumBytesBilled, '123456789');

    assert.match(job.sql, /\bFROM `acme-analytics\.mixpanel\.mp_master_event`/);
    for (const name of ['range_start', 'range_end', 'partition_from', 'partition_to']) assert.match(job.sql, new RegExp(`@${name}\\b`));
    assert.doesNotMatch(job.sql, /2025|'/, 'no value is written into the SQL');
    assert.deepEqual(job.positionalParams, []);

    const { range_start, range_end, partition_from, partition_to } = job.params;
    assert.equal(range_start.type, 'TIMESTAMP');
    assert.equal(range_end.type, 'TIMESTAMP');
    assert.notEqual(range_start.value, undefined, 'range_start was sent without a value (BigQuery reads NULL)');
    assert.notEqual(range_end.value, undefined, 'range_end was sent without a value (BigQuery reads NULL)');
    // Local midnight of 03-08 is 05:00Z (EST); of 03-10, after the switch to EDT, 04:00Z.
    assert.equal(Date.parse(String(range_start.value)), Date.parse('2025-03-08T05:00:00Z'));
    assert.equal(Date.parse(String(range_end.value)), Date.parse('2025-03-10T04:00:00Z'));

    // Partition pruning covers every UTC date the range touches, with at most a day to spare.
    assert.equal(partition_from.type, 'DATE');
    assert.equal(partition_to.type, 'DATE');
    assert.match(String(partition_from.value), /^\d{4}-\d{2}-\d{2}$/);
    assert.match(String(partition_to.value), /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(String(partition_from.value) <= '2025-03-08' && String(partition_from.value) >= '2025-03-07', `partition_from ${partition_from.value}`);
    assert.ok(String(partition_to.value) >= '2025-03-10' && String(partition_to.value) <= '2025-03-11', `partition_to ${partition_to.value}`);

    // The table answered with exactly the rows of those local dates.
    assert.equal(summary.imported, 3);
    assert.equal(summary.rejected, 0);
    const events = csvRecords(exportsOf(cache).events);
    assert.deepEqual(events.map((e) => e.insert_id), ['first', 'after-dst', 'last']);
  });

  test('flat layout with a _PARTITIONTIME partition: attribute columns and TIMESTAMP partition bounds', async (t) => {
    const rows = [
      row('kenji', '2024-12-31T14:59:59.999Z', 'open', 'k0', { country: 'JP' }), // 12-31 23:59:59.999 JST
      row('kenji', '2024-12-31T15:00:00.000Z', 'open', 'k1', { country: 'JP', device: 'Pixel', os: 'Android' }), // 01-01 00:00 JST
      row('kenji', '2025-01-01T14:59:59.999Z', 'open', 'k2', { country: 'KR' }), // 01-01 23:59:59.999 JST
      row('kenji', '2025-01-01T15:00:00.000Z', 'open', 'k3', { country: 'JP' }),
    ];
    const { fake } = await warehouse(t, rows);
    const { cache } = newCache(zoned('Asia/Tokyo'));
    t.after(() => cache.close());
    const summary = await fetchIntoCache(
      cache,
      fetchRequest(fake, '2025-01-01', '2025-01-01', { mapping: { ...FLAT_MAPPING }, partition: { column: '_PARTITIONTIME', type: 'TIMESTAMP' } }),
    );
    const job = realJobs(fake)[0];
    assert.doesNotMatch(job.sql, /2024|2025|'/);
    assert.match(job.sql, /_PARTITIONTIME >= @partition_from AND _PARTITIONTIME < @partition_to/);
    const { range_start, range_end, partition_from, partition_to } = job.params;
    assert.equal(Date.parse(String(range_start.value)), Date.parse('2024-12-31T15:00:00Z'));
    assert.equal(Date.parse(String(range_end.value)), Date.parse('2025-01-01T15:00:00Z'));
    assert.equal(partition_from.type, 'TIMESTAMP');
    assert.equal(partition_to.type, 'TIMESTAMP');
    // _PARTITIONTIME is the UTC day: both days the range touches must be inside [from, to).
    assert.ok(Date.parse(String(partition_from.value)) <= Date.parse('2024-12-31T00:00:00Z'), `partition_from ${partition_from.value}`);
    assert.ok(Date.parse(String(partition_to.value)) > Date.parse('2025-01-01T00:00:00Z'), `partition_to ${partition_to.value}`);

    assert.equal(summary.imported, 2);
    const sessions = csvRecords(exportsOf(cache).sessions);
    assert.deepEqual(sessions.map((s) => [s.user_id, s.session_id, s.start_date, s.event_count, s.country, s.device, s.os]), [
      ['kenji', '1', '2025-01-01', '1', 'JP', 'Pixel', 'Android'],
      ['kenji', '2', '2025-01-01', '1', 'KR', '', ''],
    ]);
  });
});

describe('paging and progress', { concurrency: 2 }, () => {
  test('hundreds of rows over pages capped at 7 rows: every row read once, progress up to the totals', async (t) => {
    const rows = marchRows(5, 3, 20); // 300 rows
    const { fake } = await warehouse(t, rows, { maxPageRows: 7 });
    const { cache } = newCache(BERLIN);
    t.after(() => cache.close());
    const progress: FetchProgress[] = [];
    const summary = await fetchIntoCache(cache, fetchRequest(fake, '2025-03-01', '2025-03-03', { pageSize: 50, onProgress: (p) => progress.push({ ...p }) }));

    const pages = fake.requestsOf('getQueryResults');
    assert.equal(pages.length, Math.ceil(300 / 7));
    for (const page of pages) assert.equal(page.query.maxResults, '50');
    assert.equal(summary.imported, 300);
    assert.equal(summary.rows, 300);
    assert.equal(summary.bytes_processed, 300 * BYTES_PER_ROW);
    assert.equal(parseCsv(exportsOf(cache).events).length, 301);

    assert.equal(progress[0].phase, 'estimating');
    assert.equal(progress.at(-1)!.phase, 'writing');
    const reading = progress.filter((p) => p.phase === 'reading');
    assert.equal(reading.length, pages.length);
    for (let i = 1; i < reading.length; i++) {
      assert.ok(reading[i].rows > reading[i - 1].rows, 'rows read only increase');
      assert.ok(reading[i].rows - reading[i - 1].rows <= 7);
      assert.ok(reading[i].bytes >= reading[i - 1].bytes, 'bytes only increase');
    }
    const last = reading.at(-1)!;
    assert.deepEqual([last.rows, last.totalRows, last.bytes, last.totalBytes], [300, 300, 300 * BYTES_PER_ROW, 300 * BYTES_PER_ROW]);
    assert.ok(reading.every((p) => p.totalRows === 300 && p.bytes <= p.totalBytes));
  });

  test('pageSize sets the rows asked for per page', async (t) => {
    const { fake } = await warehouse(t, marchRows(5, 3, 20));
    const { cache } = newCache(BERLIN);
    t.after(() => cache.close());
    const summary = await fetchIntoCache(cache, fetchRequest(fake, '2025-03-01', '2025-03-03', { pageSize: 120 }));
    assert.deepEqual(fake.requestsOf('getQueryResults').map((r) => r.query.maxResults), ['120', '120', '120']);
    assert.equal(summary.imported, 300);
  });
});

describe('REST values become events', () => {
  test('INT64 times, JSON properties, NULLs, non-ASCII, commas and quotes; bad rows are rejected one by one', async (t) => {
    const schema: FieldSchema[] = [
      { name: 'user_id', type: 'STRING' },
      { name: 'time_ms', type: 'INT64' },
      { name: 'event', type: 'STRING' },
      { name: 'insert_id', type: 'STRING' },
      { name: 'properties', type: 'JSON' },
    ];
    const t0 = Date.parse('2025-03-01T10:00:00.123Z');
    const served: unknown[][] = [
      ['Zoë 🚀', t0, 'Kauf, "bestätigt"', 'id-1', { mp_country_code: 'DE', $os: 'iOS', cart: { items: [1, 2] } }],
      ['a,"b"', t0 + 333, 'line\nbreak', 'id-2', '{"$device": "Pixel 9", "mp_country_code": null, "country": "AT"}'],
      [null, t0, 'open', 'id-3', {}],
      ['u3', null, 'open', 'id-4', {}],
      ['u4', t0, 'open', 'id-5', '{not json'],
      ['u5', t0, 'open', 'id-6', '[1, 2]'],
      ['u6', t0 + 1, null, null, null],
      ['u7', 9e15, 'open', 'id-8', {}],
    ];
    const fake = await startFakeBigQuery({
      projectId: 'acme-analytics',
      location: 'EU',
      handler: (q) => ({ schema, rows: q.dryRun ? [] : served, totalBytesProcessed: 8000 }),
    });
    t.after(() => fake.stop());
    const { cache } = newCache();
    t.after(() => cache.close());
    const rejects = join(tempDir(), 'rejects.csv');
    const summary = await fetchIntoCache(cache, fetchRequest(fake, '2025-03-01', '2025-03-01', { rejectsPath: rejects }));

    assert.deepEqual([summary.rows, summary.imported, summary.rejected], [8, 3, 5]);
    assert.deepEqual(
      summary.rejections.map((r) => [r.file, r.line, r.reason]),
      [
        [`bigquery:${TABLE}`, 3, 'no user id'],
        [`bigquery:${TABLE}`, 4, 'no time'],
        [`bigquery:${TABLE}`, 5, 'properties is not a JSON object'],
        [`bigquery:${TABLE}`, 6, 'properties is not a JSON object'],
        [`bigquery:${TABLE}`, 8, 'no time'],
      ],
    );
    const written = csvRecords(readFileSync(rejects, 'utf8'));
    assert.deepEqual(written.map((r) => [r.line, r.reason]), summary.rejections.map((r) => [String(r.line), r.reason]));
    assert.match(written[2].row, /\{not json/);

    const events = csvRecords(exportsOf(cache).events);
    assert.deepEqual(
      events.map((e) => [e.user_id, e.time, e.event, e.country, e.device, e.os]),
      [
        ['Zoë 🚀', '2025-03-01T10:00:00.123Z', 'Kauf, "bestätigt"', 'DE', '', 'iOS'],
        ['a,"b"', '2025-03-01T10:00:00.456Z', 'line\nbreak', 'AT', 'Pixel 9', ''],
        ['u6', '2025-03-01T10:00:00.124Z', '', '', '', ''],
      ],
    );
    // A row without an insert id gets one derived from its content.
    assert.match(events[2].insert_id, /^h:[0-9a-f]{24}$/);
  });
});

describe('incremental fetches', () => {
  test('overlapping fetches equal one fetch of the union; a refetch after the table changed replaces those days', async (t) => {
    const { fake, table } = await warehouse(t, marchRows(4, 8, 6));
    const split = newCache(BERLIN);
    const whole = newCache(BERLIN);
    t.after(() => {
      split.cache.close();
      whole.cache.close();
    });
    await fetchIntoCache(split.cache, fetchRequest(fake, '2025-03-01', '2025-03-05'));
    await fetchIntoCache(split.cache, fetchRequest(fake, '2025-03-04', '2025-03-08'));
    await fetchIntoCache(whole.cache, fetchRequest(fake, '2025-03-01', '2025-03-08'));
    const before = exportsOf(split.cache);
    assert.deepEqual(before, exportsOf(whole.cache));
    assert.equal(parseCsv(before.events).length, 4 * 8 * 6 + 1);

    // The table changes: local 03-06 loses its rows, one 03-07 row gets another country, a new
    // user appears on 03-06, u0 gets a midday session on 03-07 (its later session ids shift),
    // and a 03-09 row arrives (outside every fetch).
    const onDay = (r: TableRow, day: number) => r.insertId!.split('-')[2] === String(day);
    table.rows = table.rows
      .filter((r) => !onDay(r, 6))
      .map((r) => (r.insertId === 'v1-1-7-0' ? { ...r, properties: { mp_country_code: 'NL' } } : r));
    table.rows.push(
      row('aaron', '2025-03-06T09:00:00.000Z', 'open', 'v2-aaron'),
      row('u0', '2025-03-07T11:00:00.000Z', 'noon', 'v2-noon'),
      row('u1', '2025-03-09T12:00:00.000Z', 'open', 'v2-09'),
    );
    await fetchIntoCache(split.cache, fetchRequest(fake, '2025-03-06', '2025-03-07'));
    // The same refetch over a memory budget of 25 events: pages spill to disk as they arrive.
    const spilled = newCache(BERLIN);
    t.after(() => spilled.cache.close());
    await fetchIntoCache(spilled.cache, fetchRequest(fake, '2025-03-01', '2025-03-08'));
    await fetchIntoCache(spilled.cache, fetchRequest(fake, '2025-03-06', '2025-03-07', { pageSize: 10, memoryBudgetMb: (25 * 256) / 2 ** 20 }));
    const fresh = newCache(BERLIN);
    t.after(() => fresh.cache.close());
    await fetchIntoCache(fresh.cache, fetchRequest(fake, '2025-03-01', '2025-03-08'));
    const after = exportsOf(split.cache);
    assert.deepEqual(after, exportsOf(fresh.cache));
    assert.deepEqual(exportsOf(spilled.cache), after, 'a refetch spilled to disk equals one held in memory');
    assert.notDeepEqual(after, before);
    const events = csvRecords(after.events);
    assert.equal(events.length, 4 * 7 * 6 + 2);
    assert.ok(!events.some((e) => e.insert_id.endsWith('-6-0')), "03-06's old rows are gone");
    assert.equal(events.find((e) => e.insert_id === 'v1-1-7-0')?.country, 'NL');
    const noon = events.find((e) => e.insert_id === 'v2-noon');
    // u0 has two sessions a day (a 47-minute gap): 10 on 03-01..05, none left on 03-06, two on
    // 03-07 before the new midday one, two on 03-08 after it.
    assert.equal(noon?.session_id, '13');
    assert.equal(events.filter((e) => e.user_id === 'u0').at(-1)?.session_id, '15');
  });
});

/** A cache holding local 03-01..03-02 of the table, and the table then changed, so a completed refetch would show. */
async function seededForCancel(t: TestContext, options: FakeBigQueryOptions = {}) {
  const w = await warehouse(t, marchRows(3, 2, 10), options);
  const seeded = newCache(BERLIN);
  t.after(() => seeded.cache.close());
  await fetchIntoCache(seeded.cache, fetchRequest(w.fake, '2025-03-01', '2025-03-02'));
  w.table.rows = marchRows(3, 2, 10, 'v2').map((r) => ({ ...r, time: r.time + 60_000 }));
  const before = exportsOf(seeded.cache);
  assert.equal(parseCsv(before.events).length, 61);
  return { ...w, cache: seeded.cache, before, seedRequests: w.fake.requests.length };
}

/** The cancel request the fake saw for the fetch's (only) real job, and that job. */
async function assertJobCancelled(fake: FakeBigQuery): Promise<void> {
  const jobs = realJobs(fake);
  const jobId = jobs.at(-1)!.jobId!;
  await eventually(() => fake.requestsOf('cancel').some((r) => r.jobId === jobId), `jobs.cancel of ${jobId}`);
  assert.equal(fake.job(jobId)?.cancelled, true);
}

function assertUnchanged(cache: SessionCache, before: { sessions: string; events: string }): void {
  assert.deepEqual(exportsOf(cache), before, 'the cache changed');
}

describe('cancel', { concurrency: 3 }, () => {
  test('while the job runs: the job is cancelled on BigQuery and the cache is unchanged', async (t) => {
    const { fake, cache, before } = await seededForCancel(t);
    const held = fake.hold('getQueryResults');
    const controller = new AbortController();
    const fetching = fetchIntoCache(cache, fetchRequest(fake, '2025-03-01', '2025-03-02', { signal: controller.signal }));
    await arrivedBefore(held, fetching);
    controller.abort();
    await eventually(() => fake.requestsOf('cancel').length > 0, 'jobs.cancel');
    held.release();
    await assert.rejects(fetching, { message: CANCELLED });
    await assertJobCancelled(fake);
    assertUnchanged(cache, before);
  });

  test('between pages: no further page is read', async (t) => {
    const { fake, cache, before, seedRequests } = await seededForCancel(t, { maxPageRows: 7 });
    const controller = new AbortController();
    const request = fetchRequest(fake, '2025-03-01', '2025-03-02', {
      signal: controller.signal,
      pageSize: 7,
      onProgress: (p) => {
        if (p.phase === 'reading') controller.abort();
      },
    });
    await assert.rejects(fetchIntoCache(cache, request), { message: CANCELLED });
    await assertJobCancelled(fake);
    assert.equal(fake.requests.slice(seedRequests).filter((r) => r.kind === 'getQueryResults').length, 1);
    assertUnchanged(cache, before);
  });

  test('during the dry run: no job is created at all', async (t) => {
    const { fake, cache, before } = await seededForCancel(t);
    const jobsBefore = realJobs(fake).length;
    const held = fake.hold('insert');
    const controller = new AbortController();
    const fetching = fetchIntoCache(cache, fetchRequest(fake, '2025-03-01', '2025-03-02', { signal: controller.signal }));
    await arrivedBefore(held, fetching);
    controller.abort();
    held.release();
    await assert.rejects(fetching, { message: CANCELLED });
    assert.equal(realJobs(fake).length, jobsBefore);
    assertUnchanged(cache, before);
  });
});

describe('retries', { concurrency: 3 }, () => {
  const rows = () => marchRows(2, 2, 10);

  test('transient failures of the dry run, the job insert and the result pages are retried', async (t) => {
    const { fake } = await warehouse(t, rows(), { maxPageRows: 15 });
    const { cache } = newCache(BERLIN);
    t.after(() => cache.close());
    fake.failNext('insert', 2, 'backendError');
    fake.failNext('getQueryResults', 2, 'rateLimitExceeded');
    const request = fetchRequest(fake, '2025-03-01', '2025-03-02', {
      // Once the dry run is through: the job's insert fails, then its answer is lost after the
      // job was created (retried with the same job id: answered 409, the job is used), then a
      // page's connection drops.
      onEstimate: () => {
        fake.failNext('insert', 1, 'internalError');
        fake.failNext('insert', 1, 'backendError', { afterEffect: true });
        fake.failNext('getQueryResults', 1, 'connectionReset');
      },
    });
    const summary = await fetchIntoCache(cache, request);
    assert.equal(summary.imported, 40);
    assert.equal(summary.duplicates, 0);
    assert.equal(realJobs(fake).length, 1, 'a retried insert creates no second job');
    // Dry run: 2 failures then done; job: a failure, a lost answer, a 409 for the job already made.
    assert.deepEqual(fake.requestsOf('insert').map((r) => r.status), [503, 503, 200, 500, 503, 409]);
    assert.equal(fake.requestsOf('getQueryResults').length, 3 + 3);
    assert.equal(parseCsv(exportsOf(cache).events).length, 41);
  });

  test('a non-transient error is not retried; retries end after the policy\'s attempts', async (t) => {
    const { fake } = await warehouse(t, rows());
    const { cache } = newCache(BERLIN);
    t.after(() => cache.close());
    const request = fetchRequest(fake, '2025-03-01', '2025-03-02');

    fake.failNext('getQueryResults', 1, { status: 403, reason: 'accessDenied', message: 'Access Denied: Table acme-analytics:mixpanel.mp_master_event: User does not have permission' });
    await assert.rejects(fetchIntoCache(cache, request), (e: Error) => {
      assert.match(e.message, /^permission denied on acme-analytics\.mixpanel\.mp_master_event: Access Denied/);
      return true;
    });
    assert.equal(fake.requestsOf('getQueryResults').length, 1);

    fake.failNext('getQueryResults', FAST_RETRY.attempts, 'backendError');
    await assert.rejects(fetchIntoCache(cache, request), /BigQuery error 503 \(backendError\)/);
    assert.equal(fake.requestsOf('getQueryResults').length, 1 + FAST_RETRY.attempts);

    fake.failNext('insert', 1, { status: 403, reason: 'quotaExceeded', message: 'Quota exceeded: Your project exceeded quota for concurrent queries.' });
    await assert.rejects(fetchIntoCache(cache, request), /BigQuery quota exceeded: Quota exceeded/);
    assert.equal(fake.requestsOf('insert').filter((r) => r.status === 403).length, 1);
    assert.equal(parseCsv(exportsOf(cache).events).length, 1, 'nothing was written');
  });
});
