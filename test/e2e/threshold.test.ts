// End to end: the Threshold view in browser mode (`session-explorer serve --demo`, headless
// Chromium). The slider is driven by keyboard, mouse and typing; every session count it shows is
// checked against `session-explorer sweep` on the same cache, and after Apply the downloaded CSV
// against `session-explorer export sessions`. Apply changes the served cache, so it comes last.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { cliOk, csvRecords, exportText } from '../support/cli.ts';
import { ARTIFACTS, WAIT_MS, callApi, digits, eventually, openPage, serveDemo, stopServer, type Served } from './support/served-app.ts';

interface Summary {
  path: string;
  sessions: number;
  definition: { threshold_ms: number };
}

let served: Served;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let summary: Summary;

before(async () => {
  served = await serveDemo();
  summary = await callApi<Summary>(served, 'summary', {});
  ({ browser, page, problems } = await openPage(served.url));
  await page.getByRole('tab', { name: 'Threshold' }).click();
});

after(async () => {
  await browser?.close();
  await stopServer(served);
});

/** Sessions at a threshold (whole seconds), as the command line's sweep counts them on the served cache. */
async function cliSessionsAt(secs: number): Promise<number> {
  const result = await cliOk(['sweep', '--db', summary.path, '--thresholds', String(secs), '--json']);
  const json = JSON.parse(result.stdout) as { thresholds: Array<{ threshold_secs: number; sessions: number }> };
  assert.equal(json.thresholds.length, 1);
  assert.equal(json.thresholds[0].threshold_secs, secs);
  return json.thresholds[0].sessions;
}

const slider = () => page.getByRole('slider', { name: 'Inactivity threshold' });
const headerCount = () => page.getByRole('status', { name: 'Session count' });
const previewCount = () => page.getByRole('group', { name: 'B: preview definition' }).getByTestId('sessions-B');
const histogram = () => page.getByRole('figure', { name: 'Gaps between events' });
const curve = () => page.getByRole('figure', { name: 'Sessions by threshold' });

/** The slider's value in seconds. */
async function sliderSecs(): Promise<number> {
  return Number(await slider().getAttribute('aria-valuenow'));
}

/** Waits until the slider's value is `secs`, then asserts it. */
async function expectSlider(secs: number, what: string): Promise<void> {
  assert.equal(await eventually(sliderSecs, (v) => v === secs), secs, what);
}

/** Waits until the element's number is `expected`, then asserts it. */
async function expectNumber(element: Locator, expected: number, what: string): Promise<void> {
  const shown = await eventually(async () => digits(await element.textContent()), (n) => n === expected);
  assert.equal(shown, expected, what);
}

/** The slider's value now, and that the header and the B column show the CLI's session count there. */
async function expectCountsMatchCli(): Promise<{ secs: number; sessions: number }> {
  const secs = await sliderSecs();
  assert.ok(Number.isInteger(secs) && secs >= 60 && secs <= 14_400, `slider value ${secs} s`);
  const sessions = await cliSessionsAt(secs);
  await expectNumber(headerCount(), sessions, `Session count at ${secs} s`);
  await expectNumber(previewCount(), sessions, `B's sessions at ${secs} s`);
  return { secs, sessions };
}

/** The x of the threshold's line on a chart. */
async function thresholdLineX(figure: Locator): Promise<number> {
  return Number(await figure.locator('line.threshold-line').getAttribute('x1'));
}

async function stateNote(): Promise<string> {
  return (await page.getByRole('note').textContent()) ?? '';
}

test('the view opens on the stored definition, with the gap histogram and the sessions curve drawn from the data', async () => {
  assert.equal(summary.definition.threshold_ms, 1_800_000, 'the demo cache has the default 30-minute threshold');
  await slider().waitFor();
  await expectSlider(1800, 'slider value');
  assert.equal(await slider().getAttribute('aria-valuetext'), '30m');
  assert.equal(await slider().getAttribute('aria-valuemin'), '60');
  assert.equal(await slider().getAttribute('aria-valuemax'), '14400');
  assert.match(await stateNote(), /Stored definition/);
  await expectNumber(headerCount(), summary.sessions, 'Session count');
  assert.equal(summary.sessions, await cliSessionsAt(1800));
  assert.ok(await page.getByRole('button', { name: 'Apply' }).isDisabled(), 'nothing to apply');

  // The histogram: every in-day gap of the cache, drawn as two areas split at the threshold.
  const gaps = await callApi<{ gaps: number; bins: unknown[] }>(served, 'gapHistogram', {});
  assert.ok(gaps.gaps > 1000, 'the demo data has gaps');
  await eventually(() => histogram().getAttribute('data-gaps'), (n) => n === String(gaps.gaps));
  assert.equal(await histogram().getAttribute('data-gaps'), String(gaps.gaps));
  assert.equal(await histogram().getAttribute('data-bins'), String(gaps.bins.length));
  await histogram().locator('line.threshold-line').waitFor({ state: 'attached' });
  const within = await histogram().locator('.within-area path.recharts-area-area').getAttribute('d');
  const cut = await histogram().locator('.cut-area path').first().getAttribute('d');
  assert.ok((within ?? '').length > 200, 'the gaps within sessions are drawn');
  assert.ok((cut ?? '').length > 200, 'the gaps that start sessions are drawn');
  for (const label of ['1s', '10s', '1m', '10m', '1h', '1d']) {
    assert.equal(await histogram().locator('.recharts-cartesian-axis-tick-value', { hasText: new RegExp(`^${label}$`) }).count(), 1, `axis label ${label}`);
  }

  // The curve: a hundred thresholds from 1 minute to 4 hours, the current one marked on it.
  assert.equal(await curve().getAttribute('data-points'), '100');
  const line = await curve().locator('path.recharts-line-curve').getAttribute('d');
  assert.ok((line ?? '').length > 200, 'the curve is drawn');
  await curve().locator('circle.threshold-dot').waitFor();
  await curve().locator('line.threshold-line').waitFor({ state: 'attached' });
});

test('arrow keys, Page Up / Page Down, Home and End move the slider; the header count follows the CLI sweep', async () => {
  const lineBefore = await thresholdLineX(histogram());
  await slider().focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  await expectSlider(1200, 'ten one-minute steps down from 30m');
  assert.equal(await slider().getAttribute('aria-valuetext'), '20m');
  const at20 = await expectCountsMatchCli();
  assert.notEqual(at20.sessions, summary.sessions, 'the preview changes the count');
  assert.match(await stateNote(), /Preview/);
  assert.ok((await thresholdLineX(histogram())) < lineBefore, 'the threshold line moved left on the histogram');

  // A is the stored definition, B the preview; what changes is compareThresholds' answer.
  const comparison = await callApi<{ split_sessions: number; split_into: number; unchanged: number }>(served, 'compareThresholds', {
    a_ms: 1_800_000,
    b_ms: 1_200_000,
  });
  assert.equal(comparison.split_into - comparison.split_sessions, at20.sessions - summary.sessions);
  const changes = page.getByRole('region', { name: 'Compare definitions' });
  const text = await eventually(async () => (await changes.textContent()) ?? '', (t) => t.includes('split'));
  assert.match(text, new RegExp(`${comparison.split_sessions.toLocaleString('en-US')} sessions? of A split into ${comparison.split_into.toLocaleString('en-US')}`));
  assert.match(text, new RegExp(`${comparison.unchanged.toLocaleString('en-US')} unchanged`));

  await page.keyboard.press('PageUp');
  await expectSlider(1500, 'five steps up');
  await expectCountsMatchCli();
  await page.keyboard.press('End');
  await expectSlider(14_400, 'slider value');
  await expectCountsMatchCli();
  await page.keyboard.press('ArrowLeft');
  await expectSlider(13_500, 'a 15-minute step near the top');
  await expectCountsMatchCli();
  await page.keyboard.press('Home');
  await expectSlider(60, 'slider value');
  await expectCountsMatchCli();
  await page.keyboard.press('PageDown');
  await expectSlider(60, 'the bottom holds');
});

test('dragging the thumb with the mouse previews the threshold under the pointer', async () => {
  const before = await sliderSecs();
  const box = (await slider().boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + box.width / 2 + i * 40, y);
  await page.mouse.up();
  const after = await sliderSecs();
  assert.ok(after > before, `dragged right from ${before} s to ${after} s`);
  await expectCountsMatchCli();

  // The histogram's line follows (it is drawn from the chart's own log scale).
  const x = await thresholdLineX(histogram());
  await page.keyboard.press('ArrowRight');
  await eventually(() => thresholdLineX(histogram()), (moved) => moved > x);
  assert.ok((await thresholdLineX(histogram())) > x);
  await expectCountsMatchCli();
});

test('typing an exact value previews it; a value that is not a duration is refused', async () => {
  const input = page.getByRole('textbox', { name: 'Exact value' });
  await input.fill('1h 5m');
  await input.press('Enter');
  await expectSlider(3900, 'slider value');
  await expectCountsMatchCli();
  await input.fill('soon');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  await input.press('Enter');
  await expectSlider(3900, 'nothing taken');
  await input.press('Escape');
  assert.equal(await input.inputValue(), '1h 5m');
});

test('the Sessions table follows the preview, and Reset returns everything to the stored definition', async () => {
  const { sessions } = await expectCountsMatchCli();
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const grid = page.getByRole('grid', { name: 'Sessions' });
  await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === String(sessions + 1));
  assert.equal(await grid.getAttribute('aria-rowcount'), String(sessions + 1), 'the table holds the previewed sessions');
  await page.getByRole('tab', { name: 'Threshold' }).click();

  await page.getByRole('button', { name: 'Reset' }).click();
  await expectNumber(headerCount(), summary.sessions, 'Session count after Reset');
  await expectSlider(1800, 'slider value');
  assert.match(await stateNote(), /Stored definition/);
  assert.ok(await page.getByRole('button', { name: 'Reset' }).isDisabled());
  await expectNumber(previewCount(), summary.sessions, 'B is A again');
});

test('Apply persists the previewed threshold: the exported CSV is the CLI export of the re-sessionized cache', async () => {
  await slider().focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('PageDown');
  await expectSlider(600, '30m, 25m, 20m, 15m, 10m');
  const { sessions } = await expectCountsMatchCli();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(ARTIFACTS, 'threshold-view.png') });

  // The preview's export (before Apply) and the applied cache's export must be the same file.
  const previewCsv = readFileSync(await download('Export sessions CSV'), 'utf8');

  await page.getByRole('button', { name: 'Apply' }).click();
  await eventually(stateNote, (t) => /Stored definition/.test(t));
  assert.match(await stateNote(), /Stored definition/);
  const stored = await callApi<Summary>(served, 'summary', {});
  assert.equal(stored.definition.threshold_ms, 600_000, 'the cache stores the new threshold');
  assert.equal(stored.sessions, sessions);
  await expectNumber(headerCount(), sessions, 'Session count after Apply');
  await expectSlider(600, 'slider value');
  assert.equal(await cliSessionsAt(600), sessions, 'the CLI sweep agrees after Apply');

  const appliedCsv = readFileSync(await download('Export sessions CSV'), 'utf8');
  const cliCsv = await exportText(summary.path, 'sessions');
  assert.ok(Buffer.from(appliedCsv).equals(Buffer.from(cliCsv)), 'the downloaded CSV equals `export sessions` byte for byte');
  assert.ok(Buffer.from(previewCsv).equals(Buffer.from(cliCsv)), 'the preview exported the same sessions before Apply');
  assert.equal(csvRecords(cliCsv).length, sessions, 'one row per session at the new threshold');
});

test('the page threw and logged no errors', () => {
  assert.deepEqual(problems, []);
});

/** Clicks an export button and waits for its download; the downloaded file's path. */
async function download(button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  assert.equal(file.suggestedFilename(), 'sessions.csv');
  return file.path();
}
