import { randomUUID } from 'node:crypto';
import { BigQuery, type Job } from '@google-cloud/bigquery';
import type { SessionCache } from '../cache/session-cache.ts';
import { mixpanelSources, type SessionDefinition } from '../definition.ts';
import { importEvents, type ImportSummary } from '../import-files.ts';
import type { BatchBuilder } from '../sources/batch-builder.ts';
import { readMixpanelProperties } from '../sources/mixpanel-properties.ts';
import { isoDateToDay } from '../time/calendar-day.ts';
import { UserError } from '../util/user-error.ts';
import { describeBigQueryError, isTransient } from './bigquery-errors.ts';
import { validateMapping, type ColumnMapping } from './column-mapping.ts';
import { createClient, ensureCredentials, type ConnectionSettings } from './connection.ts';
import { fetchQuery, type EventSelection, type ParameterizedQuery, type PartitionFilter } from './event-selection.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { tableText, type TableId } from './table-id.ts';

/** BigQuery's on-demand price per TiB scanned (US multi-region), for the estimate shown before a fetch. */
export const DEFAULT_PRICE_PER_TIB_USD = 6.25;
export const DEFAULT_MAX_BYTES = 10 * 1024 ** 3;
const TIB = 1024 ** 4;

export interface WarehouseRequest {
  connection: ConnectionSettings;
  table: TableId;
  mapping: ColumnMapping;
  partition: PartitionFilter | null;
  /** Local dates `YYYY-MM-DD` in the definition's zone. */
  from: string;
  to: string;
  /** The guard passed as `maximumBytesBilled`, also checked against the dry run first. */
  maxBytes: number;
  pricePerTiB?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Tests may hand in a client; otherwise one is made from `connection`. */
  client?: BigQuery;
}

export interface FetchEstimate {
  bytes: number;
  estimated_cost_usd: number;
  max_bytes: number;
  table: string;
  sql: string;
}

export interface FetchProgress {
  phase: 'estimating' | 'querying' | 'reading' | 'writing';
  rows: number;
  totalRows: number;
  /** Bytes the query processed, in proportion to the rows read so far (BigQuery bills per query). */
  bytes: number;
  totalBytes: number;
}

export interface FetchRequest extends WarehouseRequest {
  definition?: SessionDefinition;
  rejectsPath?: string;
  pageSize?: number;
  /** See `EventImport.memoryBudgetMb` (core/import-files.ts). */
  memoryBudgetMb?: number;
  onEstimate?: (estimate: FetchEstimate) => void;
  onProgress?: (progress: FetchProgress) => void;
}

export interface FetchSummary extends ImportSummary {
  bytes_processed: number;
  estimated_cost_usd: number;
}

export function selectionOf(request: WarehouseRequest, definition: SessionDefinition): EventSelection {
  const from = isoDateToDay(request.from);
  const to = isoDateToDay(request.to);
  if (to < from) throw new UserError(`--to ${request.to} is before --from ${request.from}`);
  return { table: request.table, mapping: validateMapping(request.mapping), definition, from, to, partition: request.partition };
}

/** Runs BigQuery's dry run: the bytes the query would process, and what that costs on demand. */
export async function estimateQuery(client: BigQuery, request: WarehouseRequest, query: ParameterizedQuery): Promise<FetchEstimate> {
  const context = contextOf(request);
  await ensureCredentials(client, request.connection);
  const [job] = await withRetry(
    () => client.createQueryJob({ ...jobOptions(request, query), dryRun: true }),
    isTransient,
    request.retry ?? DEFAULT_RETRY,
    request.signal,
  ).catch((error: unknown) => {
    throw describeBigQueryError(error, context);
  });
  const statistics = job.metadata?.statistics as { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } } | undefined;
  const bytes = Number(statistics?.totalBytesProcessed ?? statistics?.query?.totalBytesProcessed ?? 0);
  const price = request.pricePerTiB ?? DEFAULT_PRICE_PER_TIB_USD;
  return {
    bytes,
    estimated_cost_usd: onDemandCostUsd(bytes, price),
    max_bytes: request.maxBytes,
    table: tableText(request.table),
    sql: query.sql,
  };
}

/** Refuses, before anything is billed, a query whose dry run exceeds the bytes guard. */
export function checkWithinGuard(estimate: FetchEstimate): void {
  if (estimate.bytes > estimate.max_bytes) {
    throw new UserError(
      `the query would process ${formatBytes(estimate.bytes)}, more than --max-bytes ${formatBytes(estimate.max_bytes)}: narrow the range or raise --max-bytes`,
    );
  }
}

/** The dry run of a fetch, without touching any cache. */
export async function estimateFetch(request: WarehouseRequest, definition: SessionDefinition): Promise<FetchEstimate> {
  const client = request.client ?? createClient(request.connection);
  return estimateQuery(client, request, fetchQuery(selectionOf(request, definition)));
}

/**
 * Fetches local dates `[from, to]` into the cache: a dry run (refused above `maxBytes`), one
 * parameterized query job, its result read page by page into the batch, then one transaction
 * that replaces those dates (insert-overwrite). Failure or cancel leaves the cache as it was;
 * cancel also cancels the BigQuery job.
 */
export async function fetchIntoCache(cache: SessionCache, request: FetchRequest): Promise<FetchSummary> {
  const definition = request.definition ?? cache.definition;
  const query = fetchQuery(selectionOf(request, definition));
  const client = request.client ?? createClient(request.connection);
  const progress = (p: FetchProgress) => request.onProgress?.(p);
  progress({ phase: 'estimating', rows: 0, totalRows: 0, bytes: 0, totalBytes: 0 });
  const estimate = await estimateQuery(client, request, query);
  request.onEstimate?.(estimate);
  checkWithinGuard(estimate);
  const source = `bigquery:${estimate.table}`;
  let bytesProcessed = estimate.bytes;
  const summary = await importEvents(cache, {
    definition,
    range: { from: request.from, to: request.to },
    rejectsPath: request.rejectsPath,
    memoryBudgetMb: request.memoryBudgetMb,
    sources: [source],
    onWriting: () => progress({ phase: 'writing', rows: 0, totalRows: 0, bytes: bytesProcessed, totalBytes: bytesProcessed }),
    read: async (builder) => {
      const reader = rowReader(request.mapping, definition, builder, source);
      const processed = await runQuery(client, request, query, {
        onRow: reader,
        // Reported after each page, when all its rows are in the batch.
        onProgress: (p) => {
          if (p.phase === 'reading') builder.checkpoint();
          progress(p);
        },
        pageSize: request.pageSize,
        cancelledMessage: 'fetch cancelled: the BigQuery job was cancelled and the cache is unchanged',
      });
      bytesProcessed = processed || estimate.bytes;
    },
  });
  const price = request.pricePerTiB ?? DEFAULT_PRICE_PER_TIB_USD;
  return {
    ...summary,
    bytes_processed: bytesProcessed,
    estimated_cost_usd: onDemandCostUsd(bytesProcessed, price),
  };
}

function contextOf(request: WarehouseRequest): { table: string; endpoint?: string } {
  return { table: tableText(request.table), endpoint: request.connection.apiEndpoint };
}

function jobOptions(request: WarehouseRequest, query: ParameterizedQuery) {
  return {
    query: query.sql,
    params: clientParams(query),
    types: query.types,
    useLegacySql: false,
    ...(request.connection.location !== undefined ? { location: request.connection.location } : {}),
    labels: { client: 'session-explorer' },
  };
}

/**
 * The parameters as the client must receive them: it sends a TIMESTAMP or DATE parameter given
 * as a plain string with no value at all (BigQuery then reads NULL), so those travel wrapped.
 */
function clientParams(query: ParameterizedQuery): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query.params)) {
    const type = query.types[name];
    if (type === 'TIMESTAMP' && typeof value === 'string') params[name] = BigQuery.timestamp(value);
    else if (type === 'DATE' && typeof value === 'string') params[name] = BigQuery.date(value);
    else params[name] = value;
  }
  return params;
}

/** What runQuery does with the result. */
export interface QueryReading {
  onRow: (row: Record<string, unknown>, ordinal: number) => void;
  onProgress: (progress: FetchProgress) => void;
  pageSize?: number;
  /** The one-line message of a cancel, which says what was left as it was. */
  cancelledMessage: string;
}

/** What `bytes` cost on demand at `pricePerTiB`, rounded to 1/100 cent. */
export function onDemandCostUsd(bytes: number, pricePerTiB: number): number {
  return Math.round((bytes / TIB) * pricePerTiB * 10_000) / 10_000;
}

/**
 * Runs the query as a job and hands every row of every page to `onRow`. Returns the bytes the
 * job processed. Abort cancels the job on BigQuery's side too, so nothing keeps running (or billing).
 */
export async function runQuery(client: BigQuery, request: WarehouseRequest, query: ParameterizedQuery, reading: QueryReading): Promise<number> {
  const { onRow, onProgress, pageSize = 10_000 } = reading;
  const cancelledError = () => new UserError(reading.cancelledMessage);
  const context = contextOf(request);
  const policy = request.retry ?? DEFAULT_RETRY;
  const signal = request.signal;
  const fail = (error: unknown): never => {
    throw describeBigQueryError(error, context);
  };
  if (signal?.aborted) throw cancelledError();
  // A job id chosen here makes a retried insert idempotent: a second insert of the same id is
  // answered 409, and the job already running is used.
  const jobId = `session_explorer_${randomUUID().replace(/-/g, '')}`;
  const options = { ...jobOptions(request, query), jobId, maximumBytesBilled: String(request.maxBytes) };
  let job: Job;
  try {
    [job] = await withRetry(
      async () => {
        try {
          return await client.createQueryJob(options);
        } catch (error) {
          if ((error as { code?: number }).code === 409) return [client.job(jobId, { location: request.connection.location })] as [Job];
          throw error;
        }
      },
      isTransient,
      policy,
      signal,
    );
  } catch (error) {
    return fail(error);
  }
  let cancelled = false;
  const cancelJob = () => {
    cancelled = true;
    job.cancel().catch(() => undefined);
  };
  if (signal?.aborted) cancelJob();
  signal?.addEventListener('abort', cancelJob, { once: true });
  try {
    let pageToken: string | undefined;
    let rows = 0;
    let totalRows = 0;
    let totalBytes = 0;
    onProgress({ phase: 'querying', rows: 0, totalRows: 0, bytes: 0, totalBytes: 0 });
    for (;;) {
      if (cancelled) throw cancelledError();
      const [page, next, response] = await withRetry(
        () => job.getQueryResults({ maxResults: pageSize, autoPaginate: false, ...(pageToken ? { pageToken } : {}) }),
        isTransient,
        policy,
        signal,
      ).catch((error: unknown) => (cancelled ? Promise.reject(cancelledError()) : fail(error)));
      if (cancelled) throw cancelledError();
      const meta = response as { jobComplete?: boolean; totalRows?: string; totalBytesProcessed?: string } | undefined;
      if (meta?.jobComplete === false) continue;
      totalRows = Number(meta?.totalRows ?? totalRows);
      if (meta?.totalBytesProcessed !== undefined) totalBytes = Number(meta.totalBytesProcessed);
      for (const row of page as Array<Record<string, unknown>>) onRow(row, ++rows);
      onProgress({
        phase: 'reading',
        rows,
        totalRows,
        bytes: totalRows > 0 ? Math.round((totalBytes * rows) / totalRows) : totalBytes,
        totalBytes,
      });
      const token = (next as { pageToken?: string } | null)?.pageToken;
      if (!token) return totalBytes;
      pageToken = token;
    }
  } finally {
    signal?.removeEventListener('abort', cancelJob);
  }
}


/** Feeds one result row to the builder the way a file row of the same layout would be. */
function rowReader(mapping: ColumnMapping, definition: SessionDefinition, builder: BatchBuilder, source: string) {
  const attrValues: Array<string | null> = new Array(definition.attributes.length).fill(null);
  const sources = definition.attributes.map(mixpanelSources);
  return (row: Record<string, unknown>, ordinal: number): void => {
    const text = () => JSON.stringify(row);
    let rest: string | null = null;
    if (mapping.layout === 'mixpanel') {
      const properties = jsonObject(row.properties);
      if (properties === undefined) return builder.reject(source, ordinal, 'properties is not a JSON object', text());
      rest = readMixpanelProperties(properties ?? {}, sources, attrValues);
    } else {
      for (let a = 0; a < attrValues.length; a++) {
        const value = row[`attr_${a}`];
        attrValues[a] = value === null || value === undefined ? null : String(value);
      }
    }
    // Epoch milliseconds go to the builder as ISO text: a bare number below 1e11 would be read as seconds.
    const ms = row.time_ms === null || row.time_ms === undefined ? NaN : Number(row.time_ms);
    const time = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
    builder.accept(source, ordinal, row.user_id, time, row.insert_id, row.event, attrValues, rest, text);
  };
}

/** The properties column as an object: JSON type arrives as text (or parsed), STRING columns as text. */
function jsonObject(value: unknown): Record<string, unknown> | null | undefined {
  if (value === null || value === undefined) return null;
  let parsed = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return null;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (parsed === null) return null;
  return typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
