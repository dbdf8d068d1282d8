// End to end: the Journeys view in browser mode (`session-explorer serve --demo`), driven through
// roles and accessible names, checked against the sessions and events CSVs the command line
// exports from the same cache.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { barBox, MIN_BAR_PX, MS_PER_DAY } from '../../renderer/src/journeys/layout.ts';
import { csvRecords, exportText } from '../support/cli.ts';
import { shownBars, timelineOf } from './support/journey-timeline.ts';
import { ARTIFACTS, WAIT_MS, callApi, eventually, openPage, serveDemo, stopServer, unneutralised, type Served } from './support/served-app.ts';

type Row = Record<string, string>;

let served: Served;
let browser: Browser;
let page: Page;
let problems: string[] = [];
/** The sessions CSV (rows ordered by user_id, session_id) and the events CSV (by user, time, insert id). */
let sessions: Row[];
let events: Row[];
/** User ids in the CSV's order. */
let users: string[];

const readable = (rows: Row[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, unneutralised(cell)])));

before(async () => {
  served = await serveDemo();
  const summary = await callApi<{ path: string; sessions: number }>(served, 'summary', {});
  sessions = readable(csvRecords(await exportText(summary.path, 'sessions')));
  events = readable(csvRecords(await exportText(summary.path, 'events')));
  assert.equal(sessions.length, summary.sessions);
  users = [...new Set(sessions.map((s) => s.user_id))];
  ({ browser, page, problems } = await openPage(served.url));
  await page.getByRole('tab', { name: 'Journeys' }).click();
});

after(async () => {
  await browser?.close();
  await stopServer(served);
});

const timeline = () => timelineOf(page);
const sessionsOf = (user: string) => sessions.filter((s) => s.user_id === user);
const eventsOf = (user: string, sessionId: string) => events.filter((e) => e.user_id === user && e.session_id === sessionId);
/** The wall-clock time the UI shows for an ISO time (the demo's zone is UTC). */
const clockOf = (iso: string) => iso.slice(11, 23);

test('with no target, Journeys shows the first user: one bar per session of the CSV, on its date, with a tick per event', async () => {
  const first = users[0];
  await expectUser(first);
  const bars = await shownBars(page);
  assert.deepEqual(
    bars.map((b) => [b.id, b.date, b.ticks]),
    sessionsOf(first).map((s) => [Number(s.session_id), s.start_date, Number(s.event_count)]),
  );
  // One row per local date with sessions; time of day across with hour marks.
  const dates = [...new Set(sessionsOf(first).map((s) => s.start_date))];
  for (const date of dates) {
    const count = sessionsOf(first).filter((s) => s.start_date === date).length;
    assert.equal(await timeline().getByRole('group', { name: `${date}: ${count} ${count === 1 ? 'session' : 'sessions'}`, exact: true }).count(), 1, date);
  }
  // Every bar is visible, a one-event session too, and stays within its day.
  const boxes = await timeline()
    .locator('[data-session]')
    .evaluateAll((bars) =>
      bars.map((bar) => {
        const own = bar.getBoundingClientRect();
        const day = bar.parentElement!.getBoundingClientRect();
        return { width: own.width, inside: own.left >= day.left - 0.5 && own.right <= day.right + 0.5 };
      }),
    );
  assert.equal(boxes.length, sessionsOf(first).length);
  assert.ok(sessionsOf(first).some((s) => s.session_duration_secs === '0'), 'the first user has a session of one event');
  for (const box of boxes) assert.ok(box.width >= 8 && box.inside, JSON.stringify(box));
  const axis = (await timeline().locator('.timeline-axis').textContent()) ?? '';
  for (const hour of ['00:00', '06:00', '12:00', '18:00']) assert.ok(axis.includes(hour), `the axis marks ${hour}: ${axis}`);
  assert.ok(await page.getByRole('button', { name: 'Previous user' }).isDisabled(), 'no user before the first');
});

test('Next and Previous step through the users in the CSV’s user_id order', async () => {
  for (const user of users.slice(1, 5)) {
    await page.getByRole('button', { name: 'Next user' }).click();
    await expectUser(user);
  }
  for (const user of users.slice(2, 4).reverse()) {
    await page.getByRole('button', { name: 'Previous user' }).click();
    await expectUser(user);
  }
  const shown = await shownBars(page);
  assert.deepEqual(shown.map((b) => b.id), sessionsOf(users[2]).map((s) => Number(s.session_id)));
});

test('Find user suggests matching ids; picking one (click or Enter) shows that user', async () => {
  const find = page.getByRole('combobox', { name: 'Find user' });
  const target = users.find((u) => u.includes(','))!;
  await find.click();
  await find.fill(target.slice(0, 3));
  const suggestions = page.getByRole('listbox', { name: 'Suggested users' });
  await suggestions.getByRole('option', { name: target, exact: true }).click();
  await expectUser(target);
  assert.equal(await find.inputValue(), target);

  const typed = users[users.length - 1];
  await find.click();
  await find.fill(typed);
  await suggestions.getByRole('option', { name: typed, exact: true }).waitFor();
  await find.press('Enter');
  await expectUser(typed);
  assert.ok(await page.getByRole('button', { name: 'Next user' }).isDisabled(), 'no user after the last');
});

test('clicking a session bar lists its events in order, as many as its event_count; Escape gives the focus back to the bar', async () => {
  const user = users[0];
  await showUser(user);
  const longest = sessionsOf(user).reduce((best, s) => (Number(s.event_count) > Number(best.event_count) ? s : best));
  const bar = timeline().getByRole('button', { name: `Session ${longest.session_id}`, exact: true });
  await bar.click();

  const panel = page.getByRole('complementary', { name: 'Session events' });
  await panel.getByRole('heading', { name: `Session ${longest.session_id} of ${user}` }).waitFor();
  const items = panel.getByRole('list', { name: 'Events' }).getByRole('listitem');
  await eventually(() => items.count(), (n) => n === Number(longest.event_count));
  const listed = await items.evaluateAll((lis) => lis.map((li) => li.querySelector('.event-name')?.textContent ?? ''));
  assert.deepEqual(listed, eventsOf(user, longest.session_id).map((e) => e.event));
  assert.equal(await bar.getAttribute('aria-current'), 'true');

  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  assert.equal(await page.locator(':focus').getAttribute('aria-label'), `Session ${longest.session_id}`);
});

test('hovering an event tick shows its name and time; the keyboard reaches the ticks and opens a session with Enter', async () => {
  const user = users.find((u) => sessionsOf(u).some((s) => Number(s.event_count) >= 10))!;
  await showUser(user);
  const session = sessionsOf(user).reduce((best, s) => (Number(s.event_count) > Number(best.event_count) ? s : best));
  const expected = eventsOf(user, session.session_id);
  assert.equal(expected.length, Number(session.event_count));

  // Zoomed in, so that ticks stand apart; then the pointer goes onto one that has room around it.
  const zoomIn = page.getByRole('button', { name: 'Zoom in' });
  while (await zoomIn.isEnabled()) await zoomIn.click();
  const ticks = timeline().getByRole('group', { name: `Events of session ${session.session_id}`, exact: true }).getByRole('img');
  assert.equal(await ticks.count(), expected.length);
  const xs = await ticks.evaluateAll((spans) => spans.map((s) => s.getBoundingClientRect().x));
  const alone = xs.findIndex((x, i) => (i === 0 || x - xs[i - 1] >= 12) && (i === xs.length - 1 || xs[i + 1] - x >= 12));
  assert.ok(alone >= 0, 'some tick of the session has room around it when zoomed in');
  await ticks.nth(alone).scrollIntoViewIfNeeded();
  const tooltip = page.getByRole('tooltip');
  // The pointer moves onto the tick (again, if scrolling into view hid the tooltip it showed).
  let wiggle = 0;
  const text = await eventually(
    async () => {
      const box = (await ticks.nth(alone).boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + (wiggle++ % 2));
      return (await tooltip.count()) === 1 ? ((await tooltip.textContent()) ?? '') : '';
    },
    (t) => t.includes(clockOf(expected[alone].time)),
  );
  assert.ok(text.startsWith(expected[alone].event), `the tooltip names the event: ${text}`);
  assert.ok(text.includes(clockOf(expected[alone].time)), `the tooltip gives its time: ${text}`);
  await page.mouse.move(0, 0);
  await tooltip.waitFor({ state: 'detached' });

  // The keyboard: from the bar, → and End walk the ticks; Escape goes back to the bar; Enter opens it.
  await page.getByRole('button', { name: 'Zoomed 32×: show the whole day' }).click();
  const bar = timeline().getByRole('button', { name: `Session ${session.session_id}`, exact: true });
  await bar.focus();
  await page.keyboard.press('ArrowRight');
  await expectText(tooltip, new RegExp(`^${escapeRegExp(expected[0].event)}.*${escapeRegExp(clockOf(expected[0].time))}`));
  await page.keyboard.press('End');
  const last = expected[expected.length - 1];
  await expectText(tooltip, new RegExp(`^${escapeRegExp(last.event)}.*${escapeRegExp(clockOf(last.time))}`));
  await page.keyboard.press('Escape');
  assert.equal(await page.locator(':focus').getAttribute('aria-label'), `Session ${session.session_id}`);
  await page.keyboard.press('Enter');
  const panel = page.getByRole('complementary', { name: 'Session events' });
  await panel.getByRole('heading', { name: `Session ${session.session_id} of ${user}` }).waitFor();
  await panel.getByRole('button', { name: 'Close session' }).click();
  await panel.waitFor({ state: 'detached' });
});

test('Colour by: bars of one value share a colour, the legend counts the user’s sessions per value', async () => {
  // A user whose sessions have more than one os.
  const user = users.find((u) => new Set(sessionsOf(u).map((s) => s.os)).size > 1)!;
  await showUser(user);
  await page.getByRole('combobox', { name: 'Colour by' }).selectOption('os');
  const legend = page.getByRole('list', { name: 'Colours: os' });
  await legend.waitFor();
  const entries = await legend.getByRole('listitem').evaluateAll((items) =>
    items.map((li) => [li.querySelector('.legend-label')?.textContent ?? '', Number(li.querySelector('.legend-count')?.textContent)] as const),
  );
  const counts = new Map<string, number>();
  for (const s of sessionsOf(user)) counts.set(s.os || '(not set)', (counts.get(s.os || '(not set)') ?? 0) + 1);
  assert.deepEqual(new Map(entries), counts);

  const colours = await timeline()
    .locator('[data-session]')
    .evaluateAll((bars) => bars.map((bar) => [Number(bar.getAttribute('data-session')), /--c:\s*([^;]+)/.exec(bar.getAttribute('style') ?? '')?.[1] ?? ''] as const));
  const colourOf = new Map(colours);
  const byValue = new Map<string, Set<string>>();
  for (const s of sessionsOf(user)) byValue.set(s.os, (byValue.get(s.os) ?? new Set()).add(colourOf.get(Number(s.session_id))!));
  for (const [value, set] of byValue) assert.equal(set.size, 1, `one colour for os ${value}`);
  const perValue = [...byValue.values()].map((set) => [...set][0]);
  assert.equal(new Set(perValue).size, perValue.length, 'different values, different colours');

  // What the README shows: the whole days of the user, the pointer on an event of their longest session.
  for (const focused of await page.locator(':focus').all()) await focused.blur();
  const session = sessionsOf(user).reduce((best, s) => (Number(s.session_duration_secs) > Number(best.session_duration_secs) ? s : best));
  const ticks = timeline().getByRole('group', { name: `Events of session ${session.session_id}`, exact: true }).getByRole('img');
  const middle = ticks.nth(Math.floor(Number(session.event_count) / 2));
  let wiggle = 0;
  await eventually(
    async () => {
      const box = (await middle.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + (wiggle++ % 2));
      return page.getByRole('tooltip').count();
    },
    (n) => n === 1,
  );
  await page.screenshot({ path: join(ARTIFACTS, 'journeys-view.png') });
  await page.mouse.move(0, 0);
});

test('“Show in Journeys” from a session of the Sessions view lands on its user with that session open', async () => {
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const grid = page.getByRole('grid', { name: 'Sessions' });
  const index = 7;
  const row = grid.locator(`[role=row][data-index="${index}"]:not([aria-busy=true])`);
  await row.click();
  const target = sessions[index];
  const panel = page.getByRole('complementary', { name: 'Session events' });
  await panel.getByRole('heading', { name: `Session ${target.session_id} of ${target.user_id}` }).waitFor();
  await panel.getByRole('button', { name: 'Show in Journeys' }).click();

  assert.equal(await page.getByRole('tab', { name: 'Journeys' }).getAttribute('aria-selected'), 'true');
  await expectUser(target.user_id);
  await panel.getByRole('heading', { name: `Session ${target.session_id} of ${target.user_id}` }).waitFor();
  const bar = timeline().getByRole('button', { name: `Session ${target.session_id}`, exact: true });
  assert.equal(await bar.getAttribute('aria-current'), 'true');
  assert.ok(await bar.isVisible());

  // Back from another tab, Journeys shows the same user again.
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.getByRole('tab', { name: 'Journeys' }).click();
  await expectUser(target.user_id);
});

test('bar geometry: a minimum width, inside the day, and a clock put back within a session', () => {
  const track = 960;
  const short = barBox(43_200_000, 43_203_000, [43_200_000, 43_203_000], track);
  assert.ok(short.width >= MIN_BAR_PX);
  assert.ok(short.ticks[0] < short.ticks[1], 'ticks keep their order');
  const late = barBox(MS_PER_DAY - 1_000, MS_PER_DAY - 1, [MS_PER_DAY - 1_000, MS_PER_DAY - 1], track);
  assert.ok(late.left + late.width <= track && late.left >= 0, 'a session just before midnight stays in the day');
  const long = barBox(3_600_000, 7_200_000, [3_600_000, 5_400_000, 7_200_000], track);
  assert.equal(long.left, 40);
  assert.equal(long.width, 40);
  // 01:50 → 01:10 on the wall clock (the clock went back an hour within the session).
  const back = barBox(6_600_000, 4_200_000, [6_600_000, 3_700_000, 4_200_000], track);
  assert.ok(back.width > MIN_BAR_PX);
  for (const x of back.ticks) assert.ok(x >= 0 && x <= back.width, `tick ${x} is on the bar`);
});

test('the page threw and logged no errors', () => {
  assert.deepEqual(problems, []);
});

// --- helpers ---

/** Waits until the view shows this user, with exactly as many bars as the CSV has sessions of theirs. */
async function expectUser(user: string): Promise<void> {
  await page.getByRole('heading', { name: user, exact: true }).waitFor({ timeout: WAIT_MS });
  const want = sessionsOf(user).map((s) => Number(s.session_id));
  const read = async () => ((await page.locator('.timeline-frame[aria-busy=true]').count()) > 0 ? [] : (await shownBars(page)).map((b) => b.id));
  const shown = await eventually(read, (ids) => JSON.stringify(ids) === JSON.stringify(want));
  assert.deepEqual(shown, want, `the sessions of ${user}`);
}

/** Shows a user through Find user (Enter on the exact id). */
async function showUser(user: string): Promise<void> {
  const find = page.getByRole('combobox', { name: 'Find user' });
  await find.click();
  await find.fill(user);
  await page.getByRole('listbox', { name: 'Suggested users' }).getByRole('option', { name: user, exact: true }).waitFor();
  await find.press('Enter');
  await expectUser(user);
}

async function expectText(element: Locator, pattern: RegExp): Promise<void> {
  const text = await eventually(async () => ((await element.count()) === 1 ? ((await element.textContent()) ?? '') : ''), (t) => pattern.test(t));
  assert.match(text, pattern);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
