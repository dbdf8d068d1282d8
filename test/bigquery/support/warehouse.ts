// A fake BigQuery table behind the fake REST server (test/support/fake-bigquery.ts): an in-memory
// list of events, answered the way BigQuery would answer the fetch query of
// core/bigquery/event-selection.ts — only the rows whose time lies within the parameters the
// client actually sent (a parameter sent without a value is NULL, and then no row matches),
// pruned by the partition parameters when given, in the columns of the fetch query. A dry run
// answers bytes in proportion to the rows the query would read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionCache } from '../../../core/cache/session-cache.ts';
import { defaultDefinition, type SessionDefinition } from '../../../core/definition.ts';
import { exportEvents } from '../../../core/export/export-events.ts';
import { exportSessions } from '../../../core/export/export-sessions.ts';
import type { FetchRequest } from '../../../core/bigquery/fetch-events.ts';
import { MIXPANEL_MAPPING } from '../../../core/bigquery/column-mapping.ts';
import type { RetryPolicy } from '../../../core/bigquery/retry.ts';
import { tempDir } from '../../support/cli.ts';
import {
  startFakeBigQuery,
  type FakeBigQuery,
  type FakeBigQueryOptions,
  type FieldSchema,
  type Hold,
  type QueryAnswer,
  type QueryHandler,
  type QueryParam,
  type QueryRequest,
} from '../../support/fake-bigquery.ts';

// Every test that builds a BigQuery client: google-auth-library must never probe the GCE
// metadata server (a network call) nor find real credentials of the machine.
process.env.METADATA_SERVER_DETECTION = 'none';
delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
delete process.env.BIGQUERY_EMULATOR_HOST;

export const PROJECT = 'acme-analytics';
export const DATASET = 'mixpanel';
export const TABLE_NAME = 'mp_master_event';
export const TABLE = `${PROJECT}.${DATASET}.${TABLE_NAME}`;
export const TABLE_ID = { project: PROJECT, dataset: DATASET, table: TABLE_NAME };
export const LOCATION = 'EU';
/** What every row of the table weighs, for the bytes a query processes. */
export const BYTES_PER_ROW = 1000;
/** Retries without the production backoff (seconds), so retry tests stay fast. */
export const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

/** One row of the events table. `properties` is the JSON column (an object, or JSON text as stored). */
export interface TableRow {
  user: string | null;
  /** Epoch milliseconds of the TIMESTAMP column. */
  time: number;
  event: string | null;
  insertId: string | null;
  properties: Record<string, unknown> | string | null;
}

export function row(user: string | null, iso: string, event: string | null, insertId: string | null, properties: TableRow['properties'] = {}): TableRow {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new Error(`bad test time ${iso}`);
  return { user, time, event, insertId, properties };
}

const BASE_SCHEMA: FieldSchema[] = [
  { name: 'user_id', type: 'STRING' },
  { name: 'time_ms', type: 'INT64' },
  { name: 'event', type: 'STRING' },
  { name: 'insert_id', type: 'STRING' },
];

/** The value of a parameter the client sent, or null when it sent none (BigQuery reads NULL). */
function paramValue(query: QueryRequest, name: string, type: string): string | null {
  const param: QueryParam | undefined = query.params[name];
  if (param === undefined) return null;
  if (param.type !== type) throw new TypeMismatch(`@${name} is ${param.type}, compared with a ${type} column`);
  return typeof param.value === 'string' ? param.value : null;
}

class TypeMismatch extends Error {}

const DAY_MS = 86_400_000;

/** Whether the row survives the WHERE clause, with SQL's NULL semantics (any NULL bound: no). */
function selected(query: QueryRequest, time: number): boolean {
  const start = paramValue(query, 'range_start', 'TIMESTAMP');
  const end = paramValue(query, 'range_end', 'TIMESTAMP');
  if (start === null || end === null || !(time >= Date.parse(start) && time < Date.parse(end))) return false;
  if (query.params.partition_from === undefined) return true;
  // The table is partitioned by the UTC day of its time column (a DATE column, or _PARTITIONTIME).
  const type = query.params.partition_from.type;
  const from = paramValue(query, 'partition_from', type);
  const to = paramValue(query, 'partition_to', type);
  if (from === null || to === null) return false;
  const dayStart = Math.floor(time / DAY_MS) * DAY_MS;
  if (type === 'DATE') {
    const date = new Date(dayStart).toISOString().slice(0, 10);
    return date >= from && date <= to;
  }
  return dayStart >= Date.parse(from) && dayStart < Date.parse(to);
}

/**
 * The table's columns: the Mixpanel pipeline layout, the flat layout's, and a DATE partition
 * column. User, event and insert id are served from the row whatever their column is called.
 */
const COLUMNS = new Set(['distinct_id', 'time', 'event_name', 'insert_id', 'properties', 'user_id', 'event', 'country', 'device', 'os', 'event_date']);

/** The events table as BigQuery would answer the fetch query about it. */
export class FakeTable {
  rows: TableRow[];
  bytesPerRow = BYTES_PER_ROW;
  constructor(rows: TableRow[] = []) {
    this.rows = rows;
  }

  /** The rows a query selects, in the columns it asks for; BigQuery's errors for another table or column. */
  answer(query: QueryRequest): QueryAnswer {
    const table = /FROM `([^`]+)`/.exec(query.sql)?.[1] ?? '?';
    if (table !== TABLE) {
      return { error: { status: 404, reason: 'notFound', message: `Not found: Table ${table.replace('.', ':')} was not found in location ${LOCATION}` } };
    }
    const unknown = [...query.sql.matchAll(/`([^`]+)`/g)].map((m) => m[1]).find((name) => name !== TABLE && !COLUMNS.has(name));
    if (unknown !== undefined) return { error: { status: 400, reason: 'invalidQuery', message: `Unrecognized name: ${unknown} at [3:14]` } };
    // Flat layout: attribute columns read as `CAST(`column` AS STRING) AS attr_N`.
    const attrColumns = [...query.sql.matchAll(/CAST\(`(\w+)` AS STRING\) AS attr_(\d+)/g)].map((m) => m[1]);
    const withProperties = /`properties` AS properties/.test(query.sql);
    const schema: FieldSchema[] = [
      ...BASE_SCHEMA,
      ...(withProperties ? [{ name: 'properties', type: 'JSON' }] : []),
      ...attrColumns.map((_, i) => ({ name: `attr_${i}`, type: 'STRING' })),
    ];
    let rows: TableRow[];
    try {
      rows = this.rows.filter((r) => selected(query, r.time));
    } catch (error) {
      if (!(error instanceof TypeMismatch)) throw error;
      return { error: { status: 400, reason: 'invalidQuery', message: `No matching signature for operator >=: ${error.message}` } };
    }
    const totalBytesProcessed = rows.length * this.bytesPerRow;
    if (query.dryRun) return { schema, rows: [], totalBytesProcessed };
    return {
      schema,
      totalBytesProcessed,
      rows: rows.map((r) => {
        const flat = typeof r.properties === 'object' && r.properties !== null ? r.properties : {};
        return [
          r.user,
          r.time,
          r.event,
          r.insertId,
          ...(withProperties ? [r.properties] : []),
          ...attrColumns.map((c) => (flat[c] === undefined || flat[c] === null ? null : String(flat[c]))),
        ];
      }),
    };
  }

  handler(): QueryHandler {
    return (query) => this.answer(query);
  }
}

export interface Warehouse {
  fake: FakeBigQuery;
  table: FakeTable;
}

/** A fake BigQuery serving `rows` as TABLE; stopped when the test (or suite) ends via `onEnd`. */
export async function startWarehouse(
  rows: TableRow[],
  onEnd: (stop: () => Promise<void>) => void,
  options: FakeBigQueryOptions = {},
): Promise<Warehouse> {
  const table = new FakeTable(rows);
  const fake = await startFakeBigQuery({ projectId: PROJECT, location: LOCATION, handler: table.handler(), ...options });
  onEnd(() => fake.stop());
  return { fake, table };
}

/** A fetch request of the Mixpanel table: the real client, made by the product, pointed at the fake. */
export function fetchRequest(fake: FakeBigQuery, from: string, to: string, extra: Partial<FetchRequest> = {}): FetchRequest {
  return {
    connection: { projectId: PROJECT, location: LOCATION, apiEndpoint: fake.url },
    table: TABLE_ID,
    mapping: { ...MIXPANEL_MAPPING },
    partition: null,
    from,
    to,
    maxBytes: 10 * 1024 ** 3,
    retry: FAST_RETRY,
    ...extra,
  };
}

/** The non-dry-run queries (real jobs) the fake received. */
export function realJobs(fake: FakeBigQuery): QueryRequest[] {
  return fake.queries.filter((q) => !q.dryRun);
}

/** A new cache file in a temporary folder. */
export function newCache(definition: SessionDefinition = defaultDefinition()): { path: string; cache: SessionCache } {
  const path = join(tempDir(), 'cache.db');
  return { path, cache: SessionCache.open(path, { create: true, definition }) };
}

/** Both CSV exports of an open cache, written by the same code as `export sessions|events`. */
export function exportsOf(cache: SessionCache): { sessions: string; events: string } {
  const dir = tempDir();
  exportSessions(cache, join(dir, 'sessions.csv'));
  exportEvents(cache, join(dir, 'events.csv'));
  return { sessions: readFileSync(join(dir, 'sessions.csv'), 'utf8'), events: readFileSync(join(dir, 'events.csv'), 'utf8') };
}

/** Both exports of a cache file (closed again afterwards): what "unchanged" is compared on. */
export function exportsAt(path: string): { sessions: string; events: string } {
  const cache = SessionCache.open(path);
  try {
    return exportsOf(cache);
  } finally {
    cache.close();
  }
}

/** The same rows as a Mixpanel export file (NDJSON, times as ISO strings with milliseconds). */
export function writeMixpanelFile(path: string, rows: TableRow[]): void {
  const lines = rows.map((r) => {
    const properties: Record<string, unknown> = { time: new Date(r.time).toISOString() };
    if (r.user !== null) properties.distinct_id = r.user;
    if (r.insertId !== null) properties.$insert_id = r.insertId;
    Object.assign(properties, typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties);
    return JSON.stringify(r.event === null ? { properties } : { event: r.event, properties });
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * The environment of a CLI child that may create a BigQuery client: no metadata server probe,
 * no credentials of this machine (an empty HOME, no GOOGLE_APPLICATION_CREDENTIALS).
 */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    METADATA_SERVER_DETECTION: 'none',
    HOME: tempDir('session-explorer-home-'),
    GOOGLE_APPLICATION_CREDENTIALS: undefined,
    CLOUDSDK_CONFIG: undefined,
    BIGQUERY_EMULATOR_HOST: undefined,
    ...extra,
  };
}

/** The CLI arguments of `fetch bigquery` of TABLE against the fake. */
export function fetchArgs(fake: FakeBigQuery, db: string, from: string, to: string, ...more: string[]): string[] {
  return ['fetch', 'bigquery', '--db', db, '--table', TABLE, '--location', LOCATION, '--from', from, '--to', to, '--api-endpoint', fake.url, ...more];
}

/** Resolves once `check` holds (polled), or fails after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Waits for a held request to arrive, failing at once if `work` (the fetch or the CLI run
 * holding it) ends first: a broken fetch must fail the test, not hang it.
 */
export async function arrivedBefore(held: Hold, work: Promise<unknown>): Promise<void> {
  const ended = work.then(
    (value) => Promise.reject(new Error(`ended before the held request arrived: ${JSON.stringify(value)}`)),
    (error: unknown) => Promise.reject(error),
  );
  await Promise.race([held.arrived, ended]);
}
