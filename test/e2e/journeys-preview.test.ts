// End to end: the Journeys view at a PREVIEW threshold, in browser mode (`session-explorer serve
// --demo`, headless Chromium). A threshold previewed in the Threshold view (or typed in the Metrics
// view) must re-sessionize the user's timeline: the bars are the sessions the command line makes at
// that threshold (`sessionize --threshold` on a copy of the served cache, then `export sessions`),
// numbered 1..k; Reset (or Use stored) brings back the stored definition's sessions.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cliOk, csvRecords, exportText, tempDir } from '../support/cli.ts';
import { shownBars, timelineOf } from './support/journey-timeline.ts';
import { ARTIFACTS, WAIT_MS, callApi, digits, eventually, openPage, serveDemo, stopServer, unneutralised, type Served } from './support/served-app.ts';

type Row = Record<string, string>;

interface Summary {
  path: string;
  sessions: number;
  definition: { threshold_ms: number };
}

/** The sessions and events the command line gives at one threshold. */
interface AtThreshold {
  secs: number;
  sessions: Row[];
  events: Row[];
}

/** The preview thresholds: one set in the Threshold view, one typed in the Metrics view. */
const SHORT = { typed: '5m', secs: 300, badge: '5m' };
const LONG = { typed: '1h', secs: 3600, badge: '1h' };

let served: Served;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let summary: Summary;
let stored: AtThreshold;
let short: AtThreshold;
let long: AtThreshold;
/** Users in user_id order. */
let users: string[];

const readable = (rows: Row[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, unneutralised(cell)])));

/** The served cache's sessions and events as the command line exports them at its stored threshold. */
async function cliStored(): Promise<AtThreshold> {
  return {
    secs: summary.definition.threshold_ms / 1000,
    sessions: readable(csvRecords(await exportText(summary.path, 'sessions'))),
    events: readable(csvRecords(await exportText(summary.path, 'events'))),
  };
}

/**
 * The sessions and events at another threshold: `sessionize --threshold` on a copy of the served
 * cache (the served one must keep its stored definition), then `export sessions|events`.
 */
async function cliAt(threshold: string, secs: number): Promise<AtThreshold> {
  const copy = join(tempDir('session-explorer-preview-'), 'cache.db');
  copyFileSync(summary.path, copy);
  // The served cache is in WAL mode: what is not yet checkpointed is in its -wal file.
  if (existsSync(`${summary.path}-wal`)) copyFileSync(`${summary.path}-wal`, `${copy}-wal`);
  await cliOk(['sessionize', '--db', copy, '--threshold', threshold]);
  const at = { secs, sessions: readable(csvRecords(await exportText(copy, 'sessions'))), events: readable(csvRecords(await exportText(copy, 'events'))) };
  // The copy is the served cache: its count at the threshold is what `sweep` counts on the original.
  const sweep = JSON.parse((await cliOk(['sweep', '--db', summary.path, '--thresholds', String(secs), '--json'])).stdout) as {
    thresholds: Array<{ threshold_secs: number; sessions: number }>;
  };
  assert.equal(at.sessions.length, sweep.thresholds[0].sessions, `sessionize --threshold ${threshold} on the copy agrees with sweep on the served cache`);
  return at;
}

const sessionsOf = (at: AtThreshold, user: string) => at.sessions.filter((s) => s.user_id === user);

before(async () => {
  served = await serveDemo();
  summary = await callApi<Summary>(served, 'summary', {});
  stored = await cliStored();
  assert.equal(stored.sessions.length, summary.sessions);
  assert.notEqual(summary.definition.threshold_ms, SHORT.secs * 1000, 'the preview differs from the stored threshold');
  assert.notEqual(summary.definition.threshold_ms, LONG.secs * 1000, 'the preview differs from the stored threshold');
  short = await cliAt(SHORT.typed, SHORT.secs);
  long = await cliAt(LONG.typed, LONG.secs);
  users = [...new Set(stored.sessions.map((s) => s.user_id))];
  ({ browser, page, problems } = await openPage(served.url));
});

after(async () => {
  await browser?.close();
  await stopServer(served);
});

/** A user with several sessions whose count differs at both previews (so that a view ignoring the preview is caught). */
function pickUser(): string {
  const user = users.find((u) => {
    const n = sessionsOf(stored, u).length;
    return n >= 3 && sessionsOf(short, u).length > n && sessionsOf(long, u).length < n;
  });
  assert.ok(user !== undefined, 'the demo has a user whose sessions split at 5m and merge at 1h');
  return user;
}

const timeline = () => timelineOf(page);
const badge = () => page.locator('.journey-badge');
const headerCount = () => page.getByRole('status', { name: 'Session count' });

/**
 * Waits until Journeys shows `user` with as many bars as the command line has sessions of theirs
 * at that threshold, then asserts the bars: Session 1..k in order, each on its start date with a
 * tick per event.
 */
async function expectJourney(user: string, at: AtThreshold, what: string): Promise<void> {
  await page.getByRole('heading', { name: user, exact: true }).waitFor({ timeout: WAIT_MS });
  const want = sessionsOf(at, user);
  const read = async () => ((await page.locator('.timeline-frame[aria-busy=true]').count()) > 0 ? null : await shownBars(page));
  const shown = await eventually(read, (bars) => bars !== null && bars.length === want.length && bars.every((b, i) => b.id === i + 1));
  assert.ok(shown !== null, `${what}: the timeline of ${user} finished loading`);
  assert.equal(shown.length, want.length, `${what}: ${user} has ${want.length} sessions at ${at.secs} s on the command line; the timeline shows ${shown.length}`);
  assert.deepEqual(shown.map((b) => b.id), want.map((_, i) => i + 1), `${what}: bars named Session 1..${want.length}`);
  assert.deepEqual(
    shown.map((b) => [b.id, b.date, b.ticks]),
    want.map((s) => [Number(s.session_id), s.start_date, Number(s.event_count)]),
    `${what}: each bar on its start date, with a tick per event`,
  );
  const stats = (await page.locator('.journey-stats').textContent()) ?? '';
  assert.match(stats, new RegExp(`^${want.length} sessions?`), `${what}: the stats line counts the sessions`);
}

/** Shows a user through Find user (Enter on the exact id). */
async function findUser(user: string): Promise<void> {
  const find = page.getByRole('combobox', { name: 'Find user' });
  await find.click();
  await find.fill(user);
  await page.getByRole('listbox', { name: 'Suggested users' }).getByRole('option', { name: user, exact: true }).waitFor();
  await find.press('Enter');
}

async function expectHeaderCount(expected: number, what: string): Promise<void> {
  const shown = await eventually(async () => digits(await headerCount().textContent()), (n) => n === expected);
  assert.equal(shown, expected, what);
}

let user: string;

test('at the stored threshold, Journeys shows the command line’s sessions of a user with several', async () => {
  user = pickUser();
  await page.getByRole('tab', { name: 'Journeys' }).click();
  await findUser(user);
  await expectJourney(user, stored, 'stored threshold');
  assert.equal(await badge().count(), 0, 'no preview badge at the stored threshold');
});

test('a preview set in the Threshold view: the timeline shows the sessions `sessionize --threshold 5m` makes, numbered 1..k', async () => {
  await page.getByRole('tab', { name: 'Threshold' }).click();
  const exact = page.getByRole('textbox', { name: 'Exact value' });
  await exact.fill(SHORT.typed);
  await exact.press('Enter');
  const slider = page.getByRole('slider', { name: 'Inactivity threshold' });
  assert.equal(await eventually(() => slider.getAttribute('aria-valuenow'), (v) => v === String(SHORT.secs)), String(SHORT.secs), 'the slider took 5m');
  await expectHeaderCount(short.sessions.length, 'the header counts the sessions at 5m');

  await page.getByRole('tab', { name: 'Journeys' }).click();
  await expectJourney(user, short, `preview at ${SHORT.typed}`);
  assert.equal(await badge().textContent(), `preview · threshold ${SHORT.badge}`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(ARTIFACTS, 'journeys-preview.png') });

  // Stepping to other users keeps the preview.
  const next = users[users.indexOf(user) + 1];
  await page.getByRole('button', { name: 'Next user' }).click();
  await expectJourney(next, short, `preview at ${SHORT.typed}, next user`);
  await page.getByRole('button', { name: 'Previous user' }).click();
  await expectJourney(user, short, `preview at ${SHORT.typed}, back`);
});

test('at the preview, a session that exists only at 5m opens with its events as the command line lists them', async () => {
  const last = sessionsOf(short, user).at(-1)!;
  assert.ok(Number(last.session_id) > sessionsOf(stored, user).length, 'the last session at 5m has no counterpart at the stored threshold');
  await timeline().getByRole('button', { name: `Session ${last.session_id}`, exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Session events' });
  await panel.getByRole('heading', { name: `Session ${last.session_id} of ${user}` }).waitFor();
  const want = short.events.filter((e) => e.user_id === user && e.session_id === last.session_id).map((e) => e.event);
  assert.equal(want.length, Number(last.event_count));
  const items = panel.getByRole('list', { name: 'Events' }).getByRole('listitem');
  await eventually(() => items.count(), (n) => n === want.length);
  assert.deepEqual(await items.evaluateAll((lis) => lis.map((li) => li.querySelector('.event-name')?.textContent ?? '')), want);
  await panel.getByRole('button', { name: 'Close session' }).click();
  await panel.waitFor({ state: 'detached' });
});

test('Reset in the Threshold view: the timeline returns to the stored definition’s sessions', async () => {
  await page.getByRole('tab', { name: 'Threshold' }).click();
  await page.getByRole('button', { name: 'Reset' }).click();
  await expectHeaderCount(summary.sessions, 'the header counts the stored sessions');
  await page.getByRole('tab', { name: 'Journeys' }).click();
  await expectJourney(user, stored, 'after Reset');
  assert.equal(await badge().count(), 0, 'no preview badge after Reset');
});

test('a threshold typed in the Metrics view (1h, Enter) previews Journeys too; Use stored goes back', async () => {
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const field = page.getByRole('textbox', { name: 'Inactivity threshold' });
  await field.fill(LONG.typed);
  await field.press('Enter');
  await expectHeaderCount(long.sessions.length, 'the header counts the sessions at 1h');

  await page.getByRole('tab', { name: 'Journeys' }).click();
  await expectJourney(user, long, `preview at ${LONG.typed}`);
  assert.equal(await badge().textContent(), `preview · threshold ${LONG.badge}`);

  await page.getByRole('tab', { name: 'Metrics' }).click();
  await page.getByRole('button', { name: 'Use stored' }).click();
  await expectHeaderCount(summary.sessions, 'the header counts the stored sessions');
  await page.getByRole('tab', { name: 'Journeys' }).click();
  await expectJourney(user, stored, 'after Use stored');
  assert.equal(await badge().count(), 0);
});

test('the page threw and logged no errors', () => {
  assert.deepEqual(problems, []);
});
