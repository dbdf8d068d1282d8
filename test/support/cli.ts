/** Runs the real command line (bin/session-explorer.js) in a child process; temp directories for tests. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'session-explorer.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin (closed afterwards). */
  input?: string;
  timeoutMs?: number;
}

/** `node bin/session-explorer.js ...args` with the repository root as working directory. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs the CLI and fails (with its stderr) unless it exits 0. */
export async function runCliOk(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const result = await runCli(args, opts);
  if (result.code !== 0) {
    throw new Error(`session-explorer ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}

export interface TempDir {
  path: string;
  cleanup(): void;
}

/** A fresh temporary directory and a function removing it. */
export function makeTempDir(prefix = 'session-explorer-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A fresh temporary directory, removed after the test `t` (or never, when no test context is given: use makeTempDir). */
export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = makeTempDir();
  t.after(() => dir.cleanup());
  return dir.path;
}
