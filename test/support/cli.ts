// Helpers for the tests that drive the real command line: run `bin/session-explorer.js` in a child
// process, on real SQLite files in temporary folders that are removed when the test file ends;
// read back its exports, hashes and CSV output.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import assert from 'node:assert/strict';
import Papa from 'papaparse';

/** The repository root, resolved from this file. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'bin', 'session-explorer.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory of the child; the repository root by default. */
  cwd?: string;
  /** Variables added to (or overriding) the child's environment. */
  env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin (closed afterwards); without it stdin is /dev/null. */
  input?: string;
  /** The child is sent SIGTERM after this long (then `code` is null and `signal` set). */
  timeoutMs?: number;
}

/** Generous: no single command of the test suite comes near it; it only keeps a hung child from hanging the run. */
const DEFAULT_TIMEOUT_MS = 120_000;

function childEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SESSION_EXPLORER_DEBUG;
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return { ...env, ...extra };
}

/** Starts `session-explorer ...args` without waiting (the crash test kills it); stdout and stderr piped. */
export function spawnCli(args: string[], opts: CliOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts.env),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  if (opts.input !== undefined) {
    child.stdin!.on('error', () => {}); // a child exiting before it read its input is not the test's concern
    child.stdin!.end(opts.input);
  }
  return child;
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

/** Runs `session-explorer ...args` to completion, whatever its exit. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return collect(spawnCli(args, opts));
}

function describe(args: string[], r: CliResult): string {
  return `session-explorer ${args.join(' ')}\n  exit ${r.code} ${r.signal ?? ''}\n  stdout: ${r.stdout}\n  stderr: ${r.stderr}`;
}

/** Runs the CLI and asserts it succeeded (exit 0). */
export async function cliOk(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const r = await runCli(args, opts);
  assert.equal(r.code, 0, `expected success:\n${describe(args, r)}`);
  return r;
}

/**
 * Runs the CLI and asserts a clean failure (SPEC §3): non-zero exit, exactly one line on
 * stderr, no stack trace, not an internal error. Returns that line.
 */
export async function cliFails(args: string[], opts: CliOptions = {}): Promise<string> {
  const r = await runCli(args, opts);
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

/**
 * A fresh temporary folder, removed (with everything in it) when the test file ends, whether its
 * tests pass or fail. Works anywhere: in tests, in `before` hooks of files and suites, in loops.
 */
export function tempDir(prefix = 'session-explorer-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/**
 * Removes a folder from tempDir now rather than when the file ends: for loops that make many
 * (property runs). Only frees space early; the end-of-file sweep still covers it.
 */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) removeTempDir(dir);
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

/** The SHA-256 of a file's bytes, or null when there is no such file. */
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
