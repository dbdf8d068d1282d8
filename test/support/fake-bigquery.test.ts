import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { BigQuery, BigQueryDate, BigQueryTimestamp, type Job } from '@google-cloud/bigquery';
import { javaDouble, startFakeBigQuery, type ApiErrorSpec, type FakeBigQuery, type FakeBigQueryOptions, type QueryRequest } from './fake-bigquery.ts';

// Drives the fake through the real client, so the fake's wire format is checked against what
// the client actually sends and parses (see the facts at the top of fake-bigquery.ts).

// The client asks google-auth-library for credentials even with a custom endpoint; this keeps
// that lookup from probing the GCE metadata server (a network call, and a MetadataLookupWarning).
process.env.METADATA_SERVER_DETECTION ??= 'none';

const SQL = 'SELECT user_id, event FROM `proj.analytics.events` WHERE time >= @range_start';

interface ClientError {
  code?: number | string;
  message: string;
  errors?: Array<{ reason?: string; message?: string }>;
  response?: { statusCode?: number };
}

async function setup(t: TestContext, options: FakeBigQueryOptions = {}): Promise<{ fake: FakeBigQuery; bq: BigQuery }> {
  const fake = await startFakeBigQuery({ projectId: 'proj', location: 'EU', ...options });
  t.after(() => fake.stop());
  return { fake, bq: clientFor(fake) };
}

function clientFor(fake: FakeBigQuery): BigQuery {
  return new BigQuery({ projectId: fake.projectId, apiEndpoint: fake.url, location: 'EU', autoRetry: false });
}

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  return assert.fail('expected the call to fail');
}

function body(fake: FakeBigQuery, index: number): Record<string, any> {
  return fake.requests[index].body as Record<string, any>;
}

function rowsOf(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [i, `user_${i}`]);
}

const ID_SCHEMA = [
  { name: 'n', type: 'INT64' },
  { name: 'user_id', type: 'STRING' },
];

/** Reads every page the way the application does: autoPaginate off, pageToken by hand. */
async function readAllPages(job: Job, maxResults: number) {
  const pages: Array<{ rows: Array<Record<string, unknown>>; totalRows?: string; token?: string }> = [];
  let pageToken: string | undefined;
  for (;;) {
    const [rows, next, response] = await job.getQueryResults({ maxResults, autoPaginate: false, ...(pageToken ? { pageToken } : {}) });
    const token = (next as { pageToken?: string } | null | undefined)?.pageToken;
    pages.push({ rows: rows as Array<Record<string, unknown>>, totalRows: (response as { totalRows?: string }).totalRows, token });
    if (!token) return pages;
    pageToken = token;
  }
}

test('a dry run is answered with the statistics only and creates no job', async (t) => {
  const { fake, bq } = await setup(t, {
    handler: () => ({ schema: ID_SCHEMA, rows: [[1, 'never sent']], totalBytesProcessed: 123_456_789 }),
  });
  const [dry] = await bq.createQueryJob({ query: SQL, location: 'EU', dryRun: true });
  const metadata = dry.metadata as Record<string, any>;
  assert.equal(metadata.statistics.totalBytesProcessed, '123456789');
  assert.equal(metadata.statistics.query.totalBytesProcessed, '123456789');
  assert.equal(metadata.status.state, 'DONE');
  assert.equal(metadata.jobReference.jobId, undefined);
  assert.equal(dry.location, 'EU');

  assert.equal(fake.requests.length, 1);
  const insert = fake.requests[0];
  assert.equal(insert.kind, 'insert');
  assert.equal(insert.method, 'POST');
  assert.equal(insert.path, '/bigquery/v2/projects/proj/jobs');
  assert.equal(insert.query.prettyPrint, 'false');
  // Only presence is recorded: false here unless Application Default Credentials are configured.
  assert.equal(typeof insert.authorization, 'boolean');
  // dryRun sits beside the query configuration, not inside it.
  assert.equal(body(fake, 0).configuration.dryRun, true);
  assert.equal(body(fake, 0).configuration.query.dryRun, undefined);
  assert.equal(fake.queries[0].dryRun, true);
  // The client made up a job id, but a dry run leaves nothing to fetch.
  const error = await rejection(dry.getMetadata());
  assert.equal(error.code, 404);
});

test('named parameters reach the API with their types and values', async (t) => {
  const { fake, bq } = await setup(t);
  const params = {
    event: 'signup',
    min_count: 5,
    // TIMESTAMP and DATE values must be the client's wrappers (or a Date): see the trap below.
    range_start: BigQuery.timestamp('2024-01-01T00:00:00Z'),
    created_before: new Date('2024-02-01T00:00:00Z'),
    day: BigQuery.date('2024-01-02'),
    names: ['a', 'b'],
  };
  const types = { event: 'STRING', min_count: 'INT64', range_start: 'TIMESTAMP', created_before: 'TIMESTAMP', day: 'DATE', names: ['STRING'] };
  const [job] = await bq.createQueryJob({
    query: SQL,
    params,
    types,
    location: 'EU',
    maximumBytesBilled: '1000000000',
    jobTimeoutMs: 60_000,
    labels: { client: 'session-explorer' },
    jobId: 'my_job_1',
  });
  assert.equal(job.id, 'my_job_1');
  assert.equal(job.location, 'EU');

  const sent = body(fake, 0);
  assert.deepEqual(sent.jobReference, { projectId: 'proj', jobId: 'my_job_1', location: 'EU' });
  assert.equal(sent.configuration.jobTimeoutMs, '60000');
  assert.deepEqual(sent.configuration.labels, { client: 'session-explorer' });
  const query = sent.configuration.query;
  assert.equal(query.query, SQL);
  assert.equal(query.useLegacySql, false);
  assert.equal(query.parameterMode, 'named');
  assert.equal(query.maximumBytesBilled, '1000000000');
  assert.deepEqual(query.types, types, 'the client also sends its own `types` option');
  assert.deepEqual(query.queryParameters, [
    { parameterType: { type: 'STRING' }, parameterValue: { value: 'signup' }, name: 'event' },
    // An INT64 number is sent as a JSON number, not a string.
    { parameterType: { type: 'INT64' }, parameterValue: { value: 5 }, name: 'min_count' },
    { parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-01-01T00:00:00.000Z' }, name: 'range_start' },
    { parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-02-01T00:00:00.000Z' }, name: 'created_before' },
    { parameterType: { type: 'DATE' }, parameterValue: { value: '2024-01-02' }, name: 'day' },
    { parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [{ value: 'a' }, { value: 'b' }] }, name: 'names' },
  ]);

  const expected: QueryRequest = {
    sql: SQL,
    params: {
      event: { type: 'STRING', value: 'signup' },
      min_count: { type: 'INT64', value: 5 },
      range_start: { type: 'TIMESTAMP', value: '2024-01-01T00:00:00.000Z' },
      created_before: { type: 'TIMESTAMP', value: '2024-02-01T00:00:00.000Z' },
      day: { type: 'DATE', value: '2024-01-02' },
      names: { type: 'ARRAY<STRING>', value: ['a', 'b'] },
    },
    positionalParams: [],
    dryRun: false,
    maximumBytesBilled: '1000000000',
    location: 'EU',
    jobId: 'my_job_1',
    jobTimeoutMs: '60000',
    labels: { client: 'session-explorer' },
    via: 'jobs.insert',
  };
  assert.deepEqual(fake.queries[0], expected);

  // Positional parameters and a NULL (which needs its type) through jobs.query.
  await bq.query({ query: 'SELECT ?, ?', params: ['x', null], types: ['STRING', 'INT64'] });
  assert.deepEqual(fake.queries[1].positionalParams, [
    { type: 'STRING', value: 'x' },
    { type: 'INT64', value: null },
  ]);

  // The trap: a plain string with type TIMESTAMP or DATE loses its value on the way out
  // (`parameterValue: {}`, which BigQuery reads as NULL).
  await bq.createQueryJob({
    query: SQL,
    params: { range_start: '2024-01-01T00:00:00.000Z', day: '2024-01-02' },
    types: { range_start: 'TIMESTAMP', day: 'DATE' },
  });
  assert.deepEqual(
    body(fake, 2).configuration.query.queryParameters.map((q: { parameterValue: unknown }) => q.parameterValue),
    [{}, {}],
  );
  assert.deepEqual(fake.queries[2].params, {
    range_start: { type: 'TIMESTAMP', value: undefined },
    day: { type: 'DATE', value: undefined },
  });
});

test('values arrive in the REST encoding and convert as the client converts them', async (t) => {
  const schema = [
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'ts_micros', type: 'TIMESTAMP' },
    { name: 'n', type: 'INT64' },
    { name: 'big', type: 'INT64' },
    { name: 'f', type: 'FLOAT64' },
    { name: 'b', type: 'BOOL' },
    { name: 'j', type: 'JSON' },
    { name: 's', type: 'STRING' },
    { name: 'missing', type: 'STRING' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' as const },
    { name: 'rec', type: 'STRUCT', fields: [{ name: 'a', type: 'INT64' }, { name: 'b', type: 'STRING' }] },
    { name: 'day', type: 'DATE' },
  ];
  const row = [
    new Date('2024-01-01T00:00:00Z'),
    '2024-01-01 00:00:00.123456 UTC',
    42,
    9007199254740993n,
    1.5,
    true,
    { a: 1, b: [true] },
    'x',
    null,
    ['p', 'q'],
    { a: 7, b: 'z' },
    '2024-01-02',
  ];
  const { fake, bq } = await setup(t, { handler: () => ({ schema, rows: [row] }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });

  // The wire format, fetched raw: every scalar a string, TIMESTAMP as int64 microseconds.
  const base = `${fake.url}/bigquery/v2/projects/proj/queries/${job.id}?location=EU`;
  const raw = (await (await fetch(`${base}&formatOptions.useInt64Timestamp=true`)).json()) as Record<string, any>;
  assert.equal(raw.totalRows, '1');
  assert.equal(raw.jobComplete, true);
  assert.deepEqual(raw.jobReference, { projectId: 'proj', jobId: job.id, location: 'EU' });
  assert.deepEqual(
    raw.schema.fields.map((f: { type: string }) => f.type),
    ['TIMESTAMP', 'TIMESTAMP', 'INTEGER', 'INTEGER', 'FLOAT', 'BOOLEAN', 'JSON', 'STRING', 'STRING', 'STRING', 'RECORD', 'DATE'],
  );
  assert.deepEqual(raw.rows, [
    {
      f: [
        { v: '1704067200000000' },
        { v: '1704067200123456' },
        { v: '42' },
        { v: '9007199254740993' },
        { v: '1.5' },
        { v: 'true' },
        { v: '{"a":1,"b":[true]}' },
        { v: 'x' },
        { v: null },
        { v: [{ v: 'p' }, { v: 'q' }] },
        { v: { f: [{ v: '7' }, { v: 'z' }] } },
        { v: '2024-01-02' },
      ],
    },
  ]);
  // Without the option the API answers float seconds.
  const floats = (await (await fetch(base)).json()) as Record<string, any>;
  assert.equal(floats.rows[0].f[0].v, '1.7040672E9');
  assert.equal(floats.rows[0].f[1].v, '1.704067200123456E9');

  // What the client makes of it.
  const [rows] = await job.getQueryResults({ autoPaginate: false });
  const got = rows[0] as Record<string, any>;
  assert.ok(got.ts instanceof BigQueryTimestamp);
  assert.equal(got.ts.value, '2024-01-01T00:00:00.000Z');
  assert.equal(got.ts_micros.value, '2024-01-01T00:00:00.123456000Z');
  assert.equal(got.n, 42);
  assert.equal(got.big, 9007199254740992, 'INT64 becomes a Number: precision is lost above 2^53');
  assert.equal(got.f, 1.5);
  assert.equal(got.b, true);
  assert.equal(got.j, '{"a":1,"b":[true]}', 'JSON stays text by default');
  assert.equal(got.s, 'x');
  assert.equal(got.missing, null);
  assert.deepEqual(got.tags, ['p', 'q']);
  assert.deepEqual(got.rec, { a: 7, b: 'z' });
  assert.ok(got.day instanceof BigQueryDate);
  assert.equal(got.day.value, '2024-01-02');

  const [parsed] = await job.getQueryResults({ autoPaginate: false, parseJSON: true, wrapIntegers: true });
  const p = parsed[0] as Record<string, any>;
  assert.deepEqual(p.j, { a: 1, b: [true] });
  assert.equal(p.big.value, '9007199254740993');

  assert.equal(javaDouble(3), '3.0');
  assert.equal(javaDouble(0.001), '0.001');
  assert.equal(javaDouble(1e-5), '1.0E-5');
  assert.equal(javaDouble(12_345_678.5), '1.23456785E7');
  assert.equal(javaDouble(Number.NaN), 'NaN');
});

test('2,500 rows come over many pages with opaque page tokens', async (t) => {
  const { fake, bq } = await setup(t, { handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(2500), totalBytesProcessed: 5000 }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const pages = await readAllPages(job, 1000);
  assert.deepEqual(
    pages.map((p) => p.rows.length),
    [1000, 1000, 500],
  );
  assert.ok(pages.every((p) => p.totalRows === '2500'));
  const ids = pages.flatMap((p) => p.rows.map((r) => r.n));
  assert.deepEqual(ids, Array.from({ length: 2500 }, (_, i) => i));

  const reads = fake.requestsOf('getQueryResults');
  assert.equal(reads.length, 3);
  assert.equal(reads[0].query.pageToken, undefined);
  assert.equal(reads[1].query.pageToken, pages[0].token);
  assert.equal(reads[2].query.pageToken, pages[1].token);
  for (const read of reads) {
    assert.equal(read.query.maxResults, '1000');
    assert.equal(read.query.location, 'EU');
    assert.equal(read.query['formatOptions.useInt64Timestamp'], 'true');
  }
  assert.ok(!/^\d+$/.test(pages[0].token ?? ''), 'page tokens are not row offsets');

  // Auto-pagination reads the same rows.
  const [all] = await job.getQueryResults();
  assert.equal(all.length, 2500);

  const bad = await rejection(job.getQueryResults({ maxResults: 10, autoPaginate: false, pageToken: 'nope' }));
  assert.equal(bad.code, 400);
});

test('maxPageRows forces small pages whatever maxResults asks for', async (t) => {
  const { bq } = await setup(t, { maxPageRows: 300, handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(2500) }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const pages = await readAllPages(job, 1000);
  assert.deepEqual(
    pages.map((p) => p.rows.length),
    [300, 300, 300, 300, 300, 300, 300, 300, 100],
  );
});

test('pendingPolls keeps the job running for the first polls', async (t) => {
  const { fake, bq } = await setup(t, { handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(2), pendingPolls: 3 }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  assert.equal((job.metadata as Record<string, any>).status.state, 'RUNNING');

  const [metadata] = await job.getMetadata();
  assert.equal(metadata.status.state, 'RUNNING');

  // With a numeric timeoutMs the client turns "not complete yet" into a plain Error.
  const timedOut = await rejection(job.getQueryResults({ maxResults: 10, autoPaginate: false, timeoutMs: 10_000 }));
  assert.equal(timedOut.message, 'The query did not complete before 10000ms');
  assert.equal(timedOut.code, undefined);

  const [rows, next, response] = await job.getQueryResults({ maxResults: 10, autoPaginate: false });
  assert.deepEqual(rows, []);
  assert.equal((response as Record<string, unknown>).jobComplete, false);
  assert.deepEqual(next, { maxResults: 10, autoPaginate: false });

  const [done, last, final] = await job.getQueryResults({ maxResults: 10, autoPaginate: false });
  assert.equal(done.length, 2);
  assert.equal(last, null);
  assert.equal((final as Record<string, unknown>).totalRows, '2');
  assert.equal(fake.job(job.id!)?.polls, 4);
  assert.equal(fake.job(job.id!)?.state, 'DONE');
});

test('bq.query goes through jobs.query and then pages with getQueryResults', async (t) => {
  const { fake, bq } = await setup(t, { maxPageRows: 2, handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(5), pendingPolls: 1 }) });
  const [rows] = await bq.query({ query: SQL, params: { range_start: new Date('2024-01-01T00:00:00Z') }, types: { range_start: 'TIMESTAMP' }, location: 'EU' });
  assert.equal(rows.length, 5);
  assert.deepEqual(
    fake.requests.map((r) => r.kind),
    ['query', 'getQueryResults', 'getQueryResults', 'getQueryResults'],
  );
  const sent = body(fake, 0);
  assert.equal(fake.requests[0].path, '/bigquery/v2/projects/proj/queries');
  assert.deepEqual(sent.formatOptions, { useInt64Timestamp: true });
  assert.equal(sent.location, 'EU');
  assert.equal(typeof sent.requestId, 'string');
  assert.deepEqual(fake.queries[0].params, { range_start: { type: 'TIMESTAMP', value: '2024-01-01T00:00:00.000Z' } });
  assert.equal(fake.queries[0].via, 'jobs.query');
});

const INSERT_ERRORS: ApiErrorSpec[] = [
  { status: 404, reason: 'notFound', message: 'Not found: Table proj:analytics.events was not found in location EU' },
  {
    status: 403,
    reason: 'accessDenied',
    message: 'Access Denied: Table proj:analytics.events: User does not have permission to query table proj:analytics.events, or perhaps it does not exist.',
  },
  { status: 400, reason: 'bytesBilledLimitExceeded', message: 'Query exceeded limit for bytes billed: 1000. 10485760 or higher required.' },
  { status: 403, reason: 'quotaExceeded', message: 'Quota exceeded: Your project exceeded quota for free query bytes scanned.' },
];

test('an error answered on insert surfaces with its status, reason and message', async (t) => {
  const { fake, bq } = await setup(t);
  for (const spec of INSERT_ERRORS) {
    fake.setHandler(() => ({ error: spec }));
    for (const call of [
      () => bq.createQueryJob({ query: SQL, location: 'EU', maximumBytesBilled: '1000' }),
      () => bq.createQueryJob({ query: SQL, location: 'EU', dryRun: true }),
      () => bq.query({ query: SQL, location: 'EU' }),
    ]) {
      const error = await rejection(call());
      assert.equal(error.code, spec.status, spec.reason);
      assert.equal(error.errors?.[0]?.reason, spec.reason);
      assert.equal(error.message, spec.message);
      assert.equal(error.response?.statusCode, spec.status);
    }
  }
  const last = fake.requests.at(-1)!;
  assert.equal(last.status, 403);
});

test('a job that fails reports errorResult when polled', async (t) => {
  const { fake, bq } = await setup(t, {
    handler: () => ({ jobError: { reason: 'invalidQuery', message: 'Unrecognized name: evnt at [3:8]' }, pendingPolls: 1 }),
  });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const [running] = await job.getMetadata();
  assert.equal(running.status.state, 'RUNNING');
  // jobs.get itself succeeds: the failure is in the job's status.
  const [failed] = await job.getMetadata();
  assert.equal(failed.status.state, 'DONE');
  assert.deepEqual(failed.status.errorResult, { reason: 'invalidQuery', message: 'Unrecognized name: evnt at [3:8]' });
  const error = await rejection(job.getQueryResults({ maxResults: 10, autoPaginate: false }));
  assert.equal(error.code, 400);
  assert.equal(error.errors?.[0]?.reason, 'invalidQuery');
  assert.equal(error.message, 'Unrecognized name: evnt at [3:8]');

  // Polling by job.promise() turns errorResult into an ApiError without an HTTP code.
  fake.setHandler(() => ({ jobError: { reason: 'resourcesExceeded', message: 'Resources exceeded during query execution' } }));
  const [second] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const polled = await rejection(second.promise());
  assert.equal(polled.code, undefined);
  assert.equal(polled.errors?.[0]?.reason, 'resourcesExceeded');

  // A failure already in the insert response (HTTP 200) rejects createQueryJob, again without a code.
  fake.setHandler(() => ({ jobError: { reason: 'invalidQuery', message: 'Syntax error: Unexpected end of script' }, onInsert: true }));
  const onInsert = await rejection(bq.createQueryJob({ query: SQL, location: 'EU' }));
  assert.equal(onInsert.code, undefined);
  assert.equal(onInsert.errors?.[0]?.reason, 'invalidQuery');
  assert.equal(onInsert.message, 'Syntax error: Unexpected end of script');

  // maximumBytesBilled is enforced like BigQuery: at least 10 MiB billed, whole MiB.
  fake.setHandler(() => ({ schema: ID_SCHEMA, rows: rowsOf(1), totalBytesProcessed: 5e9 }));
  const [capped] = await bq.createQueryJob({ query: SQL, location: 'EU', maximumBytesBilled: '1000000000' });
  const billed = await rejection(capped.getQueryResults({ autoPaginate: false }));
  assert.equal(billed.code, 400);
  assert.equal(billed.errors?.[0]?.reason, 'bytesBilledLimitExceeded');
  assert.equal(billed.message, 'Query exceeded limit for bytes billed: 1000000000. 5000658944 or higher required.');
});

test('cancel stops the job; later polls report reason stopped', async (t) => {
  const { fake, bq } = await setup(t, { handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(3), pendingPolls: 100 }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const [answer] = await job.cancel();
  assert.equal(answer.kind, 'bigquery#jobCancelResponse');
  assert.equal(answer.job?.status?.errorResult?.reason, 'stopped');

  const cancel = fake.requestsOf('cancel')[0];
  assert.equal(cancel.method, 'POST');
  assert.equal(cancel.path, `/bigquery/v2/projects/proj/jobs/${job.id}/cancel`);
  assert.equal(cancel.query.location, 'EU');
  assert.equal(cancel.jobId, job.id);
  assert.equal(fake.job(job.id!)?.cancelled, true);

  const [metadata] = await job.getMetadata();
  assert.equal(metadata.status.state, 'DONE');
  assert.equal(metadata.status.errorResult.reason, 'stopped');
  assert.equal(metadata.status.errorResult.message, 'Job execution was cancelled: User requested cancellation');
  const error = await rejection(job.getQueryResults({ maxResults: 10, autoPaginate: false }));
  assert.equal(error.errors?.[0]?.reason, 'stopped');
});

test('a held page lets a test cancel mid-fetch; delays slow a response', async (t) => {
  const { fake, bq } = await setup(t, { maxPageRows: 10, handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(30) }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const [first, next] = await job.getQueryResults({ maxResults: 100, autoPaginate: false });
  assert.equal(first.length, 10);
  const pageToken = (next as { pageToken: string }).pageToken;

  const gate = fake.hold('getQueryResults');
  const pending = job.getQueryResults({ maxResults: 100, autoPaginate: false, pageToken });
  const held = await gate.arrived;
  assert.equal(held.query.pageToken, pageToken);
  await job.cancel();
  gate.release();
  const error = await rejection(pending);
  assert.equal(error.errors?.[0]?.reason, 'stopped');

  // 'ignore' keeps a finished job readable after cancel, as BigQuery does.
  const ignoring = await startFakeBigQuery({ location: 'EU', cancelFinishedJobs: 'ignore', handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(2) }) });
  t.after(() => ignoring.stop());
  const other = clientFor(ignoring);
  const [finished] = await other.createQueryJob({ query: SQL, location: 'EU' });
  await finished.cancel();
  const [stillThere] = await finished.getQueryResults({ autoPaginate: false });
  assert.equal(stillThere.length, 2);

  fake.setHandler(() => ({ schema: ID_SCHEMA, rows: rowsOf(1) }));
  const [quick] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  fake.delayNext('getQueryResults', 150);
  const started = Date.now();
  await quick.getQueryResults({ autoPaginate: false });
  assert.ok(Date.now() - started >= 140, 'the page waited');
});

test('transient faults answer the next requests of a kind, then the request succeeds', async (t) => {
  const { fake, bq } = await setup(t, { handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(2) }) });
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  fake.failNext('getQueryResults', 2, 'backendError');
  const failures: ClientError[] = [];
  let rows: unknown[] | undefined;
  for (let attempt = 0; attempt < 5 && rows === undefined; attempt++) {
    try {
      [rows] = await job.getQueryResults({ maxResults: 10, autoPaginate: false });
    } catch (error) {
      failures.push(error as ClientError);
    }
  }
  assert.equal(rows?.length, 2);
  assert.deepEqual(
    failures.map((f) => [f.code, f.errors?.[0]?.reason]),
    [
      [503, 'backendError'],
      [503, 'backendError'],
    ],
  );
  assert.deepEqual(
    fake.requestsOf('getQueryResults').map((r) => r.status),
    [503, 503, 200],
  );

  fake.failNext('insert', 1, 'rateLimitExceeded');
  fake.failNext('insert', 1, 'internalError');
  const limited = await rejection(bq.createQueryJob({ query: SQL, location: 'EU' }));
  assert.deepEqual([limited.code, limited.errors?.[0]?.reason], [429, 'rateLimitExceeded']);
  const internal = await rejection(bq.createQueryJob({ query: SQL, location: 'EU' }));
  assert.deepEqual([internal.code, internal.errors?.[0]?.reason], [500, 'internalError']);

  fake.failNext('get', 1, 'connectionReset');
  const reset = await rejection(job.getMetadata());
  assert.equal(reset.code, 'ECONNRESET');

  // A lost insert response: the job exists, so inserting the same jobId again is a 409.
  fake.failNext('insert', 1, 'backendError', { afterEffect: true });
  const lost = await rejection(bq.createQueryJob({ query: SQL, location: 'EU', jobId: 'fixed_id' }));
  assert.equal(lost.code, 503);
  const duplicate = await rejection(bq.createQueryJob({ query: SQL, location: 'EU', jobId: 'fixed_id' }));
  assert.deepEqual([duplicate.code, duplicate.errors?.[0]?.reason], [409, 'duplicate']);
  const [again] = await bq.job('fixed_id', { location: 'EU' }).getQueryResults({ autoPaginate: false });
  assert.equal(again.length, 2);
});

test('with autoRetry the client retries 5xx, 429, rateLimitExceeded and dropped connections itself', async (t) => {
  const fake = await startFakeBigQuery({ projectId: 'proj', location: 'EU', handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(1) }) });
  t.after(() => fake.stop());
  // maxRetryDelay (seconds) keeps the client's backoff (2 s, 4 s, 8 s by default) short here.
  const bq = new BigQuery({ projectId: 'proj', apiEndpoint: fake.url, location: 'EU', retryOptions: { autoRetry: true, maxRetries: 3, maxRetryDelay: 0.02 } });

  fake.failNext('insert', 1, 'backendError');
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const inserts = fake.requestsOf('insert');
  assert.deepEqual(
    inserts.map((r) => r.status),
    [503, 200],
  );
  assert.equal((inserts[1].body as Record<string, any>).jobReference.jobId, (inserts[0].body as Record<string, any>).jobReference.jobId);

  fake.failNext('getQueryResults', 2, 'rateLimitExceeded');
  const [rows] = await job.getQueryResults({ autoPaginate: false });
  assert.equal(rows.length, 1);
  assert.deepEqual(
    fake.requestsOf('getQueryResults').map((r) => r.status),
    [429, 429, 200],
  );

  // The reason in the body counts too: BigQuery's 403 rateLimitExceeded is retried...
  fake.failNext('get', 1, { status: 403, reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many table update operations' });
  fake.failNext('get', 1, 'connectionReset');
  await job.getMetadata();
  assert.deepEqual(
    fake.requestsOf('get').map((r) => r.status),
    [403, 0, 200],
  );
  // ...a 403 quotaExceeded is not.
  fake.failNext('get', 1, { status: 403, reason: 'quotaExceeded', message: 'Quota exceeded: Your project exceeded quota for concurrent queries.' });
  const error = await rejection(job.getMetadata());
  assert.equal(error.code, 403);
  assert.equal(fake.requestsOf('get').length, 4);
});

test('jobs are found only in their location; unknown routes are 404; stop closes everything', async (t) => {
  const { fake, bq } = await setup(t, { handler: () => ({ schema: ID_SCHEMA, rows: rowsOf(1) }) });
  assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const [job] = await bq.createQueryJob({ query: SQL, location: 'EU' });
  const elsewhere = await rejection(bq.job(job.id!, { location: 'US' }).getMetadata());
  assert.equal(elsewhere.code, 404);
  assert.equal(elsewhere.errors?.[0]?.reason, 'notFound');

  const unknown = await fetch(`${fake.url}/bigquery/v2/projects/proj/datasets`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0].reason, 'notFound');
  assert.equal(fake.requests.at(-1)?.kind, 'other');

  const garbled = await fetch(`${fake.url}/bigquery/v2/projects/proj/jobs`, { method: 'POST', body: '{not json' });
  assert.equal(garbled.status, 400);
  const huge = await fetch(`${fake.url}/bigquery/v2/projects/proj/jobs`, { method: 'POST', body: 'x'.repeat(11 * 1024 * 1024) }).then(
    (r) => r.status,
    () => 'dropped',
  );
  assert.ok(huge === 413 || huge === 'dropped', `an oversized body is refused (${huge})`);

  // A request held forever does not keep stop() waiting, and the port closes.
  fake.hold('getQueryResults');
  const pending = job.getQueryResults({ autoPaginate: false }).catch((e: unknown) => e);
  while (fake.requestsOf('getQueryResults').length === 0) await new Promise((r) => setTimeout(r, 5));
  await fake.stop();
  const dropped = (await pending) as ClientError;
  assert.ok(dropped instanceof Error);
  const refused = await fetch(`${fake.url}/`).then(
    () => 'answered',
    () => 'refused',
  );
  assert.equal(refused, 'refused');
});
