// Helpers for the CLI tests: run the real `bin/session-explorer.js` in a child process, on real
// SQLite files in temporary folders that are removed when the test file ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import assert from 'node:assert/strict';
import Papa from 'papaparse';

/** The repository root (/work/main), resolved from this file. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'bin', 'session-explorer.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SESSION_EXPLORER_DEBUG;
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Starts the CLI without waiting (the crash test kills it). stdin is closed, stdout and stderr piped. */
export function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a started child's output and exit. */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `session-explorer ...args` to completion. */
export function runCli(args: string[]): Promise<CliResult> {
  return collect(spawnCli(args));
}

function describe(args: string[], r: CliResult): string {
  return `session-explorer ${args.join(' ')}\n  exit ${r.code} ${r.signal ?? ''}\n  stdout: ${r.stdout}\n  stderr: ${r.stderr}`;
}

/** Runs the CLI and asserts it succeeded (exit 0). */
export async function cliOk(args: string[]): Promise<CliResult> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `expected success:\n${describe(args, r)}`);
  return r;
}

/**
 * Runs the CLI and asserts a clean failure (SPEC §3): non-zero exit, exactly one line on
 * stderr, no stack trace, not an internal error. Returns that line.
 */
export async function cliFails(args: string[]): Promise<string> {
  const r = await runCli(args);
  assertCleanFailure(r, args);
  return r.stderr.trimEnd();
}

export function assertCleanFailure(r: CliResult, args: string[]): void {
  const context = describe(args, r);
  assert.equal(r.signal, null, `killed by a signal:\n${context}`);
  assert.notEqual(r.code, 0, `expected a non-zero exit:\n${context}`);
  assert.notEqual(r.code, null, context);
  const text = r.stderr.replace(/\r?\n$/, '');
  assert.ok(text.trim() !== '', `expected a reason on stderr:\n${context}`);
  assert.equal(text.split('\n').length, 1, `expected exactly one line on stderr:\n${context}`);
  assert.doesNotMatch(r.stderr, /^\s+at .+[:(]\d+/m, `stack trace on stderr:\n${context}`);
  assert.doesNotMatch(r.stderr, /internal error/i, `bad input reported as an internal error:\n${context}`);
}

/** One JSON object on exactly one stdout line. */
export function parseJsonLine(r: CliResult): Record<string, unknown> {
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one JSON line on stdout, got:\n${r.stdout}`);
  const value: unknown = JSON.parse(lines[0]);
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `not a JSON object: ${lines[0]}`);
  return value as Record<string, unknown>;
}

/** A temporary folder removed (with everything in it) when the test file ends. */
export function tempDir(prefix = 'se-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let outCounter = 0;

/** `export sessions|events` of a cache, returned as text (the CSV is written next to the cache). */
export async function exportText(db: string, what: 'sessions' | 'events'): Promise<string> {
  const out = `${db}.${what}.${++outCounter}.csv`;
  await cliOk(['export', what, '--db', db, '--out', out]);
  const text = readFileSync(out, 'utf8');
  rmSync(out);
  return text;
}

/** Both exports of a cache: what "the cache is unchanged" is compared on. */
export async function snapshot(db: string): Promise<{ sessions: string; events: string }> {
  return { sessions: await exportText(db, 'sessions'), events: await exportText(db, 'events') };
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fileHash(path: string): string | null {
  return existsSync(path) ? sha256(readFileSync(path)) : null;
}

/** A CSV text as rows of fields (RFC 4180, quoted newlines kept), the header first; empty lines skipped. */
export function parseCsv(text: string): string[][] {
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: true, delimiter: ',' });
  assert.deepEqual(result.errors, [], 'unparsable CSV');
  return result.data;
}

/** A CSV text as objects keyed by its header. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}
