import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { generateDemoEvents, type DemoEvent } from '../../core/sources/demo-generator.ts';

/**
 * The benchmark's input: a seeded demo CSV (`user_id,time,insert_id,event,country,device,os`) and a
 * second CSV holding only the events of its last local (UTC) dates, for the refresh figure. Both are
 * written in one pass of the generator and reused while the parameters and the generator are unchanged.
 */

export interface DataParams {
  users: number;
  days: number;
  seed: number;
  /** How many trailing local dates the refresh CSV holds. */
  refreshDays: number;
}

export interface BenchData {
  params: DataParams;
  csv: string;
  tailCsv: string;
  rows: number;
  bytes: number;
  tailRows: number;
  tailBytes: number;
  /** Local (UTC) dates `YYYY-MM-DD` the refresh CSV is authoritative for. */
  tailFrom: string;
  tailTo: string;
  generator: string;
  /** True when the files were generated in this run (false: reused). */
  generated: boolean;
  generateMs: number;
}

const HEADER = ['user_id', 'time', 'insert_id', 'event', 'country', 'device', 'os'];
const CHUNK_ROWS = 50_000;
const START_DATE = '2025-03-01';
const DAY_MS = 86_400_000;

const here = dirname(fileURLToPath(import.meta.url));
const generatorPath = join(here, '../../core/sources/demo-generator.ts');

/** A fingerprint of the generator's source: a changed generator invalidates the stored CSVs. */
function generatorFingerprint(): string {
  return createHash('sha256').update(readFileSync(generatorPath)).digest('hex').slice(0, 16);
}

class ChunkedCsvWriter {
  private readonly fd: number;
  private rows: unknown[][] = [];
  count = 0;
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    this.write(stringify([HEADER]));
  }

  add(event: DemoEvent): void {
    this.rows.push([event.userId, new Date(event.time).toISOString(), event.insertId, event.event, event.country, event.device, event.os]);
    this.count++;
    if (this.rows.length >= CHUNK_ROWS) this.flush();
  }

  flush(): void {
    if (this.rows.length === 0) return;
    this.write(stringify(this.rows));
    this.rows = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private write(text: string): void {
    const buffer = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < buffer.length) at += writeSync(this.fd, buffer, at);
    this.bytes += buffer.length;
  }
}

export function dataName(params: DataParams): string {
  return `events-u${params.users}-d${params.days}-s${params.seed}`;
}

/** Returns the benchmark CSVs under `dir`, generating them unless matching ones exist. */
export function prepareData(dir: string, params: DataParams, log: (line: string) => void): BenchData {
  mkdirSync(dir, { recursive: true });
  const name = dataName(params);
  const csv = join(dir, `${name}.csv`);
  const tailCsv = join(dir, `${name}-last${params.refreshDays}.csv`);
  const metaPath = join(dir, `${name}.json`);
  const generator = generatorFingerprint();

  if (existsSync(metaPath) && existsSync(csv) && existsSync(tailCsv)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as BenchData;
      const same =
        meta.generator === generator &&
        meta.params.users === params.users &&
        meta.params.days === params.days &&
        meta.params.seed === params.seed &&
        meta.params.refreshDays === params.refreshDays &&
        statSync(csv).size === meta.bytes &&
        statSync(tailCsv).size === meta.tailBytes;
      if (same) return { ...meta, csv, tailCsv, generated: false, generateMs: 0 };
    } catch {
      // unreadable metadata: regenerate
    }
  }

  log(`generating ${csv} (users ${params.users}, days ${params.days}, seed ${params.seed}) ...`);
  const started = performance.now();
  const startMs = Date.parse(`${START_DATE}T00:00:00Z`);
  const tailStartMs = startMs + (params.days - params.refreshDays) * DAY_MS;
  const tmp = `${csv}.tmp`;
  const tailTmp = `${tailCsv}.tmp`;
  const full = new ChunkedCsvWriter(tmp);
  const tail = new ChunkedCsvWriter(tailTmp);
  try {
    generateDemoEvents({ users: params.users, days: params.days, seed: params.seed, startDate: START_DATE }, (event) => {
      full.add(event);
      if (event.time >= tailStartMs) tail.add(event);
    });
  } finally {
    full.close();
    tail.close();
  }
  rmSync(metaPath, { force: true });
  renameSync(tmp, csv);
  renameSync(tailTmp, tailCsv);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const data: BenchData = {
    params,
    csv,
    tailCsv,
    rows: full.count,
    bytes: full.bytes,
    tailRows: tail.count,
    tailBytes: tail.bytes,
    tailFrom: iso(tailStartMs),
    tailTo: iso(startMs + (params.days - 1) * DAY_MS),
    generator,
    generated: true,
    generateMs: performance.now() - started,
  };
  writeFileSync(metaPath, JSON.stringify(data, null, 2));
  return data;
}
