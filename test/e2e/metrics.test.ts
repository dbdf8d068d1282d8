// End to end: the Metrics view in browser mode (`session-explorer serve --demo`, headless Chromium),
// driven through roles and accessible names. Every figure it shows is checked against
// `session-explorer metrics --json` on the same cache (and, for a date range, which the command
// line does not take, against its per-day figures and the API); the charts' CSVs against their
// data; the PNGs decoded. A preview threshold comes last, and is reset.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { AppMetrics, MetricsDay, MetricsResult } from '../../core/api/contract.ts';
import { cliOk, parseCsv } from '../support/cli.ts';
import { ARTIFACTS, WAIT_MS, callApi, eventually, openPage, serveDemo, stopServer, type Served } from './support/served-app.ts';

/** Both the command line's `metrics --json` and the API answer in the contract's shapes. */
type Metrics = MetricsResult;
type Figures = Omit<MetricsDay, 'start_date'>;

let served: Served;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let cachePath: string;
/** `metrics --json` of the served cache at its stored threshold. */
let cli: Metrics;

async function cliMetrics(threshold?: string): Promise<Metrics> {
  const result = await cliOk(['metrics', '--db', cachePath, '--json', ...(threshold === undefined ? [] : ['--threshold', threshold])]);
  return JSON.parse(result.stdout) as Metrics;
}

before(async () => {
  served = await serveDemo();
  const summary = await callApi<{ path: string; first_date: string; last_date: string }>(served, 'summary', {});
  cachePath = summary.path;
  cli = await cliMetrics();
  assert.ok(cli.days.length > 2 && cli.totals.sessions > 0, 'the demo cache has sessions on several days');
  assert.equal(cli.days[0].start_date, summary.first_date);
  assert.equal(cli.days[cli.days.length - 1].start_date, summary.last_date);
  ({ browser, page, problems } = await openPage(served.url));
  await page.getByRole('tab', { name: 'Metrics' }).click();
});

after(async () => {
  await browser?.close();
  await stopServer(served);
});

// --- how the view reads figures (written here independently of the renderer's own formatting) ---

/** Whole seconds (rounded) as `13m 56s`, `1h 5m`, `0s`. */
function durationText(secs: number): string {
  const s = Math.round(secs);
  const parts: string[] = [];
  if (s >= 3600) parts.push(`${Math.floor(s / 3600)}h`);
  if (s % 3600 >= 60) parts.push(`${Math.floor((s % 3600) / 60)}m`);
  if (s % 60 > 0 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(' ');
}
const countText = (n: number): string => n.toLocaleString('en-US');
const shareText = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** The headline's figures: the group's name, the totals' field, and how it reads. */
const HEADLINE: Array<[string, keyof Figures, (value: number) => string]> = [
  ['Average session time per user per day', 'avg_session_time_per_user', durationText],
  ['Sessions', 'sessions', countText],
  ['Users', 'users', countText],
  ['Average first-session duration', 'avg_first_session_secs', durationText],
  ['Median session duration', 'median_duration_secs', durationText],
  ['P90 session duration', 'p90_duration_secs', durationText],
  ['Bounce share', 'bounce_share', shareText],
];

const headline = () => page.getByRole('region', { name: 'Headline figures' });
const figureValue = (name: string) => headline().getByRole('group', { name, exact: true }).locator('[data-value]');
const figure = (name: string) => page.getByRole('figure', { name, exact: true });

/** Waits until every headline figure holds exactly these totals, then asserts each value and how it reads. */
async function expectHeadline(totals: Figures, what: string): Promise<void> {
  for (const [name, field, format] of HEADLINE) {
    const expected = totals[field];
    const exact = expected === null ? '' : String(expected);
    const shown = await eventually(() => figureValue(name).getAttribute('data-value'), (v) => v === exact);
    assert.equal(shown, exact, `${what}: ${name}`);
    assert.equal(await figureValue(name).textContent(), expected === null ? '—' : format(expected), `${what}: ${name} as shown`);
  }
}

/** The rows of a figure's chart drawn in its SVG: bars, or dots of its lines. */
async function drawnMarks(name: string): Promise<{ bars: number; dots: number; lines: number }> {
  const svg = figure(name).locator('.recharts-wrapper > svg');
  await svg.waitFor({ timeout: WAIT_MS });
  return {
    bars: await svg.locator('.recharts-bar-rectangle path, path.recharts-rectangle').count(),
    dots: await svg.locator('.recharts-line-dot').count(),
    lines: await svg.locator('path.recharts-line-curve').count(),
  };
}

/** Clicks a button and waits for its download: the suggested name and the file's bytes. */
async function download(button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), button.click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

async function csvOf(chart: string): Promise<{ name: string; header: string[]; rows: string[][] }> {
  const { name, bytes } = await download(figure(chart).getByRole('button', { name: `Save ${chart} data as CSV` }));
  const [header, ...rows] = parseCsv(bytes.toString('utf8'));
  return { name, header, rows };
}

/** An 8-bit, non-interlaced RGB or RGBA PNG (what a canvas encodes) as RGBA pixels; fails on anything else. */
function decodePng(bytes: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let offset = 8;
  let header: Buffer | null = null;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  assert.ok(header !== null, 'an IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colourType, , , interlace] = header.subarray(8, 13);
  assert.equal(depth, 8, 'bit depth');
  assert.ok(colourType === 6 || colourType === 2, `colour type ${colourType}`);
  assert.equal(interlace, 0, 'not interlaced');
  const channels = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), 'the image data fills the picture');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      assert.ok(predictor !== undefined, `filter ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  if (channels === 4) return { width, height, rgba: pixels };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([pixels[i * 3], pixels[i * 3 + 1], pixels[i * 3 + 2], 255], i * 4);
  return { width, height, rgba };
}

/** The date `days` days after a `YYYY-MM-DD` date. */
function dayAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A CSV cell as the number it holds (an empty cell: null). */
const numberOrNull = (cell: string): number | null => (cell === '' ? null : Number(cell));

const PER_DAY: Array<{ title: string; fields: Array<keyof Figures>; shape: 'bar' | 'line' }> = [
  { title: 'Sessions per day', fields: ['sessions'], shape: 'bar' },
  { title: 'Users per day', fields: ['users'], shape: 'bar' },
  { title: 'Average session time per user per day', fields: ['avg_session_time_per_user'], shape: 'line' },
  { title: 'Average first-session duration per day', fields: ['avg_first_session_secs'], shape: 'line' },
  { title: 'Median and p90 session duration per day', fields: ['median_duration_secs', 'p90_duration_secs'], shape: 'line' },
  { title: 'Bounce share per day', fields: ['bounce_share'], shape: 'line' },
];

test('the headline shows the command line’s totals, and the threshold they are computed at', async () => {
  await expectHeadline(cli.totals, 'stored threshold, all dates');
  const hero = headline().getByRole('group', { name: 'Average session time per user per day', exact: true });
  assert.match((await hero.textContent()) ?? '', new RegExp(`at a ${durationText(cli.threshold_secs)} inactivity threshold\\s*stored`));
  assert.match((await hero.textContent()) ?? '', new RegExp(`${countText(cli.totals.user_days)} user-days over ${cli.totals.days} days`));
  const options = page.getByRole('group', { name: 'Metrics options' });
  assert.equal(await options.getByRole('textbox', { name: 'From' }).inputValue(), cli.days[0].start_date, 'From defaults to the first date');
  assert.equal(await options.getByRole('textbox', { name: 'To' }).inputValue(), cli.days[cli.days.length - 1].start_date, 'To defaults to the last date');
  await page.screenshot({ path: join(ARTIFACTS, 'metrics-view.png') });
});

test('each per-day chart draws one bar or dot per day, and its CSV holds the command line’s per-day figures', async () => {
  for (const chart of PER_DAY) {
    await eventually(() => figure(chart.title).getAttribute('data-points'), (n) => n === String(cli.days.length));
    assert.equal(await figure(chart.title).getAttribute('data-points'), String(cli.days.length), `${chart.title}: points`);
    const marks = await drawnMarks(chart.title);
    if (chart.shape === 'bar') assert.equal(marks.bars, cli.days.length, `${chart.title}: bars`);
    else {
      assert.equal(marks.lines, chart.fields.length, `${chart.title}: lines`);
      assert.equal(marks.dots, cli.days.length * chart.fields.length, `${chart.title}: dots`);
    }

    const csv = await csvOf(chart.title);
    assert.match(csv.name, new RegExp(`_${cli.days[0].start_date}_${cli.days[cli.days.length - 1].start_date}\\.csv$`));
    assert.deepEqual(csv.header, ['start_date', ...chart.fields], `${chart.title}: CSV header`);
    assert.deepEqual(
      csv.rows.map(([date, ...cells]) => [date, ...cells.map(numberOrNull)]),
      cli.days.map((day) => [day.start_date, ...chart.fields.map((field) => day[field])]),
      `${chart.title}: CSV rows are the CLI's days`,
    );
  }
});

test('the duration histogram counts every session once, and its CSV equals its bins', async () => {
  const api = await callApi<AppMetrics>(served, 'metrics', {});
  const name = 'Session duration histogram';
  const csv = await csvOf(name);
  assert.deepEqual(csv.header, ['duration', 'from_secs', 'to_secs', 'sessions', 'share']);
  const bins = csv.rows.map(([, from, to, sessions, share]) => ({ from_secs: Number(from), to_secs: numberOrNull(to), sessions: Number(sessions), share: Number(share) }));
  assert.deepEqual(bins.map(({ share: _share, ...bin }) => bin), api.histogram);
  assert.equal(bins.reduce((n, b) => n + b.sessions, 0), cli.totals.sessions, 'the bins hold every session');
  for (const bin of bins) assert.ok(Math.abs(bin.share - bin.sessions / cli.totals.sessions) < 1e-12);
  const drawn = await drawnMarks(name);
  assert.equal(drawn.bars, bins.filter((b) => b.sessions > 0).length, 'one bar per non-empty bin');
  // The first bin holds the sessions lasting 0 s: at least the one-event ones.
  assert.ok(bins[0].sessions >= Math.round(cli.totals.bounce_share * cli.totals.sessions));
});

test('the breakdown follows the attribute chosen, and its table and CSV hold the API’s totals per value', async () => {
  const select = page.getByRole('group', { name: 'Metrics options' }).getByRole('combobox', { name: 'Breakdown by' });
  assert.equal(await select.inputValue(), 'country');
  await select.selectOption('device');
  const name = 'Breakdown by device';
  await figure(name).waitFor({ timeout: WAIT_MS });
  const api = await callApi<AppMetrics>(served, 'metrics', { breakdown: 'device' });
  const expected = api.breakdown!.rows;
  assert.ok(expected.length > 1);
  assert.equal(expected.reduce((n, r) => n + r.sessions, 0), cli.totals.sessions, 'the values hold every session');

  const table = figure(name).getByRole('table', { name: `${name}: per-value totals` });
  await eventually(() => table.locator('tbody tr').count(), (n) => n === expected.length);
  const firstColumn = await table.locator('tbody tr th').allTextContents();
  assert.deepEqual(firstColumn, expected.map((r) => r.value ?? '(not set)'));

  const csv = await csvOf(name);
  assert.deepEqual(csv.header, ['device', 'sessions', 'users', 'avg_session_time_per_user', 'avg_first_session_secs', 'median_duration_secs', 'p90_duration_secs', 'bounce_share']);
  assert.deepEqual(
    csv.rows.map(([value, ...cells]) => [value === '' ? null : value, ...cells.map(numberOrNull)]),
    expected.map((r) => [r.value, r.sessions, r.users, r.avg_session_time_per_user, r.avg_first_session_secs, r.median_duration_secs, r.p90_duration_secs, r.bounce_share]),
  );
  assert.equal((await drawnMarks(name)).bars, Math.min(12, expected.length), 'a bar per value (at most 12)');
  await select.selectOption('country');
  await figure('Breakdown by country').waitFor({ timeout: WAIT_MS });
});

test('the CSVs neutralise cells that a spreadsheet would read as formulas, as the app’s exports do', async () => {
  // Attribute values as a hostile import could hold them, put into the API's answer on its way to the page.
  const hostile = ['=HYPERLINK("http://x","y")', '+1 555', '-3', '@home', 'a,"b"', '-cmd|calc'];
  await page.route('**/api/metrics', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { result: AppMetrics };
    body.result.breakdown?.rows.forEach((row, i) => {
      if (i < hostile.length) row.value = hostile[i];
    });
    await route.fulfill({ response, json: body });
  });
  try {
    const select = page.getByRole('group', { name: 'Metrics options' }).getByRole('combobox', { name: 'Breakdown by' });
    await select.selectOption('os');
    const name = 'Breakdown by os';
    const table = figure(name).getByRole('table', { name: `${name}: per-value totals` });
    await eventually(() => table.locator('tbody tr th').first().textContent(), (t) => t === hostile[0]);
    assert.deepEqual((await table.locator('tbody tr th').allTextContents()).slice(0, hostile.length), hostile, 'the table shows the values as they are');
    const csv = await csvOf(name);
    assert.deepEqual(
      csv.rows.slice(0, hostile.length).map((row) => row[0]),
      [`'=HYPERLINK("http://x","y")`, `'+1 555`, '-3', `'@home`, 'a,"b"', `'-cmd|calc`],
      'formula-like text gets a leading apostrophe; numbers stay numbers',
    );
  } finally {
    await page.unroute('**/api/metrics');
  }
  await page.getByRole('group', { name: 'Metrics options' }).getByRole('combobox', { name: 'Breakdown by' }).selectOption('country');
  await figure('Breakdown by country').waitFor({ timeout: WAIT_MS });
});

test('Save as PNG downloads a PNG picture of the chart', async () => {
  for (const name of ['Sessions per day', 'Median and p90 session duration per day', 'Session duration histogram']) {
    const { name: file, bytes } = await download(figure(name).getByRole('button', { name: `Save ${name} as PNG` }));
    assert.match(file, /\.png$/);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name}: PNG signature`);
    assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const box = (await figure(name).locator('.recharts-wrapper > svg').boundingBox())!;
    assert.ok(width >= box.width && height >= box.height, `${name}: ${width}×${height} holds the ${box.width}×${box.height} chart`);
    // Decoded: a picture with the chart's colours in it, not a blank canvas.
    const image = decodePng(bytes);
    let blue = 0;
    let white = 0;
    for (let i = 0; i < image.rgba.length; i += 4) {
      const [r, g, b] = [image.rgba[i], image.rgba[i + 1], image.rgba[i + 2]];
      if (r > 250 && g > 250 && b > 250) white++;
      else if (b > 150 && b - r > 80 && b - g > 40) blue++;
    }
    assert.ok(white > (width * height) / 3, `${name}: a white background`);
    assert.ok(blue > 200, `${name}: the chart's blue marks are drawn (${blue} pixels)`);
    writeFileSync(join(ARTIFACTS, `metrics-${file}`), bytes);
  }
});

test('the date range narrows every figure to the sessions starting in it', async () => {
  const options = page.getByRole('group', { name: 'Metrics options' });
  const [from, to] = [cli.days[2].start_date, cli.days[4].start_date];
  await options.getByRole('textbox', { name: 'From' }).fill(from);
  await options.getByRole('textbox', { name: 'To' }).fill(to);

  const inRange = cli.days.filter((d) => d.start_date >= from && d.start_date <= to);
  assert.equal(inRange.length, 3);
  const api = await callApi<AppMetrics>(served, 'metrics', { from, to });
  // The range's figures agree with the command line's days: sessions add up, user-days are each day's users,
  // and the time per user per day is the days' total time over those user-days.
  assert.equal(api.totals.sessions, inRange.reduce((n, d) => n + d.sessions, 0));
  assert.equal(api.totals.user_days, inRange.reduce((n, d) => n + d.users, 0));
  const totalTime = inRange.reduce((t, d) => t + d.avg_session_time_per_user * d.users, 0);
  assert.ok(Math.abs(api.totals.avg_session_time_per_user - totalTime / api.totals.user_days) < 1e-6);
  assert.deepEqual(api.days, inRange);

  await expectHeadline(api.totals, `${from} to ${to}`);
  assert.notEqual(api.totals.sessions, cli.totals.sessions);
  for (const chart of PER_DAY) {
    await eventually(() => figure(chart.title).getAttribute('data-points'), (n) => n === '3');
    assert.equal(await figure(chart.title).getAttribute('data-points'), '3', `${chart.title}: a point per day of the range`);
  }
  assert.equal((await drawnMarks('Sessions per day')).bars, 3);
  const csv = await csvOf('Sessions per day');
  assert.equal(csv.name, `sessions-per-day_${from}_${to}.csv`);
  assert.deepEqual(csv.rows, inRange.map((d) => [d.start_date, String(d.sessions)]));
  await page.screenshot({ path: join(ARTIFACTS, 'metrics-range.png') });

  // From after To: said so, and the figures stay those of the last valid range.
  await options.getByRole('textbox', { name: 'From' }).fill(cli.days[6].start_date);
  await options.getByRole('alert').filter({ hasText: 'From is after To' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await figureValue('Sessions').getAttribute('data-value'), String(api.totals.sessions));

  // A range without sessions: said so, with the way back.
  const last = cli.days[cli.days.length - 1].start_date;
  await options.getByRole('textbox', { name: 'To' }).fill(dayAfter(last, 7));
  await options.getByRole('textbox', { name: 'From' }).fill(dayAfter(last, 5));
  await page.getByRole('heading', { name: /^No sessions between/ }).waitFor({ timeout: WAIT_MS });
  assert.equal(await figureValue('Sessions').getAttribute('data-value'), '0');
  assert.equal(await figureValue('Average session time per user per day').textContent(), '—');
  assert.equal(await figure('Sessions per day').count(), 0, 'no empty charts');

  await options.getByRole('button', { name: 'All dates' }).click();
  await expectHeadline(cli.totals, 'all dates again');
  assert.equal(await options.getByRole('textbox', { name: 'From' }).inputValue(), cli.days[0].start_date);
});

test('a threshold typed in the view previews the metrics at it: the command line’s `metrics --threshold`', async () => {
  const field = page.getByRole('textbox', { name: 'Inactivity threshold' });
  await field.fill('20m');
  await field.press('Enter');
  const at20 = await cliMetrics('20m');
  assert.notEqual(at20.totals.sessions, cli.totals.sessions, 'the demo data has sessions 20m splits');
  await expectHeadline(at20.totals, 'preview at 20m');
  const hero = headline().getByRole('group', { name: 'Average session time per user per day', exact: true });
  assert.match((await hero.textContent()) ?? '', /at a 20m inactivity threshold\s*preview/);
  assert.equal(await figure('Sessions per day').getAttribute('data-points'), String(at20.days.length));
  const csv = await csvOf('Sessions per day');
  assert.deepEqual(csv.rows, at20.days.map((d) => [d.start_date, String(d.sessions)]));
  await page.screenshot({ path: join(ARTIFACTS, 'metrics-preview.png') });

  await page.getByRole('button', { name: 'Use stored' }).click();
  await expectHeadline(cli.totals, 'back at the stored threshold');
});

test('the Threshold view’s preview carries over: Metrics show the figures at the previewed threshold', async () => {
  await page.getByRole('tab', { name: 'Threshold' }).click();
  const exact = page.getByRole('textbox', { name: 'Exact value' });
  await exact.fill('10m');
  await exact.press('Enter');
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const at10 = await cliMetrics('10m');
  await expectHeadline(at10.totals, 'preview at 10m from the Threshold view');
  assert.equal(await page.getByRole('textbox', { name: 'Inactivity threshold' }).inputValue(), '10m');
  await page.getByRole('button', { name: 'Use stored' }).click();
  await expectHeadline(cli.totals, 'back at the stored threshold');
});

test('the page threw and logged no errors', () => {
  assert.deepEqual(problems, []);
});
