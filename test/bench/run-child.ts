import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The line a bench child prints its result on. */
export const RESULT_MARKER = 'BENCH_RESULT ';

export interface ChildResult {
  /** Wall time of the timed work inside the child (excludes Node start-up). */
  ms: number;
  sessions: number;
  /** Peak resident set size of the child process, KiB (`process.resourceUsage().maxRSS`). */
  maxRssKb: number;
  [key: string]: unknown;
}

const childPath = fileURLToPath(new URL('./bench-child.ts', import.meta.url));

/** Runs one task of bench-child.ts in a fresh Node process (`env` added to its environment) and returns its result. */
export function runChild(task: string, args: object, env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, childPath, task, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        reject(new Error(`bench child '${task}' failed (${signal ?? `exit ${code}`})`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult);
    });
  });
}
