// What every end-to-end test needs: browser mode (`session-explorer serve --demo`) on a free port,
// the API it serves, headless Debian Chromium with a page that records its errors, and polling.
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT, spawnCli, tempDir } from '../../support/cli.ts';

/** Screenshots kept as test artifacts (CI keeps the folder). */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
export const WAIT_MS = 15_000;

export interface Served {
  child: ChildProcess;
  url: string;
  origin: string;
  port: number;
  token: string;
}

/** `serve --demo --port 0` with the demo cache generated in a fresh folder; resolves with the printed address. */
export async function serveDemo(dir = tempDir('session-explorer-e2e-')): Promise<Served> {
  assert.ok(
    existsSync(join(REPO_ROOT, 'renderer', 'dist', 'index.html')),
    'the UI is not built: run `npm run build:renderer` (vite build --config renderer/vite.config.ts) first',
  );
  const child = spawnCli(['serve', '--demo', '--port', '0'], { env: { TMPDIR: dir, SESSION_EXPLORER_DATA: join(dir, 'data') } });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address in time:\n${stdout}\n${stderr}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /Session Explorer is at (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${stdout}\n${stderr}`)));
  });
  const parsed = new URL(url);
  return { child, url, origin: parsed.origin, port: Number(parsed.port), token: parsed.searchParams.get('token')! };
}

/** Stops the server and waits for it to exit. */
export async function stopServer(served: Served | undefined): Promise<void> {
  if (served === undefined || served.child.exitCode !== null) return;
  const exited = new Promise((resolve) => served.child.once('exit', resolve));
  served.child.kill('SIGTERM');
  await exited;
}

/** One API call over HTTP, as the browser client makes it; fails the test on an error answer. */
export async function callApi<T = unknown>(served: Served, method: string, params: unknown): Promise<T> {
  const response = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-explorer-token': served.token },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  assert.equal(response.status, 200, body.error?.message);
  return body.result as T;
}

/** A POST with exactly these headers (fetch would not let the test set Host). */
export function rawPost(served: Served, path: string, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: served.port, path, method: 'POST', headers: { ...headers, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

export interface BrowserPage {
  browser: Browser;
  page: Page;
  /** Errors the page threw or logged; a test asserts it stays empty. */
  problems: string[];
}

/** Headless Debian Chromium (CHROMIUM_PATH or /usr/bin/chromium) with one page at `url`. */
export async function openPage(url: string, viewport = { width: 1280, height: 800 }): Promise<BrowserPage> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto(url);
  return { browser, page, problems };
}

/** Polls `read` until `ok` holds (or the wait ends), and returns the last value read for the assertion. */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = WAIT_MS): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The number in a text such as `1,234 sessions`. */
export function digits(text: string | null): number {
  return Number((text ?? '').replace(/\D/g, '') || NaN);
}

/** The CSV neutralises cells starting with = + - @ tab CR by a leading ' (SPEC §2); the UI shows the value. */
export function unneutralised(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
