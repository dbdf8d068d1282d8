// `session-explorer fetch bigquery` as a user runs it, against the fake BigQuery (--api-endpoint):
// a fetch equals an import of the same events, the dry run, the bytes guard, Ctrl+C, every
// failure as one line on stderr with the cache unchanged, and credentials that never leak.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { fetchIntoCache } from '../../core/bigquery/fetch-events.ts';
import { defaultDefinition } from '../../core/definition.ts';
import { assertCleanFailure, cliFails, cliOk, collect, exportText, parseJsonLine, runCli, snapshot, spawnCli, tempDir } from '../support/cli.ts';
import type { FakeBigQuery, FakeBigQueryOptions } from '../support/fake-bigquery.ts';
import { startEgressRecorder, type EgressRecorder } from './support/egress.ts';
import {
  PROJECT,
  arrivedBefore,
  TABLE,
  eventually,
  exportsAt,
  fetchArgs,
  fetchRequest,
  isolatedEnv,
  newCache,
  realJobs,
  row,
  startWarehouse,
  writeMixpanelFile,
  type TableRow,
  type Warehouse,
} from './support/warehouse.ts';

const NEW_YORK = ['--tz', 'America/New_York'];

/**
 * Local dates 2025-03-08..10 in America/New_York (DST starts 03-09), with rows just outside
 * them, attributes under Mixpanel's and their own names, a duplicate, an exact repeat without an
 * insert id, an excluded event, a row without a user, and user ids / event names that need quoting.
 */
const NY_ROWS: TableRow[] = [
  row('anna', '2025-03-08T04:59:59.999Z', 'open', 'e0', { mp_country_code: 'US' }), // 03-07 local: out
  row('anna', '2025-03-08T05:00:00.000Z', 'open', 'e1', { plan: 'free' }),
  row('anna', '2025-03-08T05:20:00.000Z', 'view', 'e2', { mp_country_code: 'US', $os: 'iOS', $device: 'iPhone' }),
  row('anna', '2025-03-08T05:20:00.000Z', 'view', 'e2', { mp_country_code: 'US', $os: 'iOS', $device: 'iPhone' }),
  row('anna', '2025-03-08T05:50:00.001Z', 'view', 'e3', { mp_country_code: 'CA' }), // 30 min + 1 ms: a new session
  row('anna', '2025-03-09T06:59:00.000Z', 'open', 'e4', { country: 'MX' }), // 01:59 EST
  row('anna', '2025-03-09T07:01:00.000Z', 'open', 'e5', {}), // 03:01 EDT, two minutes later
  row('ben, "the dev"', '2025-03-10T03:59:59.999Z', 'Kauf, "bestätigt"', 'e6', { $os: 'Android' }),
  row('ben, "the dev"', '2025-03-10T04:00:00.000Z', 'open', 'e7', {}), // 03-10 00:00 EDT
  row('Zoë 🚀', '2025-03-10T12:00:00.000Z', '$identify', 'e8', { mp_country_code: 'FR' }),
  row('Zoë 🚀', '2025-03-10T12:01:00.000Z', 'open', null, { mp_country_code: 'FR', $device: 'Pixel' }),
  row('Zoë 🚀', '2025-03-10T12:01:00.000Z', 'open', null, { mp_country_code: 'FR', $device: 'Pixel' }),
  row('Zoë 🚀', '2025-03-11T03:59:59.999Z', 'close', 'e9', {}),
  row('Zoë 🚀', '2025-03-11T04:00:00.000Z', 'close', 'e10', {}), // 03-11 local: out
  row(null, '2025-03-09T12:00:00.000Z', 'open', 'e11', {}),
];

const CANCELLED = 'session-explorer: fetch cancelled: the BigQuery job was cancelled and the cache is unchanged';

/** The rows of the caches the failure tests start from. */
const SEED_ROWS: TableRow[] = [
  row('u1', '2025-03-01T10:00:00.000Z', 'open', 's1', { mp_country_code: 'DE' }),
  row('u1', '2025-03-01T10:10:00.000Z', 'view', 's2', {}),
  row('u2', '2025-03-02T08:00:00.000Z', 'open', 's3', { $os: 'iOS' }),
];

/** The same days as they are in the warehouse now: a fetch that got through would change the cache. */
const CHANGED_ROWS: TableRow[] = [...SEED_ROWS.slice(1), row('u3', '2025-03-02T09:00:00.000Z', 'open', 's4', {})];

function warehouse(t: TestContext, rows: TableRow[], options: FakeBigQueryOptions = {}): Promise<Warehouse> {
  return startWarehouse(rows, (stop) => t.after(stop), options);
}

let seededPath = '';
let seededExports: { sessions: string; events: string };
let egress: EgressRecorder;

before(async () => {
  const stops: Array<() => Promise<void>> = [];
  const { fake } = await startWarehouse(SEED_ROWS, (stop) => stops.push(stop));
  const { path, cache } = newCache();
  await fetchIntoCache(cache, fetchRequest(fake, '2025-03-01', '2025-03-02'));
  cache.close();
  for (const stop of stops) await stop();
  seededPath = path;
  seededExports = exportsAt(path);
  assert.equal(seededExports.events.trim().split('\n').length, 4);
  egress = await startEgressRecorder();
});
after(() => egress.stop());

/** A copy of the seeded cache (holding 03-01..03-02), in a folder of its own. */
function seededCopy(): { dir: string; db: string } {
  const dir = tempDir();
  const db = join(dir, 'cache.db');
  copyFileSync(seededPath, db);
  return { dir, db };
}

function assertUnchanged(db: string): void {
  assert.deepEqual(exportsAt(db), seededExports, 'the cache changed');
}

describe('fetch bigquery', { concurrency: 3 }, () => {
  test('equals an import of the same events as a Mixpanel export file (sessions and events byte-equal)', async (t) => {
    const { fake } = await warehouse(t, NY_ROWS, { maxPageRows: 4 });
    const dir = tempDir();
    const file = join(dir, 'export.ndjson');
    writeMixpanelFile(file, NY_ROWS);
    const imported = join(dir, 'imported.db');
    const fetched = join(dir, 'fetched.db');
    const flags = ['--from', '2025-03-08', '--to', '2025-03-10', ...NEW_YORK, '--exclude-events', '$identify', '--json'];
    const a = parseJsonLine(await cliOk(['import', file, '--db', imported, ...flags], { env: isolatedEnv() }));
    const r = await cliOk([...fetchArgs(fake, fetched, '2025-03-08', '2025-03-10'), ...NEW_YORK, '--exclude-events', '$identify', '--json'], { env: isolatedEnv() });
    assert.equal(r.stderr, '');
    const b = parseJsonLine(r);

    const job = realJobs(fake)[0];
    assert.equal(Date.parse(String(job.params.range_start.value)), Date.parse('2025-03-08T05:00:00Z'));
    assert.equal(Date.parse(String(job.params.range_end.value)), Date.parse('2025-03-11T04:00:00Z'));
    assert.ok(fake.requestsOf('getQueryResults').length > 1, 'read over several pages');

    const counts = ['imported', 'duplicates', 'rejected', 'days', 'sessions', 'events'];
    const pick = (s: Record<string, unknown>) => Object.fromEntries(counts.map((k) => [k, s[k]]));
    assert.deepEqual(pick(b), pick(a));
    // 14 rows with a user: 2 outside the dates, a duplicate and an exact repeat. $identify is
    // cached (10 events) but takes no part in sessions nor in the events export.
    assert.deepEqual(pick(b), { imported: 10, duplicates: 2, rejected: 1, days: 3, sessions: 7, events: 10 });
    assert.equal(a.out_of_range, 2);

    const fromFile = await snapshot(imported);
    assert.deepEqual(await snapshot(fetched), fromFile);
    assert.match(fromFile.sessions, /^anna,1,2025-03-08,2025-03-08,2025-03-08T05:00:00\.000Z,2025-03-08T05:20:00\.000Z,1200,2,open,view,US,iPhone,iOS$/m);
    assert.match(fromFile.sessions, /^anna,3,2025-03-09,.*,MX,,$/m);
    assert.match(fromFile.events, /^"ben, ""the dev""",1,.*,"Kauf, ""bestätigt""",,,Android$/m);
    assert.equal(fromFile.events.trim().split('\n').length, 1 + 9);
    assert.doesNotMatch(fromFile.events, /\$identify/);
  });

  test('--dry-run prints the bytes and the cost and fetches nothing', async (t) => {
    const { fake, table } = await warehouse(t, CHANGED_ROWS);
    table.bytesPerRow = 2 ** 40 / CHANGED_ROWS.length; // 1 TiB in all
    const { dir, db } = seededCopy();
    const fresh = join(dir, 'new.db');
    const text = await cliOk([...fetchArgs(fake, fresh, '2025-03-01', '2025-03-02'), '--dry-run', '--price-per-tib', '5'], { env: isolatedEnv() });
    assert.equal(text.stdout, 'BigQuery will process 1.00 TiB (estimated on-demand cost $5.0000; --max-bytes 10.0 GiB)\nnothing fetched (dry run)\n');
    assert.equal(existsSync(fresh), false, 'a dry run creates no cache');

    const json = parseJsonLine(await cliOk([...fetchArgs(fake, db, '2025-03-01', '2025-03-02'), '--dry-run', '--json'], { env: isolatedEnv() }));
    assert.deepEqual(json, { dry_run: true, bytes: 2 ** 40, estimated_cost_usd: 6.25, max_bytes: 10 * 1024 ** 3, table: TABLE });
    assertUnchanged(db);
    assert.ok(fake.queries.length === 2 && fake.queries.every((q) => q.dryRun), 'only dry runs');
    assert.equal(fake.requestsOf('getQueryResults').length, 0);
  });

  test('--dry-run on a cache reads its stored time zone for the range', async (t) => {
    const { fake } = await warehouse(t, NY_ROWS);
    const { path, cache } = newCache({ ...defaultDefinition(), timeZone: 'America/New_York' });
    cache.close();
    await cliOk([...fetchArgs(fake, path, '2025-03-09', '2025-03-09'), '--dry-run'], { env: isolatedEnv() });
    const [dry] = fake.queries;
    assert.equal(Date.parse(String(dry.params.range_start.value)), Date.parse('2025-03-09T05:00:00Z'));
    assert.equal(Date.parse(String(dry.params.range_end.value)), Date.parse('2025-03-10T04:00:00Z'));
  });

  test('--max-bytes below the dry run is refused before any job; otherwise the job carries it as maximumBytesBilled', async (t) => {
    const { fake } = await warehouse(t, CHANGED_ROWS);
    const { db } = seededCopy();
    const line = await cliFails([...fetchArgs(fake, db, '2025-03-01', '2025-03-02'), '--max-bytes', '2KB'], { env: isolatedEnv() });
    assert.equal(line, 'session-explorer: the query would process 2.93 KiB, more than --max-bytes 1.95 KiB: narrow the range or raise --max-bytes');
    assert.deepEqual(fake.queries.map((q) => q.dryRun), [true]);
    assertUnchanged(db);

    const r = await cliOk([...fetchArgs(fake, db, '2025-03-01', '2025-03-02'), '--max-bytes', '50MB'], { env: isolatedEnv() });
    assert.match(r.stdout, /^BigQuery will process 2\.93 KiB \(estimated on-demand cost \$0\.0000; --max-bytes 47\.7 MiB\)\nimported 3 events/);
    assert.equal(realJobs(fake)[0].maximumBytesBilled, '50000000');
    assert.deepEqual(fake.queries.map((q) => q.dryRun), [true, true, false], 'a dry run before the job');
  });

  test('Ctrl+C while the job runs cancels it and leaves the cache unchanged', async (t) => {
    const { fake } = await warehouse(t, CHANGED_ROWS);
    const { db } = seededCopy();
    const held = fake.hold('getQueryResults');
    const child = spawnCli(fetchArgs(fake, db, '2025-03-01', '2025-03-02'), { env: isolatedEnv(), timeoutMs: 30_000 });
    const result = collect(child);
    await arrivedBefore(held, result);
    child.kill('SIGINT');
    await eventually(() => fake.requestsOf('cancel').length > 0, 'jobs.cancel');
    held.release();
    const r = await result;
    assert.equal(r.signal, null);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `${CANCELLED}\n`);
    const jobId = realJobs(fake)[0].jobId!;
    assert.deepEqual(fake.requestsOf('cancel').map((c) => c.jobId), [jobId]);
    assert.equal(fake.job(jobId)?.cancelled, true);
    assertUnchanged(db);
  });
});

interface FailureCase {
  name: string;
  /** Arguments after `fetch bigquery --db DB ...` of 03-01..03-02 against the fake. */
  args?: string[];
  /** Replaces the whole argument list (for runs without --api-endpoint). */
  argv?: (fake: FakeBigQuery, db: string, dir: string) => string[];
  arrange?: (warehouse: Warehouse) => void;
  message: RegExp;
  /** The job is created, then fails (otherwise no job may exist). */
  job?: boolean;
  /** Refused before any request. */
  noRequest?: boolean;
}

const DENIED = 'Access Denied: Table acme-analytics:mixpanel.mp_master_event: User does not have permission to query table acme-analytics:mixpanel.mp_master_event';

function keyFileArgs(content: string) {
  return (_fake: FakeBigQuery, db: string, dir: string): string[] => {
    const key = join(dir, 'key.json');
    writeFileSync(key, content);
    return ['fetch', 'bigquery', '--db', db, '--table', TABLE, '--from', '2025-03-01', '--to', '2025-03-02', '--key-file', key];
  };
}

const FAILURES: FailureCase[] = [
  {
    name: 'a table that does not exist (404 notFound)',
    argv: (fake, db) => fetchArgs(fake, db, '2025-03-01', '2025-03-02').map((a) => (a === TABLE ? `${PROJECT}.mixpanel.no_such_table` : a)),
    message: /^session-explorer: not found in BigQuery \(acme-analytics\.mixpanel\.no_such_table\): Not found: Table acme-analytics:mixpanel\.no_such_table/,
  },
  {
    name: 'no permission on the table (403 accessDenied)',
    arrange: ({ fake }) => fake.failNext('insert', 1, { status: 403, reason: 'accessDenied', message: DENIED }),
    message: /^session-explorer: permission denied on acme-analytics\.mixpanel\.mp_master_event: Access Denied: /,
  },
  {
    name: 'a quota exceeded when the job is created (403 quotaExceeded)',
    arrange: ({ fake, table }) => {
      const quota = { status: 403, reason: 'quotaExceeded', message: 'Quota exceeded: Your project exceeded quota for free query bytes scanned.' };
      fake.setHandler((query) => (query.dryRun ? table.answer(query) : { error: quota }));
    },
    message: /^session-explorer: BigQuery quota exceeded: Quota exceeded: Your project exceeded quota for free query bytes scanned\.$/,
  },
  {
    name: 'a job that bills more than --max-bytes (job error bytesBilledLimitExceeded)',
    // The dry run (3 KB) is within 5 MiB, but BigQuery bills at least 10 MiB per query.
    args: ['--max-bytes', '5MiB'],
    message: /^session-explorer: BigQuery refused the query: it would bill more bytes than --max-bytes allows \(Query exceeded limit for bytes billed: 5242880\. 10485760 or higher required\.\)$/,
    job: true,
  },
  {
    name: 'a column that does not exist (invalid query)',
    args: ['--time-column', 'ts'],
    message: /^session-explorer: BigQuery rejected the query \(check the column mapping\): Unrecognized name: ts at \[3:14\]$/,
  },
  {
    name: 'a table name that would be SQL',
    argv: (fake, db) => fetchArgs(fake, db, '2025-03-01', '2025-03-02').map((a) => (a === TABLE ? `${TABLE}\`; DROP TABLE x; --` : a)),
    message: /^session-explorer: invalid table name /,
    noRequest: true,
  },
  {
    name: 'an endpoint nobody listens on',
    argv: (fake, db) => fetchArgs(fake, db, '2025-03-01', '2025-03-02').map((a) => (a === fake.url ? 'http://127.0.0.1:9' : a)),
    message: /^session-explorer: cannot reach BigQuery at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)$/,
  },
  {
    name: 'no credentials at all (no endpoint, no key, no ADC)',
    argv: (_fake, db) => ['fetch', 'bigquery', '--db', db, '--table', TABLE, '--from', '2025-03-01', '--to', '2025-03-02'],
    message: /^session-explorer: no Google credentials found: run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or pass --key-file$/,
  },
  {
    name: 'a key file that is an OAuth client, not a service-account key',
    argv: keyFileArgs(JSON.stringify({ installed: { client_id: '1.apps.googleusercontent.com', client_secret: 'GOCSPX-secret' } })),
    message: /^session-explorer: key file .*key\.json is not a service-account key \(its "type" is not service_account\)$/,
  },
  {
    name: 'a key file that is not JSON',
    argv: keyFileArgs('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'),
    message: /^session-explorer: key file .*key\.json is not JSON: /,
  },
];

describe('each failure is one line on stderr and leaves the cache unchanged', { concurrency: 3 }, () => {
  for (const c of FAILURES) {
    test(c.name, async (t) => {
      const w = await warehouse(t, CHANGED_ROWS);
      const { fake } = w;
      const { dir, db } = seededCopy();
      c.arrange?.(w);
      const argv = c.argv ? c.argv(fake, db, dir) : [...fetchArgs(fake, db, '2025-03-01', '2025-03-02'), ...(c.args ?? [])];
      const line = await cliFails(argv, { env: isolatedEnv(egress.env) });
      assert.match(line, c.message);
      assert.doesNotMatch(line, /GOCSPX|MIIE/, 'a key file\'s content is never echoed');
      if (c.noRequest) assert.deepEqual(fake.requests, []);
      const jobs = realJobs(fake);
      if (c.job) assert.equal(fake.job(jobs[0].jobId!)?.errorResult?.reason, 'bytesBilledLimitExceeded');
      else assert.ok(jobs.every((j) => fake.job(j.jobId!) === undefined), 'no job was created');
      assertUnchanged(db);
      assert.deepEqual(egress.attempts, [], 'nothing but the fake was contacted');
    });
  }
});

const SECRET = 'S3CR3T-7f3a9c-do-not-leak';

/** A service-account key whose private key (not a valid PEM) and key id carry SECRET. */
function secretKeyFile(): string {
  const path = join(tempDir(), 'service-account.json');
  writeFileSync(
    path,
    JSON.stringify({
      type: 'service_account',
      project_id: PROJECT,
      private_key_id: `${SECRET}-key-id`,
      private_key: `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC${SECRET}\n-----END PRIVATE KEY-----\n`,
      client_email: `fetcher@${PROJECT}.iam.gserviceaccount.com`,
      client_id: '1234567890',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return path;
}

/** Asserts SECRET is in none of the texts, nor in any file of `dir`. */
function assertNoSecret(texts: Record<string, string>, dir: string): void {
  for (const [what, text] of Object.entries(texts)) assert.ok(!text.includes(SECRET), `the secret appears in ${what}`);
  for (const name of readdirSync(dir)) {
    assert.ok(!readFileSync(join(dir, name)).includes(SECRET), `the secret appears in ${name}`);
  }
}

describe('credentials never appear', { concurrency: 3 }, () => {
  test('--key-file with --api-endpoint: the key is not used, and it is in no output, cache, rejects file or export', async (t) => {
    const { fake } = await warehouse(t, [...CHANGED_ROWS, row(null, '2025-03-02T10:00:00.000Z', 'open', 'no-user', {})]);
    const key = secretKeyFile();
    const dir = tempDir();
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const r = await cliOk([...fetchArgs(fake, db, '2025-03-01', '2025-03-02'), '--key-file', key, '--rejects', rejects], { env: isolatedEnv(egress.env) });
    assert.match(r.stdout, /imported 3 events \(0 duplicates, 1 rejected, 0 out of range\)/);
    assert.ok(fake.requests.length > 0 && fake.requests.every((q) => !q.authorization), 'no Authorization header went to the endpoint');
    const sessions = await exportText(db, 'sessions');
    const events = await exportText(db, 'events');
    assert.equal(events.trim().split('\n').length, 4);
    assert.equal(readFileSync(rejects, 'utf8').trim().split('\n').length, 2);
    assertNoSecret({ stdout: r.stdout, stderr: r.stderr, sessions, events }, dir);
    assert.deepEqual(egress.attempts, []);
  });

  test('--key-file against BigQuery: one line that quotes nothing of the key, nothing sent, cache unchanged', async () => {
    const key = secretKeyFile();
    const { dir, db } = seededCopy();
    const args = ['fetch', 'bigquery', '--db', db, '--table', TABLE, '--from', '2025-03-01', '--to', '2025-03-02', '--key-file', key];
    const r = await runCli(args, { env: isolatedEnv(egress.env) });
    assertCleanFailure(r, args);
    assert.equal(r.stderr, "session-explorer: the credentials cannot be used: the key file's private key is invalid or the account is disabled\n");
    assertNoSecret({ stdout: r.stdout, stderr: r.stderr }, dir);
    assertUnchanged(db);
    assert.deepEqual(egress.attempts, []);
  });

  test('Application Default Credentials are never sent to an --api-endpoint', async (t) => {
    const { fake } = await warehouse(t, CHANGED_ROWS);
    // A well-formed key: with it, the client would fetch a token from Google and send it along.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const adc = join(tempDir(), 'adc.json');
    writeFileSync(adc, JSON.stringify({ type: 'service_account', project_id: PROJECT, private_key_id: 'k1', private_key: privateKey, client_email: `adc@${PROJECT}.iam.gserviceaccount.com`, client_id: '1' }));
    const db = join(tempDir(), 'cache.db');
    await cliOk(fetchArgs(fake, db, '2025-03-01', '2025-03-02'), { env: isolatedEnv({ ...egress.env, GOOGLE_APPLICATION_CREDENTIALS: adc }) });
    assert.ok(fake.requests.every((q) => !q.authorization), 'no Authorization header went to the endpoint');
    assert.deepEqual(egress.attempts, [], 'no token was requested');
  });
});
