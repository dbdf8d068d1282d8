import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { ImportCounts } from './api/contract.ts';
import { stringify } from 'csv-stringify/sync';
import { applyBatch, applyPartitions } from './cache/apply-batch.ts';
import { rebuildCache } from './cache/rebuild.ts';
import type { SessionCache } from './cache/session-cache.ts';
import { definitionsEqual, type SessionDefinition } from './definition.ts';
import { BatchBuilder, batchWeight, ImportCancelled, type DayRange, type Rejection } from './sources/batch-builder.ts';
import { BatchSpill, BYTES_PER_EVENT } from './sources/batch-spill.ts';
import { readDemo } from './sources/demo-source.ts';
import type { DemoOptions } from './sources/demo-generator.ts';
import { readEventFile } from './sources/file-source.ts';
import { dayToIsoDate, isoDateToDay } from './time/calendar-day.ts';
import { ZoneCalendar } from './time/zone-calendar.ts';
import { UserError } from './util/user-error.ts';

export interface ImportProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  bytesRead: number;
  totalBytes: number;
  phase: 'reading' | 'writing';
}

export interface ImportRequest {
  files: string[];
  /** Generated demo data instead of (or besides) files. */
  demo?: DemoOptions;
  /** Local dates `YYYY-MM-DD` the files are authoritative for (insert-overwrite), or null to merge. */
  range?: { from: string; to: string } | null;
  /** The definition to import under; a change re-sessionizes the whole cache in the same transaction. */
  definition?: SessionDefinition;
  /** Where to write every rejected row (CSV: file, line, reason, row). */
  rejectsPath?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Cancels the import while it reads; the cache is then left as it was. */
  signal?: AbortSignal;
  /** See `EventImport.memoryBudgetMb`. */
  memoryBudgetMb?: number;
}

export interface ImportSummary extends ImportCounts {
  events: number;
  rows: number;
  definition_changed: boolean;
  rejections: Rejection[];
}

export function parseDayRange(range: { from: string; to: string }): DayRange {
  const from = isoDateToDay(range.from);
  const to = isoDateToDay(range.to);
  if (to < from) throw new UserError(`--to ${range.to} is before --from ${range.from}`);
  return { from, to };
}

/**
 * Reads files (streamed) and applies them to the cache in one transaction: a failed or
 * interrupted import leaves the cache exactly as it was.
 */
export async function importFiles(cache: SessionCache, request: ImportRequest): Promise<ImportSummary> {
  const files = request.files;
  return importEvents(cache, {
    definition: request.definition,
    range: request.range,
    rejectsPath: request.rejectsPath,
    signal: request.signal,
    memoryBudgetMb: request.memoryBudgetMb,
    sources: request.demo ? [...files, 'demo'] : files,
    onWriting: () =>
      request.onProgress?.({ file: '', fileIndex: files.length, fileCount: files.length, bytesRead: 0, totalBytes: 0, phase: 'writing' }),
    read: async (builder) => {
      for (let i = 0; i < files.length; i++) {
        const file = files[i];
        await readEventFile(file, builder, (bytesRead, totalBytes) =>
          request.onProgress?.({ file, fileIndex: i, fileCount: files.length, bytesRead, totalBytes, phase: 'reading' }),
        );
      }
      if (request.demo) readDemo(request.demo, builder);
    },
  });
}

/** Any reader of events (files, the demo generator, a warehouse) and what to do with its rows. */
export interface EventImport {
  definition?: SessionDefinition;
  range?: { from: string; to: string } | null;
  rejectsPath?: string;
  /** What the events came from, as recorded in the import log (file paths, `bigquery:TABLE`). */
  sources: string[];
  /** Fills the builder; throwing leaves the cache untouched. */
  read: (builder: BatchBuilder) => Promise<void>;
  /** Called once reading is done and the transaction starts. */
  onWriting?: () => void;
  /** Cancels the import while it reads (the write transaction is not interrupted). */
  signal?: AbortSignal;
  /** MiB the events read may take in memory before they spill to disk (default: see `importBudgetMb`). */
  memoryBudgetMb?: number;
}

const DEFAULT_BUDGET_MB = 2048;

/** The import memory budget: `SESSION_EXPLORER_IMPORT_BUDGET_MB`, else 2 GiB. */
export function importBudgetMb(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.SESSION_EXPLORER_IMPORT_BUDGET_MB;
  if (text === undefined || text.trim() === '') return DEFAULT_BUDGET_MB;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new UserError(`SESSION_EXPLORER_IMPORT_BUDGET_MB must be a positive number of MiB, not '${text}'`);
  }
  return mb;
}

/** Spill files go beside the cache (the disk that will hold the events anyway), else to the temp folder. */
function spillFolder(cache: SessionCache): string {
  const name = cache.db.name;
  return name === '' || name === ':memory:' ? tmpdir() : dirname(resolve(name));
}

/**
 * Reads events into a batch, then applies them in one transaction: a failed or interrupted
 * import (or fetch) leaves the cache exactly as it was.
 */
export async function importEvents(cache: SessionCache, request: EventImport): Promise<ImportSummary> {
  const definition = request.definition ?? cache.definition;
  const changed = !definitionsEqual(definition, cache.definition);
  const range = request.range ? parseDayRange(request.range) : null;
  const calendar = changed ? new ZoneCalendar(definition.timeZone) : cache.calendar;
  const builder = new BatchBuilder(definition, calendar, cache.users, cache.strings, range);
  builder.signal = request.signal ?? null;
  const budgetEvents = ((request.memoryBudgetMb ?? importBudgetMb()) * 2 ** 20) / BYTES_PER_EVENT;
  const spill = new BatchSpill(spillFolder(cache), budgetEvents, definition.attributes.length);
  builder.spill = spill;
  try {
    return await readAndApply(cache, request, builder, spill, { definition, changed, range });
  } finally {
    spill.dispose();
  }
}

async function readAndApply(
  cache: SessionCache,
  request: EventImport,
  builder: BatchBuilder,
  spill: BatchSpill,
  { definition, changed, range }: { definition: SessionDefinition; changed: boolean; range: DayRange | null },
): Promise<ImportSummary> {
  try {
    await request.read(builder);
    builder.throwIfCancelled();
    // Over the budget at the end too (a source read in one piece): applied a partition at a time.
    if (spill.used || batchWeight(builder.batch) > spill.budgetEvents) spill.take(builder.batch);
  } catch (error) {
    cache.users.rollback();
    cache.strings.rollback();
    // A cancel can surface as a stream or worker failure; it is reported as what it was.
    if (request.signal?.aborted) throw new ImportCancelled();
    throw error;
  }
  const { counts, rejections } = builder;
  if (request.rejectsPath !== undefined) writeRejects(request.rejectsPath, rejections);
  if (counts.rows > 0 && counts.rejected === counts.rows) {
    cache.users.rollback();
    cache.strings.rollback();
    const first = rejections[0];
    throw new UserError(
      `all ${counts.rows} rows were rejected, nothing imported (first: ${first.file}:${first.line}: ${first.reason})`,
    );
  }
  request.onWriting?.();

  const write = cache.isEmpty() ? cache.fillTransaction.bind(cache) : cache.transaction.bind(cache);
  const summary = write(() => {
    if (changed) rebuildCache(cache, definition);
    const applied = spill.used ? applyPartitions(cache, spill.partitions(), range) : applyBatch(cache, builder.batch, range);
    const totals = cache.db.prepare('SELECT (SELECT count(*) FROM sessions), (SELECT coalesce(sum(event_count), 0) FROM user_days)').raw().get() as [number, number];
    const result = {
      imported: applied.imported,
      duplicates: applied.duplicates,
      rejected: counts.rejected,
      out_of_range: counts.outOfRange,
      days: applied.days,
      sessions: totals[0],
      events: totals[1],
      rows: counts.rows,
      definition_changed: changed,
    };
    const sources = JSON.stringify(request.sources);
    const importId = cache.db
      .prepare(
        `INSERT INTO imports (at, kind, sources, from_date, to_date, rows, imported, duplicates, rejected, out_of_range, days, sessions)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        new Date().toISOString(), range ? 'range' : 'merge', sources,
        range ? dayToIsoDate(range.from) : null, range ? dayToIsoDate(range.to) : null,
        result.rows, result.imported, result.duplicates, result.rejected, result.out_of_range, result.days, result.sessions,
      ).lastInsertRowid;
    if (range) {
      cache.db
        .prepare('INSERT INTO fetched_ranges (import_id, source, from_date, to_date, time_zone) VALUES (?, ?, ?, ?, ?)')
        .run(importId, sources, dayToIsoDate(range.from), dayToIsoDate(range.to), definition.timeZone);
    }
    return result;
  });
  return { ...summary, rejections };
}

function writeRejects(path: string, rejections: Rejection[]): void {
  const rows = rejections.map((r) => [r.file, r.line, r.reason, r.row]);
  try {
    writeFileSync(path, stringify(rows, { header: true, columns: ['file', 'line', 'reason', 'row'] }));
  } catch (error) {
    throw new UserError(`cannot write rejects file ${path}: ${(error as Error).message}`);
  }
}

/** Applies a new definition to the cache: re-sessionizes everything in one transaction. */
export function applyDefinition(cache: SessionCache, definition: SessionDefinition): void {
  cache.transaction(() => rebuildCache(cache, definition));
}
