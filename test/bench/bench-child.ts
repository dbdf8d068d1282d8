/**
 * One timed contender of the benchmark, run in its own process so that its peak RSS is its own:
 * `node test/bench/bench-child.ts TASK JSON-ARGS`. Prints one result line `BENCH_RESULT {json}`.
 */
import { createReadStream } from 'node:fs';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { removeCacheFiles, SessionCache } from '../../core/cache/session-cache.ts';
import { importFiles, type ImportProgress } from '../../core/import-files.ts';
import { CREATE_EVENTS_SQLITE, countSessionsSql, createSessionsSql, duckdbLoadSql } from './baseline-sql.ts';
import { loadDuckDb } from './duckdb-optional.ts';
import { RESULT_MARKER, type ChildResult } from './run-child.ts';


/** A child's result before its peak RSS is added. */
type Measured = { ms: number; sessions: number; [key: string]: unknown };

interface Args {
  csv: string;
  db?: string;
  range?: { from: string; to: string };
  thresholdMs?: number;
  requeryThresholdMs?: number;
  requeryRuns?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Our import into a fresh or existing cache file: open, import (one transaction), close. */
async function oursImport(args: Args, fresh: boolean): Promise<Measured> {
  const db = args.db!;
  if (fresh) removeCacheFiles(db);
  const started = performance.now();
  const cache = SessionCache.open(db, { create: fresh });
  let summary;
  let writingAt = Number.NaN;
  const onProgress = (progress: ImportProgress) => {
    if (progress.phase === 'writing') writingAt = performance.now();
  };
  try {
    summary = await importFiles(cache, args.range ? { files: [args.csv], range: args.range, onProgress } : { files: [args.csv], onProgress });
  } finally {
    cache.close();
  }
  const ms = performance.now() - started;
  return {
    ms,
    readMs: writingAt - started,
    writeMs: performance.now() - writingAt,
    sessions: summary.sessions,
    imported: summary.imported,
    duplicates: summary.duplicates,
    rejected: summary.rejected,
    out_of_range: summary.out_of_range,
    days: summary.days,
    events: summary.events,
    rows: summary.rows,
  };
}

/** SQLite: stream the CSV into a table (one transaction), then build the sessions table with window functions. */
async function sqliteBaseline(args: Args): Promise<Measured> {
  const path = args.db!;
  removeCacheFiles(path);
  const started = performance.now();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -131072');
  db.pragma('temp_store = MEMORY');
  db.exec(CREATE_EVENTS_SQLITE);
  const insert = db.prepare('INSERT INTO events (user_id, time, insert_id, event, country, device, os) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const orNull = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);
  let header = true;
  let rows = 0;
  let bad = 0;
  db.exec('BEGIN');
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(args.csv, { encoding: 'utf8' }) as unknown as File, {
      delimiter: ',',
      header: false,
      skipEmptyLines: true,
      chunk(results) {
        for (const row of results.data) {
          if (header) {
            header = false;
            continue;
          }
          const time = Date.parse(row[1]);
          if (row.length !== 7 || row[0] === '' || Number.isNaN(time)) {
            bad++;
            continue;
          }
          insert.run(row[0], time, orNull(row[2]), orNull(row[3]), orNull(row[4]), orNull(row[5]), orNull(row[6]));
          rows++;
        }
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    });
  });
  db.exec('COMMIT');
  const loadMs = performance.now() - started;
  db.exec(createSessionsSql('sqlite', args.thresholdMs!));
  const sessions = db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  db.close();
  const ms = performance.now() - started;

  // Re-sessionize baseline: the session count at another threshold, re-running the window query.
  const again = new Database(path);
  const requeryStarted = performance.now();
  const requerySessions = again.prepare(countSessionsSql('sqlite', args.requeryThresholdMs!)).pluck().get() as number;
  const requeryMs = performance.now() - requeryStarted;
  const version = again.prepare('SELECT sqlite_version()').pluck().get() as string;
  again.close();
  return { ms, loadMs, queryMs: ms - loadMs, sessions, rows, bad, requeryMs, requerySessions, version };
}

/** DuckDB in memory: read_csv into a table, then the same session query (CREATE TABLE sessions AS ...). */
async function duckdbBaseline(args: Args): Promise<Measured> {
  const loaded = await loadDuckDb();
  if ('error' in loaded) throw new Error(`DuckDB: ${loaded.error}`);
  const { DuckDBInstance } = loaded.module;
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(duckdbLoadSql(args.csv));
  const loadMs = performance.now() - started;
  await connection.run(createSessionsSql('duckdb', args.thresholdMs!));
  const ms = performance.now() - started;
  const number = (sql: string) => connection.runAndReadAll(sql).then((r) => Number(r.getRows()[0][0]));
  const sessions = await number('SELECT count(*) FROM sessions');
  const rows = await number('SELECT count(*) FROM events');

  const requeryTimes: number[] = [];
  let requerySessions = 0;
  for (let run = 0; run < (args.requeryRuns ?? 3); run++) {
    const at = performance.now();
    requerySessions = await number(countSessionsSql('duckdb', args.requeryThresholdMs!));
    requeryTimes.push(performance.now() - at);
  }
  const version = String((await connection.runAndReadAll('SELECT version()')).getRows()[0][0]);
  const threads = Number((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
  connection.closeSync();
  instance.closeSync();
  return { ms, loadMs, queryMs: ms - loadMs, sessions, rows, requeryMs: median(requeryTimes), requerySessions, version, threads };
}

async function main(): Promise<void> {
  const [task, json] = process.argv.slice(2);
  const args = JSON.parse(json ?? '{}') as Args;
  let result: Measured;
  switch (task) {
    case 'ours-import':
      result = await oursImport(args, true);
      break;
    case 'ours-refresh':
      result = await oursImport(args, false);
      break;
    case 'sqlite':
      result = await sqliteBaseline(args);
      break;
    case 'duckdb':
      result = await duckdbBaseline(args);
      break;
    default:
      throw new Error(`unknown task '${task}'`);
  }
  const out: ChildResult = { ...result, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
