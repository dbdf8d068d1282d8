// End to end: importing event files in browser mode (`session-explorer serve --demo`) in headless
// Chromium — the Data panel's `Import files` (upload, then importFiles with progress over SSE),
// its rejected rows, its notice and the user's own cache, and Cancel while a large file is read;
// checked against what the command line reads from the same files and exports from the same caches.
import assert from 'node:assert/strict';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { cliOk, csvRecords, exportText, parseJsonLine, snapshot, tempDir } from '../support/cli.ts';
import { ARTIFACTS, callApi, digits, eventually, openPage, serveDemo, stopServer, type Served } from './support/served-app.ts';

interface Summary {
  path: string;
  demo: boolean;
  sessions: number;
}

/** Rows of the large file: its reading alone takes several seconds (about 8 s here), so Cancel lands while it reads. */
const LARGE_ROWS = 4_000_000;

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let problems: string[] = [];
/** The address of each request Chromium logged `Failed to load resource` for (an answer of 400 or more). */
const failedLoads: string[] = [];
/** The server's answers to importFiles, in order. */
const importAnswers: Array<Promise<{ status: number; body: { error?: { message: string } } }>> = [];
/** The served demo cache, as the server described it before any import. */
let demo: Summary;
/** Where the server keeps the user's own cache: `$SESSION_EXPLORER_DATA/cache.db`. */
let ownCache: string;
/** A small CSV with two bad rows, and what `session-explorer import` makes of it in a scratch cache. */
let smallCsv: string;
let cliImport: Record<string, unknown>;
let cliRejects: Array<Record<string, string>>;
let largeCsv: string;

before(async () => {
  dir = tempDir('session-explorer-import-e2e-');
  ownCache = join(dir, 'data', 'cache.db');
  smallCsv = join(dir, 'bad-rows.csv');
  writeFileSync(
    smallCsv,
    [
      'user_id,time,event,country',
      'alice,2025-03-03T09:00:00Z,open,DE',
      'alice,2025-03-03T09:05:00Z,view,DE',
      ',2025-03-03T09:06:00Z,view,DE', // line 4: no user
      'alice,2025-03-03T09:10:00Z,buy,DE',
      'bob,2025-03-03T10:00:00Z,open,FR',
      'bob,not a time,view,FR', // line 7: a bad time
      'bob,2025-03-03T12:30:00Z,open,FR', // 2 h 30 min after bob's first: a second session
      'carol,2025-03-04T08:00:00Z,open,',
      '',
    ].join('\n'),
  );
  const scratch = tempDir('session-explorer-import-e2e-cli-');
  const rejects = join(scratch, 'rejects.csv');
  cliImport = parseJsonLine(await cliOk(['import', smallCsv, '--db', join(scratch, 'cli.db'), '--rejects', rejects, '--json']));
  cliRejects = csvRecords(readFileSync(rejects, 'utf8'));
  // The file as written, read by the command line: 6 events, 4 sessions, lines 4 and 7 rejected.
  assert.deepEqual([cliImport.imported, cliImport.rejected, cliImport.sessions], [6, 2, 4]);
  assert.deepEqual(cliRejects.map((r) => r.line), ['4', '7']);

  largeCsv = await writeLargeCsv(join(dir, 'many-events.csv'), LARGE_ROWS);

  served = await serveDemo(dir);
  demo = await callApi<Summary>(served, 'summary', {});
  assert.equal(demo.demo, true, 'serve --demo opens the demo data');
  assert.ok(demo.sessions > 0);
  ({ browser, page, problems } = await openPage(served.url));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('Failed to load resource')) failedLoads.push(message.location().url);
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/api/importFiles') {
      importAnswers.push(response.json().then((body: { error?: { message: string } }) => ({ status: response.status(), body })));
    }
  });
  await eventually(async () => digits(await sessionCount().textContent()), (n) => n === demo.sessions);
});

after(async () => {
  await browser?.close();
  await stopServer(served);
});

test('importing a CSV with bad rows while the demo is open fills the own cache, lists the rejected rows and shows that cache', async () => {
  assert.equal(digits(await sessionCount().textContent()), demo.sessions, 'the demo data is shown first');
  assert.match((await source().textContent()) ?? '', /^Demo data$/);
  assert.equal(existsSync(ownCache), false, 'no own cache before the first import');

  await chooseFiles([smallCsv]);
  // The import is small: the progress bar may come and go before it can be seen, but one of the two shows.
  await progressBar().or(dataSection().getByRole('status')).first().waitFor();

  const notice = dataSection().getByRole('status');
  const text = await eventually(async () => (await notice.count()) === 1 ? ((await notice.textContent()) ?? '') : '', (t) => t !== '');
  assert.equal(text, `Imported ${cliImport.imported} events · ${cliImport.duplicates} duplicates · ${cliImport.rejected} rejected rows; ${cliImport.sessions} sessions now`);
  assert.equal(await dataSection().getByRole('alert').count(), 0, 'no error notice');
  assert.equal(await progressBar().count(), 0, 'the progress bar is gone once the import is done');
  assert.equal(await dataSection().getByRole('button', { name: 'Cancel', exact: true }).count(), 0);

  // The rejected rows, with their line numbers, as the command line's rejects file has them.
  const rejections = dataSection().getByRole('group');
  assert.match((await rejections.locator('summary').textContent()) ?? '', /^2 rejected rows$/);
  const table = rejections.getByRole('table', { name: 'in bad-rows.csv' });
  const rows = table.locator('tbody tr');
  assert.equal(await rows.count(), cliRejects.length);
  for (const [i, expected] of cliRejects.entries()) {
    const cells = rows.nth(i).getByRole('cell');
    assert.equal(await cells.nth(0).textContent(), expected.line, `line of rejected row ${i + 1}`);
    assert.equal(await cells.nth(1).locator('div').nth(0).textContent(), expected.reason);
    assert.equal(await cells.nth(1).locator('div').nth(1).textContent(), expected.row);
  }

  // The import went to the own cache, which the app now shows, as many sessions as the CLI exports from it.
  assert.ok(existsSync(ownCache), `the import created ${ownCache}`);
  const exported = csvRecords(await exportText(ownCache, 'sessions'));
  assert.equal(exported.length, cliImport.sessions);
  const shown = await eventually(async () => digits(await sessionCount().textContent()), (n) => n === exported.length);
  assert.equal(shown, exported.length, 'Session count');
  assert.equal(await source().textContent(), ownCache, 'the Data panel names the own cache');
  assert.equal(await page.locator('.header-cache').textContent(), ownCache);
  const grid = page.getByRole('grid', { name: 'Sessions' });
  assert.equal(await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(exported.length + 1)), String(exported.length + 1));
  const server = await callApi<Summary>(served, 'summary', {});
  assert.deepEqual([server.path, server.demo, server.sessions], [ownCache, false, exported.length]);
});

test('Cancel while a large file is read leaves the own cache as it was and goes back to the demo', async () => {
  await dataSection().getByRole('button', { name: 'Open demo data' }).click();
  assert.equal(await eventually(async () => digits(await sessionCount().textContent()), (n) => n === demo.sessions), demo.sessions);
  assert.equal(await eventually(async () => (await source().textContent()) ?? '', (t) => t === 'Demo data'), 'Demo data');
  const ownBefore = await snapshot(ownCache);
  assert.equal(csvRecords(ownBefore.sessions).length, cliImport.sessions, 'the own cache holds the first import');

  await chooseFiles([largeCsv]);
  // The server is reading the file: its progress (a percentage) has come over the event stream.
  const bar = progressBar();
  await bar.waitFor();
  const percent = await eventually(() => bar.getAttribute('aria-valuenow'), (v) => v !== null, 60_000);
  assert.notEqual(percent, null, 'the import reports how much of the file it has read');
  assert.match((await dataSection().locator('.progress-label').textContent()) ?? '', /^Reading many-events\.csv\d+%$/);
  await page.screenshot({ path: join(ARTIFACTS, 'import-progress.png') });
  await dataSection().getByRole('button', { name: 'Cancel', exact: true }).click();

  // Whichever notice comes (an import that finished would bring a status), it must be the cancel's.
  const notice = dataSection().getByRole('alert').or(dataSection().getByRole('status'));
  await notice.waitFor({ timeout: 60_000 });
  assert.equal(
    `${await notice.getAttribute('role')}: ${await notice.textContent()}`,
    'alert: Import cancelled: the cache is unchanged',
    `Cancel clicked at ${percent}% read; the import must not finish (a larger file keeps it reading longer)`,
  );
  assert.equal(await dataSection().getByRole('status').count(), 0, 'no success notice');
  // The server cancelled the import it was running: the page did not merely stop waiting for it.
  const answers = await Promise.all(importAnswers);
  assert.deepEqual(
    answers.map((a) => [a.status, a.body.error?.message]),
    [[200, undefined], [400, 'import cancelled; the cache is unchanged']],
  );
  assert.equal(await progressBar().count(), 0);

  // Back on the demo, on the page and on the server; the own cache holds exactly what it held.
  assert.equal(digits(await sessionCount().textContent()), demo.sessions, 'Session count');
  assert.equal(await source().textContent(), 'Demo data');
  const server = await callApi<Summary>(served, 'summary', {});
  assert.deepEqual([server.path, server.demo, server.sessions], [demo.path, true, demo.sessions]);
  const ownAfter = await snapshot(ownCache);
  assert.equal(ownAfter.sessions, ownBefore.sessions, 'own cache sessions unchanged');
  assert.equal(ownAfter.events, ownBefore.events, 'own cache events unchanged');
});

test('the page threw and logged no errors', () => {
  // The one expected line: Chromium logs every answer of 400 or more, and the cancelled
  // importFiles answers 400 (checked above). Any other failed request or error still counts.
  assert.deepEqual(failedLoads, [`${served.origin}/api/importFiles`]);
  const rest = [...problems];
  const cancelled = rest.indexOf('Failed to load resource: the server responded with a status of 400 (Bad Request)');
  if (cancelled !== -1) rest.splice(cancelled, 1);
  assert.deepEqual(rest, []);
});

// --- helpers ---

function sessionCount(): Locator {
  return page.getByRole('status', { name: 'Session count' });
}

/** The Data section of the Data panel: its buttons, the import's progress, the notice and the rejected rows. */
function dataSection(): Locator {
  return page
    .getByRole('complementary', { name: 'Data' })
    .locator('section', { has: page.getByRole('heading', { name: 'Data', exact: true }) });
}

function progressBar(): Locator {
  return dataSection().getByRole('progressbar', { name: 'Import progress' });
}

/** The Cache section's `Source`: `Demo data`, or the open cache's path. */
function source(): Locator {
  return page
    .getByRole('complementary', { name: 'Data' })
    .locator('.fact', { has: page.getByRole('term').getByText('Source', { exact: true }) })
    .getByRole('definition');
}

/** Clicks `Import files` and picks these files in the browser's file chooser. */
async function chooseFiles(paths: string[]): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    dataSection().getByRole('button', { name: 'Import files', exact: true }).click(),
  ]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles(paths);
}

/** A CSV of `rows` valid events (40,000 users on 2025-03-01, about 11 minutes apart), streamed to disk; its path. */
async function writeLargeCsv(path: string, rows: number): Promise<string> {
  const out = createWriteStream(path);
  const events = ['open', 'view', 'add_to_cart', 'buy', 'search'];
  const countries = ['DE', 'FR', 'US', 'GB', 'JP'];
  const users = 40_000;
  const start = Date.UTC(2025, 2, 1);
  let chunk = 'user_id,time,event,country\n';
  for (let i = 0; i < rows; i++) {
    const user = i % users;
    chunk += `u${user},${start + Math.floor(i / users) * 97_000 * 7 + user * 13},${events[i % 5]},${countries[user % 5]}\n`;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.on('error', reject).end(chunk, () => resolve()));
  return path;
}
