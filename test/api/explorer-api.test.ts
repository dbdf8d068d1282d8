// The explorer views' API (issue: journeys, metrics, threshold explorer, exports) against the
// cache itself: a preview at a threshold must be exactly what applying that threshold persists,
// and every figure must agree with the sessions and events CSVs the command line writes.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import type { ApiEvents, ApiMethod, ApiParams, ApiResult, CacheSummary } from '../../core/api/contract.ts';
import { createApiHandlers, type ApiHandlers } from '../../core/api/handlers.ts';
import { Workspace } from '../../core/api/workspace.ts';
import { startAppServer } from '../../core/server/app-server.ts';
import { exportEvents } from '../../core/export/export-events.ts';
import { exportSessions } from '../../core/export/export-sessions.ts';
import { ZoneCalendar } from '../../core/time/zone-calendar.ts';
import { csvRecords, tempDir } from '../support/cli.ts';

type Csv = Array<Record<string, string>>;

const dir = tempDir('explorer-api-');
/** The cache the previews are asked of, and a copy of it that applies the same thresholds. */
let workspace: Workspace;
let applied: Workspace;
let handlers: ApiHandlers;
let appliedHandlers: ApiHandlers;
const emitted: Array<{ event: keyof ApiEvents; payload: unknown }> = [];
let storedMs: number;

const PREVIEW_MS = 7 * 60_000;

before(async () => {
  const demo = new Workspace({ demoDir: join(dir, 'demo'), ownCachePath: join(dir, 'own.db') });
  await demo.openDemo({ users: 150, days: 5, seed: 11 });
  const path = demo.summary()!.path;
  demo.close();
  copyFileSync(path, join(dir, 'copy.db'));
  workspace = new Workspace({ demoDir: join(dir, 'unused'), ownCachePath: join(dir, 'own.db') });
  workspace.openCache(path);
  applied = new Workspace({ demoDir: join(dir, 'unused'), ownCachePath: join(dir, 'own.db') });
  applied.openCache(join(dir, 'copy.db'));
  handlers = createApiHandlers(workspace, (event, payload) => emitted.push({ event, payload }));
  appliedHandlers = createApiHandlers(applied, () => undefined);
  storedMs = workspace.cache.definition.thresholdMs;
  await appliedHandlers.applyDefinition({ threshold_ms: PREVIEW_MS });
});
after(() => {
  workspace.close();
  applied.close();
});

function call<M extends ApiMethod>(on: ApiHandlers, method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  return (on[method] as (p: unknown) => Promise<ApiResult<M>>)(params);
}

let exports = 0;
function csvOf(ws: Workspace, what: 'sessions' | 'events'): string {
  const path = join(dir, `${what}-${exports++}.csv`);
  if (what === 'sessions') exportSessions(ws.cache, path);
  else exportEvents(ws.cache, path);
  return readFileSync(path, 'utf8');
}

async function exported(params: Omit<ApiParams<'exportCsv'>, 'taskId' | 'path'>): Promise<string> {
  const path = join(dir, `api-${exports++}.csv`);
  await call(handlers, 'exportCsv', { taskId: `t${exports}`, path, ...params });
  return readFileSync(path, 'utf8');
}

describe('a preview threshold is what applying it would persist', () => {
  test('the Sessions view at the preview lists exactly the applied cache’s sessions', async () => {
    const expected = csvRecords(csvOf(applied, 'sessions'));
    const page = await call(handlers, 'listSessions', { offset: 0, limit: 1000, threshold_ms: PREVIEW_MS });
    assert.equal(page.total, expected.length);
    assert.ok(page.total !== workspace.summary()!.sessions, 'the preview threshold changes the sessions of this data');
    const shown = page.rows.map((r) => [r.user_id, r.session_id, r.start_time, r.end_time, r.event_count, r.first_event, r.last_event, r.attributes.country ?? '']);
    const want = expected.slice(0, 1000).map((r) => [r.user_id.replace(/^'/, ''), Number(r.session_id), r.start_time, r.end_time, Number(r.event_count), r.first_event.replace(/^'/, ''), r.last_event.replace(/^'/, ''), r.country]);
    assert.deepEqual(shown, want);
  });

  test('sessions and events CSVs exported at the preview equal the applied cache’s exports', async () => {
    assert.equal(await exported({ what: 'sessions', threshold_ms: PREVIEW_MS }), csvOf(applied, 'sessions'));
    assert.equal(await exported({ what: 'events', threshold_ms: PREVIEW_MS }), csvOf(applied, 'events'));
    // Nothing was persisted: the cache still exports its stored sessions.
    assert.equal(await exported({ what: 'sessions' }), csvOf(workspace, 'sessions'));
  });

  test('a previewed session’s events are the applied session’s events', async () => {
    const sessions = csvRecords(csvOf(applied, 'sessions'));
    const events = csvRecords(csvOf(applied, 'events'));
    const longest = sessions.reduce((a, b) => (Number(b.event_count) > Number(a.event_count) ? b : a));
    const user = longest.user_id.replace(/^'/, '');
    const detail = await call(handlers, 'sessionEvents', { user_id: user, session_id: Number(longest.session_id), threshold_ms: PREVIEW_MS });
    const expected = events.filter((e) => e.user_id === longest.user_id && e.session_id === longest.session_id);
    assert.deepEqual(detail.events.map((e) => [e.time, e.insert_id]), expected.map((e) => [e.time, e.insert_id.replace(/^'/, '')]));
    assert.equal(detail.events[0].gap_ms, null);
    assert.ok(detail.events.slice(1).every((e) => e.gap_ms !== null && e.gap_ms <= PREVIEW_MS));
  });

  test('metrics at the preview equal the applied cache’s metrics', async () => {
    const { preview: previewFlag, ...previewed } = await call(handlers, 'metrics', { threshold_ms: PREVIEW_MS });
    const { preview: appliedFlag, ...persisted } = await call(appliedHandlers, 'metrics', {});
    assert.equal(previewFlag, true);
    assert.equal(appliedFlag, false);
    assert.deepEqual(previewed, persisted);
  });
});

describe('journeys', () => {
  test('a user’s timeline holds their sessions by date, each with its events, in the CSV’s order', async () => {
    for (const [on, ws, threshold] of [[handlers, workspace, undefined], [appliedHandlers, applied, undefined], [handlers, workspace, PREVIEW_MS]] as const) {
      const sessions = csvRecords(csvOf(threshold === undefined ? ws : applied, 'sessions'));
      const events = csvRecords(csvOf(threshold === undefined ? ws : applied, 'events'));
      const user = sessions[Math.floor(sessions.length / 2)].user_id;
      const journey = await call(on, 'userJourney', { user_id: user, ...(threshold === undefined ? {} : { threshold_ms: threshold }) });
      const ofUser = sessions.filter((s) => s.user_id === user);
      const shown = journey.days.flatMap((d) => d.sessions.map((s) => ({ date: d.date, id: s.session.session_id, events: s.events.map((e) => e.insert_id) })));
      assert.deepEqual(shown.map((s) => [s.date, s.id]), ofUser.map((s) => [s.start_date, Number(s.session_id)]));
      for (const s of shown) {
        assert.deepEqual(s.events, events.filter((e) => e.user_id === user && Number(e.session_id) === s.id).map((e) => e.insert_id));
      }
      assert.equal(journey.sessions, ofUser.length);
      assert.equal(journey.truncated, false);
      // Neighbours in user_id order.
      const users = [...new Set(sessions.map((s) => s.user_id))];
      const at = users.indexOf(user);
      assert.equal(journey.previous_user, users[at - 1] ?? null);
      assert.equal(journey.next_user, users[at + 1] ?? null);
    }
  });

  test('ticks sit at the wall-clock time of day in the cache’s zone', async () => {
    const journey = await call(handlers, 'userJourney', {});
    const zone = new ZoneCalendar(workspace.cache.definition.timeZone);
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone.zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    for (const day of journey.days) {
      for (const s of day.sessions) {
        assert.ok(s.start_offset_ms <= s.end_offset_ms);
        for (const e of s.events) {
          const [h, m, sec] = clock.format(new Date(e.time)).split(':').map(Number);
          assert.equal(Math.floor(e.offset_ms / 1000), h * 3600 + m * 60 + sec);
        }
      }
    }
    assert.equal(journey.previous_user, null, 'with no user asked for, the first user');
  });

  test('an unknown user is a one-line error', async () => {
    await assert.rejects(call(handlers, 'userJourney', { user_id: 'nobody-at-all' }), /no sessions of user 'nobody-at-all'/);
  });
});

describe('the threshold explorer', () => {
  test('the gap histogram counts every in-day gap once, consistently with the sweep', async () => {
    const histogram = await call(handlers, 'gapHistogram', {});
    assert.equal(histogram.bins.reduce((n, b) => n + b.gaps, 0), histogram.gaps);
    histogram.bins.forEach((b, i) => i > 0 && assert.equal(b.from_ms, histogram.bins[i - 1].to_ms));
    // sessions(T) = user-days + in-day gaps longer than T, at every bin edge T.
    const edges = histogram.bins.map((b) => b.from_ms).filter((e) => e > 0);
    const { points } = await call(handlers, 'sweep', { thresholds_ms: [...edges, 7 * 86_400_000] });
    const userDays = points.at(-1)!.sessions;
    edges.forEach((edge, i) => {
      const longer = histogram.bins.filter((b) => b.from_ms >= edge).reduce((n, b) => n + b.gaps, 0);
      assert.equal(points[i].sessions - userDays, longer, `gaps over ${edge} ms`);
    });
  });

  test('two thresholds side by side: the sessions the shorter one splits, counted from the events CSVs', async () => {
    const comparison = await call(handlers, 'compareThresholds', { a_ms: storedMs, b_ms: PREVIEW_MS });
    const longer = csvRecords(csvOf(workspace, 'events'));
    const shorter = csvRecords(csvOf(applied, 'events'));
    assert.equal(longer.length, shorter.length);
    const parts = new Map<string, Set<string>>();
    longer.forEach((e, i) => {
      const key = `${e.user_id}#${e.session_id}`;
      parts.set(key, (parts.get(key) ?? new Set()).add(shorter[i].session_id));
    });
    const split = [...parts.values()].filter((p) => p.size > 1);
    assert.ok(split.length > 0);
    assert.equal(comparison.split_sessions, split.length);
    assert.equal(comparison.split_into, split.reduce((n, p) => n + p.size, 0));
    assert.equal(comparison.unchanged, parts.size - split.length);
    assert.equal(comparison.a.sessions, parts.size);
    assert.equal(comparison.b.sessions, new Set(shorter.map((e) => `${e.user_id}#${e.session_id}`)).size);
  });
});

describe('metrics for the charts', () => {
  test('a date range, the duration histogram and a breakdown add up to the totals', async () => {
    const sessions: Csv = csvRecords(csvOf(workspace, 'sessions'));
    const dates = [...new Set(sessions.map((s) => s.start_date))].sort();
    const [from, to] = [dates[1], dates[2]];
    const metrics = await call(handlers, 'metrics', { from, to, breakdown: 'country' });
    const inRange = sessions.filter((s) => s.start_date >= from && s.start_date <= to);
    assert.deepEqual(metrics.days.map((d) => d.start_date), [from, to]);
    assert.equal(metrics.totals.sessions, inRange.length);
    for (const bin of metrics.histogram) {
      const expected = inRange.filter((s) => Number(s.session_duration_secs) >= bin.from_secs && (bin.to_secs === null || Number(s.session_duration_secs) < bin.to_secs));
      assert.equal(bin.sessions, expected.length, `${bin.from_secs}–${bin.to_secs} s`);
    }
    const byCountry = new Map<string, number>();
    for (const s of inRange) byCountry.set(s.country, (byCountry.get(s.country) ?? 0) + 1);
    assert.deepEqual(
      new Map(metrics.breakdown!.rows.map((r) => [r.value ?? '', r.sessions])),
      byCountry,
    );
    await assert.rejects(call(handlers, 'metrics', { breakdown: 'planet' }), /unknown attribute 'planet'/);
  });
});

describe('exports of the current filters', () => {
  test('a filtered export holds exactly the matching sessions, and their events', async () => {
    const sessions = csvRecords(csvOf(workspace, 'sessions'));
    const country = sessions[0].country;
    const filters = { attributes: { country }, from: sessions[0].start_date };
    const chosen = sessions.filter((s) => s.country === country && s.start_date >= filters.from);
    assert.deepEqual(csvRecords(await exported({ what: 'sessions', filters })), chosen);
    const keys = new Set(chosen.map((s) => `${s.user_id}#${s.session_id}`));
    const events = csvRecords(csvOf(workspace, 'events')).filter((e) => keys.has(`${e.user_id}#${e.session_id}`));
    assert.deepEqual(csvRecords(await exported({ what: 'events', filters })), events);
  });

  test('the dbt project downloads as a zip holding what `export dbt` writes', async () => {
    const folder = join(dir, 'dbt-folder');
    await call(handlers, 'exportDbt', { path: folder, table: 'my-project.analytics.events' });
    const server = await startAppServer({ workspace, staticDir: null });
    try {
      const params = encodeURIComponent(JSON.stringify({ table: 'my-project.analytics.events' }));
      const response = await fetch(`http://127.0.0.1:${server.port}/api/download?what=dbt&params=${params}&token=${server.token}`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-disposition') ?? '', /filename="session_explorer_dbt\.zip"/);
      const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
      const written = readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.equal(Object.keys(files).length, written.length);
      for (const entry of written) {
        const relative = join(entry.parentPath, entry.name).slice(folder.length + 1).split('\\').join('/');
        assert.equal(strFromU8(files[`session_explorer/${relative}`]), readFileSync(join(entry.parentPath, entry.name), 'utf8'), relative);
      }
      const bad = await fetch(`http://127.0.0.1:${server.port}/api/download?what=dbt&params=${encodeURIComponent('{"table":"not a table"}')}&token=${server.token}`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /table/);
    } finally {
      await server.close();
    }
  });
});

describe('a cache just opened', () => {
  test('its first pages come from SQL while the session table is read, equal to the table’s pages', async () => {
    const fresh = new Workspace({ demoDir: join(dir, 'unused'), ownCachePath: join(dir, 'own.db') });
    fresh.openCache(join(dir, 'copy.db'));
    const on = createApiHandlers(fresh, () => undefined);
    try {
      assert.equal(fresh.readySessions, null, 'the table is still being read');
      const early = [await call(on, 'listSessions', { offset: 0, limit: 50 }), await call(on, 'listSessions', { offset: 37, limit: 50 })];
      const table = await fresh.sessions();
      assert.equal(fresh.readySessions, table);
      const late = [await call(on, 'listSessions', { offset: 0, limit: 50 }), await call(on, 'listSessions', { offset: 37, limit: 50 })];
      assert.deepEqual(early, late);
      assert.equal(early[0].total, fresh.summary()!.sessions);
      assert.ok((await call(on, 'filterChoices', {})).country.length > 1, 'filter choices come from the table');
    } finally {
      fresh.close();
    }
  });
});

describe('a change while the session table is read', () => {
  test('the read in progress is dropped and every caller gets the table of the new state', async () => {
    const ws = new Workspace({ demoDir: join(dir, 'unused'), ownCachePath: join(dir, 'own.db'), tableChunkRows: 100 });
    ws.openCache(join(dir, 'copy.db'));
    const on = createApiHandlers(ws, () => undefined);
    try {
      const before = ws.summary()!.sessions;
      const early = ws.sessions();
      const sorted = call(on, 'listSessions', { offset: 0, limit: 5, sort: { column: 'event_count', direction: 'desc' } });
      const after = await call(on, 'applyDefinition', { threshold_ms: storedMs });
      assert.notEqual(after.sessions, before, 'the new definition changes the session count');
      assert.equal((await early).length, after.sessions);
      assert.equal((await sorted).total, after.sessions);
      assert.equal((await ws.sessions()).length, after.sessions);
    } finally {
      ws.close();
    }
  });
});

describe('imports while the demo data is open', () => {
  test('go to the own cache only when they succeed; a failed first import leaves no cache behind', async () => {
    const own = join(dir, 'first-own', 'cache.db');
    const ws = new Workspace({ demoDir: join(dir, 'demo'), ownCachePath: own });
    const on = createApiHandlers(ws, () => undefined);
    try {
      await ws.openDemo({ users: 150, days: 5, seed: 11 });
      const demo = ws.summary();
      await assert.rejects(call(on, 'importFiles', { taskId: 'x', paths: [join(dir, 'missing.csv')] }));
      assert.deepEqual(ws.summary(), demo);
      assert.ok(!existsSync(own), 'the own cache this import created is removed');
      const file = join(dir, 'two.csv');
      writeFileSync(file, 'user_id,time,event\nu1,2025-03-09T10:00:00Z,open\nu1,2025-03-09T10:05:00Z,click\n');
      const result = await call(on, 'importFiles', { taskId: 'y', paths: [file] });
      assert.equal(result.summary.path, own);
      assert.equal(ws.summary()!.sessions, 1);
    } finally {
      ws.close();
    }
  });
});

describe('workspace events', () => {
  test('applying a definition tells every window the new summary', async () => {
    emitted.length = 0;
    const summary = await call(handlers, 'applyDefinition', { threshold_ms: storedMs });
    const last = emitted.filter((e) => e.event === 'workspace').at(-1);
    assert.deepEqual(last?.payload as CacheSummary, summary);
  });
});
