// End to end: browser mode (`session-explorer serve --demo`) in headless Chromium, driven through
// roles and accessible names, checked against what the command line exports from the same cache.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { csvRecords, exportText } from '../support/cli.ts';
import {
  ARTIFACTS, WAIT_MS, callApi, digits, eventually, openPage, rawPost, serveDemo, stopServer, unneutralised, type Served,
} from './support/served-app.ts';

type Csv = Array<Record<string, string>>;

let served: Served;
let browser: Browser;
let page: Page;
/** The sessions CSV of the served demo cache, from the command line. */
let sessionsCsv: string;
let sessions: Csv;
/** Errors the page threw or logged. */
let problems: string[] = [];

before(async () => {
  served = await serveDemo();
  const summary = await callApi<{ path: string; sessions: number }>(served, 'summary', {});
  sessionsCsv = await exportText(summary.path, 'sessions');
  sessions = csvRecords(sessionsCsv).map((row) => Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, unneutralised(cell)])));
  assert.equal(sessions.length, summary.sessions);
  ({ browser, page, problems } = await openPage(served.url));
});

after(async () => {
  await browser?.close();
  await stopServer(served);
});

test('the Sessions view shows the demo sessions, as many as the sessions CSV has rows', async () => {
  const count = page.getByRole('status', { name: 'Session count' });
  const shown = await eventually(async () => digits(await count.textContent()), (n) => n === sessions.length);
  assert.equal(shown, sessions.length, 'Session count');
  assert.equal(page.url(), `${served.origin}/`, 'the token is taken out of the address');

  const grid = page.getByRole('grid', { name: 'Sessions' });
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(sessions.length + 1));
  await expectRows(grid, sessions.slice(0, 20));
  await page.screenshot({ path: join(ARTIFACTS, 'sessions-view.png') });
});

test('sorting by a column orders the rows as the CSV sorted the same way', async () => {
  const grid = page.getByRole('grid', { name: 'Sessions' });
  const header = grid.getByRole('columnheader', { name: 'session_duration_secs', exact: true });
  const byDuration = (sign: number) => stableSort(sessions, (a, b) => sign * (Number(a.session_duration_secs) - Number(b.session_duration_secs)));

  await header.getByRole('button').click();
  await eventually(() => header.getAttribute('aria-sort'), (s) => s === 'descending');
  await expectRows(grid, byDuration(-1).slice(0, 20));

  await header.getByRole('button').click();
  await eventually(() => header.getAttribute('aria-sort'), (s) => s === 'ascending');
  await expectRows(grid, byDuration(1).slice(0, 20));

  const firstEvent = grid.getByRole('columnheader', { name: 'first_event', exact: true });
  await firstEvent.getByRole('button').click();
  await eventually(() => firstEvent.getAttribute('aria-sort'), (s) => s === 'ascending');
  assert.equal(await header.getAttribute('aria-sort'), 'none');
  await expectRows(grid, stableSort(sessions, (a, b) => codePointCompare(a.first_event, b.first_event)).slice(0, 20));

  // Back to the CSV's own order: ascending, descending, then unsorted.
  await firstEvent.getByRole('button').click();
  await firstEvent.getByRole('button').click();
  await eventually(() => firstEvent.getAttribute('aria-sort'), (s) => s === 'none');
  await expectRows(grid, sessions.slice(0, 20));
});

test('filtering by dates, country, then user narrows the rows to exactly the matching sessions', async () => {
  const grid = page.getByRole('grid', { name: 'Sessions' });
  const filters = page.getByRole('search', { name: 'Filter sessions' });
  await filters.getByRole('textbox', { name: 'From' }).fill('2025-03-05');
  await filters.getByRole('textbox', { name: 'To' }).fill('2025-03-06');
  const inDates = sessions.filter((s) => s.start_date >= '2025-03-05' && s.start_date <= '2025-03-06');
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(inDates.length + 1));
  await expectRows(grid, inDates.slice(0, 20));
  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(sessions.length + 1));

  const country = page.getByRole('combobox', { name: 'country', exact: true });
  const countries = (await country.locator('option').allTextContents()).filter((c) => c !== 'All' && c !== '(not set)');
  assert.ok(countries.length > 1, 'the country filter offers the cache’s values');
  const chosen = countries[1];
  await country.selectOption(chosen);
  const inCountry = sessions.filter((s) => s.country === chosen);
  assert.ok(inCountry.length > 0 && inCountry.length < sessions.length);
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(inCountry.length + 1));
  await expectRows(grid, inCountry.slice(0, 20));
  await country.selectOption('All');
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(sessions.length + 1));

  const user = sessions.find((s) => s.user_id.includes(','))!.user_id;
  const search = page.getByRole('textbox', { name: 'Search users' });
  await search.fill(user.slice(0, 3));
  await page.getByRole('listbox', { name: 'Matching users' }).getByRole('option', { name: user, exact: true }).click();
  assert.equal(await search.inputValue(), user);
  const ofUser = sessions.filter((s) => s.user_id.startsWith(user));
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(ofUser.length + 1));
  await expectRows(grid, ofUser.slice(0, 20));
});

test('opening a session lists its events, as many as its event_count', async () => {
  const grid = page.getByRole('grid', { name: 'Sessions' });
  const rows = await loadedRows(grid);
  // The longest of the rows in view but the last, so that the keyboard check below has a next row.
  const target = rows.slice(0, -1).reduce((best, row) => (Number(row.event_count) > Number(best.event_count) ? row : best));
  const expected = sessions.find((s) => s.user_id === target.user_id && s.session_id === target.session_id)!;
  await grid.locator(`[role=row][data-index="${target.index}"]`).click();

  const panel = page.getByRole('complementary', { name: 'Session events' });
  await panel.waitFor({ timeout: WAIT_MS });
  const events = panel.getByRole('list', { name: 'Events' }).getByRole('listitem');
  await eventually(() => events.count(), (n) => n === Number(expected.event_count));
  assert.equal(await events.count(), Number(expected.event_count));
  assert.match((await events.first().textContent()) ?? '', new RegExp(escapeRegExp(expected.first_event)));
  assert.match((await events.last().textContent()) ?? '', new RegExp(escapeRegExp(expected.last_event)));
  await page.screenshot({ path: join(ARTIFACTS, 'session-panel.png') });

  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached', timeout: WAIT_MS });

  // The keyboard: focus went back to the row; Arrow Down and Enter open the next session.
  const focusedIndex = () => page.locator(':focus').getAttribute('data-index');
  assert.equal(await focusedIndex(), String(target.index));
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedIndex(), String(target.index + 1));
  const next = rows.find((row) => row.index === target.index + 1)!;
  await page.keyboard.press('Enter');
  await panel.getByRole('heading', { name: `Session ${next.session_id} of ${next.user_id}` }).waitFor();
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached', timeout: WAIT_MS });
});

test('Export sessions CSV downloads exactly what `session-explorer export sessions` writes', async () => {
  await page.getByRole('search', { name: 'Filter sessions' }).getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByRole('region', { name: 'Export' }), /all of them/);
  const path = await download('Export sessions CSV');
  assert.ok(readFileSync(path).equals(Buffer.from(sessionsCsv, 'utf8')), 'downloaded CSV equals the CLI export byte for byte');
});

test('with a filter set, the CSV export holds exactly the sessions the filter selects', async () => {
  const country = page.getByRole('combobox', { name: 'country', exact: true });
  const chosen = (await country.locator('option').allTextContents()).filter((c) => c !== 'All' && c !== '(not set)')[0];
  await country.selectOption(chosen);
  await expect(page.getByRole('region', { name: 'Export' }), new RegExp(`filtered: country ${escapeRegExp(chosen)}`));
  const rows = csvRecords(readFileSync(await download('Export sessions CSV'), 'utf8'));
  assert.deepEqual(rows, csvRecords(sessionsCsv).filter((r) => r.country === chosen));
  assert.ok(rows.length > 0);
  await country.selectOption('All');
});

test('the server refuses API calls without the token, and with a foreign Host header', async () => {
  assert.equal((await rawPost(served, '/api/summary', { host: `127.0.0.1:${served.port}` })).status, 401);
  assert.equal((await rawPost(served, '/api/summary', { host: `evil.example:${served.port}`, 'x-session-explorer-token': served.token })).status, 403);
  assert.equal((await rawPost(served, '/api/summary', { host: `localhost:${served.port}`, 'x-session-explorer-token': served.token })).status, 200);
});

test('the page threw and logged no errors', () => {
  assert.deepEqual(problems, []);
});

// --- helpers ---

/** Clicks an export button and waits for its download; the downloaded file's path. */
async function download(button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  assert.equal(file.suggestedFilename(), 'sessions.csv');
  return file.path();
}

/** Waits until the element's text matches, then asserts it. */
async function expect(element: Locator, pattern: RegExp): Promise<void> {
  const text = await eventually(async () => (await element.textContent()) ?? '', (t) => pattern.test(t));
  assert.match(text, pattern);
}

interface ShownRow {
  index: number;
  user_id: string;
  session_id: string;
  event_count: string;
}

/** The rendered rows whose data has arrived, in list order, read by column header name. */
async function loadedRows(grid: Locator): Promise<ShownRow[]> {
  return grid.evaluate((element) => {
    const headers = [...element.querySelectorAll('[role=columnheader]')].map((h) => h.textContent?.trim() ?? '');
    const column = (name: string) => headers.indexOf(name);
    return [...element.querySelectorAll('[role=row][data-index]:not([aria-busy=true])')]
      .map((row) => {
        const cells = [...row.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '');
        return {
          index: Number(row.getAttribute('data-index')),
          user_id: cells[column('user_id')],
          session_id: cells[column('session_id')].replace(/,/g, ''),
          event_count: cells[column('event_count')].replace(/,/g, ''),
        };
      })
      .sort((a, b) => a.index - b.index);
  });
}

/** Waits until the grid's first rows are these sessions (by user_id and session_id), then asserts it. */
async function expectRows(grid: Locator, expected: Csv): Promise<void> {
  const keys = (rows: Array<{ user_id?: string; session_id?: string }>) => rows.map((r) => `${r.user_id} #${r.session_id}`);
  const want = keys(expected);
  const read = async () => {
    const rows = await loadedRows(grid);
    return rows[0]?.index === 0 ? keys(rows).slice(0, want.length) : [];
  };
  const shown = await eventually(read, (got) => JSON.stringify(got) === JSON.stringify(want));
  assert.deepEqual(shown, want);
}

/** Sorted by `compare`, ties kept in the CSV's order (user_id, session_id) — the server's tie-break. */
function stableSort(rows: Csv, compare: (a: Record<string, string>, b: Record<string, string>) => number): Csv {
  return rows.map((row, i) => ({ row, i })).sort((a, b) => compare(a.row, b.row) || a.i - b.i).map((x) => x.row);
}

function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
