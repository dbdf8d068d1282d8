// The app API over its browser-mode transport (core/server/app-server.ts) on a real demo cache:
// every method answers; pages, sorts and filters of the Sessions view agree with the sessions
// CSV; a session's events, previews, sweeps, metrics and definition changes agree with the
// core; imports report progress; and the server refuses what it must (token, Host, bad input).
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { API_METHODS, type ApiMethod, type ApiParams, type ApiResult, type MetricsResult, type SessionRow, type TaskProgress } from '../../core/api/contract.ts';
import { Workspace } from '../../core/api/workspace.ts';
import { neutraliseFormula } from '../../core/export/csv-file.ts';
import { exportSessions } from '../../core/export/export-sessions.ts';
import { previewMetrics, storedMetrics } from '../../core/metrics/session-metrics.ts';
import { startAppServer, type AppServer } from '../../core/server/app-server.ts';
import { csvRecords, tempDir } from '../support/cli.ts';

const dir = tempDir('app-api-');
let workspace: Workspace;
let server: AppServer;
/** The sessions CSV of the open cache, as records, in its order (user_id, session_id). */
let csv: Array<Record<string, string>>;

before(async () => {
  workspace = new Workspace({ demoDir: join(dir, 'demo'), ownCachePath: join(dir, 'own.db') });
  server = await startAppServer({ workspace, staticDir: null });
  await call('openDemo', { users: 200, days: 6, seed: 3 });
  csv = sessionsCsv();
});
after(async () => {
  await server.close();
  workspace.close();
});

function sessionsCsv(): Array<Record<string, string>> {
  const path = join(dir, `sessions-${Date.now()}.csv`);
  exportSessions(workspace.cache, path);
  return csvRecords(readFileSync(path, 'utf8'));
}

async function post(method: string, params: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-explorer-token': server.token, ...headers },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}

async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const { status, body } = await post(method, params);
  assert.equal(status, 200, `${method}: ${JSON.stringify(body)}`);
  return body.result;
}

/** A session row as the CSV writes it: numbers as text, null as empty, formula-like text neutralised. */
function asCsv(row: SessionRow): Record<string, string> {
  const { attributes, ...fields } = row;
  const record: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...fields, ...attributes })) {
    record[k] = v === null ? '' : typeof v === 'number' ? String(v) : neutraliseFormula(v);
  }
  return record;
}

/** Rows whose user id the CSV writes as it is (the demo has ids that look like formulas). */
function plain(rows: Array<Record<string, string>>): Array<Record<string, string>> {
  return rows.filter((r) => /^[A-Za-z0-9]/.test(r.user_id));
}

async function allRows(query: Omit<ApiParams<'listSessions'>, 'offset' | 'limit'>): Promise<SessionRow[]> {
  const rows: SessionRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await call('listSessions', { ...query, offset, limit: 500 });
    rows.push(...page.rows);
    if (rows.length >= page.total) return rows;
  }
}

describe('the Sessions view', () => {
  test('pages through exactly the sessions CSV, in its order', async () => {
    const first = await call('listSessions', { offset: 0, limit: 50 });
    assert.equal(first.total, csv.length);
    assert.ok(csv.length > 500, 'the demo has enough sessions to page');
    const rows = await allRows({});
    assert.deepEqual(rows.map(asCsv), csv);
    const summary = await call('summary', {});
    assert.equal(summary!.sessions, csv.length);
  });

  test('sorts by any column, ties in the CSV order, both directions', async () => {
    for (const column of ['session_duration_secs', 'event_count', 'start_time', 'first_event', 'country', 'user_id']) {
      for (const direction of ['asc', 'desc'] as const) {
        const rows = (await allRows({ sort: { column, direction } })).map(asCsv);
        const key = (r: Record<string, string>) => (/^\d+$/.test(r[column]) ? Number(r[column]) : r[column]);
        const position = new Map(csv.map((r, i) => [`${r.user_id}/${r.session_id}`, i]));
        const expected = [...csv].sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          const order = x < y ? -1 : x > y ? 1 : 0;
          return (direction === 'asc' ? order : -order) || position.get(`${a.user_id}/${a.session_id}`)! - position.get(`${b.user_id}/${b.session_id}`)!;
        });
        assert.deepEqual(rows, expected, `${column} ${direction}`);
      }
    }
  });

  test('filters by date range, user and attributes to exactly the matching sessions', async () => {
    const country = csv[0].country;
    const device = csv.find((r) => r.country === country)!.device;
    const filters = { from: '2025-03-02', to: '2025-03-03', attributes: { country, device } };
    const rows = (await allRows({ filters })).map(asCsv);
    const expected = csv.filter((r) => r.start_date >= '2025-03-02' && r.start_date <= '2025-03-03' && r.country === country && r.device === device);
    assert.ok(expected.length > 0);
    assert.deepEqual(rows, expected);

    const user = plain(csv)[7].user_id;
    assert.deepEqual((await allRows({ filters: { user } })).map(asCsv), csv.filter((r) => r.user_id.startsWith(user)));
    const nothing = await call('listSessions', { offset: 0, limit: 10, filters: { attributes: { country: 'Atlantis' } } });
    assert.deepEqual(nothing, { total: 0, offset: 0, rows: [] });
  });

  test("a session's events: its event count, in order, gaps adding up to its duration", async () => {
    const row = plain(csv).find((r) => Number(r.event_count) >= 5)!;
    const detail = await call('sessionEvents', { user_id: row.user_id, session_id: Number(row.session_id) });
    assert.deepEqual(asCsv(detail.session), row);
    assert.equal(detail.events.length, Number(row.event_count));
    assert.equal(detail.events[0].time, row.start_time);
    assert.equal(detail.events.at(-1)!.time, row.end_time);
    assert.equal(detail.events[0].event, row.first_event);
    assert.equal(detail.events[0].gap_ms, null);
    const gaps = detail.events.slice(1).reduce((sum, e) => sum + e.gap_ms!, 0);
    assert.equal(gaps, Date.parse(row.end_time) - Date.parse(row.start_time));
    assert.ok(detail.events.every((e) => e.gap_ms === null || (e.gap_ms >= 0 && e.gap_ms <= 1_800_000)));
  });

  test('user search finds ids by prefix first, then containing the text', async () => {
    const id = plain(csv)[0].user_id;
    const found = await call('searchUsers', { query: id.slice(0, -1), limit: 5 });
    assert.ok(found.users.includes(id));
    assert.ok(found.users.every((u) => u.includes(id.slice(0, -1))));
    // Ignoring case comes last: every id that holds the text in any case, exact matches first.
    const mixed = csv.map((r) => r.user_id).find((u) => /[A-Z]/.test(u) && /^[A-Za-z]/.test(u))!;
    const word = mixed.match(/[A-Za-z]+/)![0];
    const lower = word.toLowerCase();
    const all = (await call('searchUsers', { query: lower, limit: 500 })).users;
    assert.ok(all.includes(mixed), `${lower} finds ${mixed}`);
    const expected = [...new Set(csv.map((r) => r.user_id))].filter((u) => u.toLowerCase().includes(lower));
    assert.deepEqual([...all].sort(), expected.sort());
    const exact = all.filter((u) => u.includes(lower));
    assert.deepEqual(all.slice(0, exact.length), exact);
  });
});

describe('thresholds, metrics and the definition', () => {
  test('a preview, a sweep and metrics agree with the core', async () => {
    const sweep = await call('sweep', { thresholds_ms: [300_000, 1_800_000] });
    assert.equal(sweep.points[1].sessions, csv.length);
    const preview = await call('previewThreshold', { threshold_ms: 300_000 });
    assert.equal(preview.sessions, sweep.points[0].sessions);
    assert.ok(preview.sessions > csv.length, 'a shorter threshold splits sessions');
    // The app's metrics are the CLI's (`metrics --json`), plus the charts' data.
    const cliFields = ({ threshold_secs, time_zone, preview, totals, days }: MetricsResult) => ({ threshold_secs, time_zone, preview, totals, days });
    const { threshold: _stored, ...stored } = storedMetrics(workspace.cache);
    assert.deepEqual(cliFields(await call('metrics', {})), JSON.parse(JSON.stringify(cliFields(stored))));
    const previewed = await call('metrics', { threshold_ms: 300_000 });
    assert.equal(previewed.preview, true);
    assert.equal(previewed.totals.sessions, preview.sessions);
    const { threshold: _previewed, ...core } = previewMetrics(workspace.cache, 300_000);
    assert.deepEqual(cliFields(previewed), JSON.parse(JSON.stringify(cliFields(core))));
  });

  test('applying a definition re-sessionizes the cache and every view follows', async () => {
    const [point] = (await call('sweep', { thresholds_ms: [600_000] })).points;
    const summary = await call('applyDefinition', { threshold_ms: 600_000 });
    assert.equal(summary.definition.threshold_ms, 600_000);
    assert.equal(summary.sessions, point.sessions);
    assert.equal((await call('listSessions', { offset: 0, limit: 1 })).total, point.sessions);
    const reverted = await call('applyDefinition', { threshold_ms: 1_800_000 });
    assert.equal(reverted.sessions, csv.length);
    assert.deepEqual(sessionsCsv(), csv);
  });
});

describe('imports and exports', () => {
  test('an uploaded file imports with progress events and its rejected rows', async () => {
    const events: TaskProgress[] = [];
    const stream = await fetch(`http://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    const reading = (async () => {
      for (let text = ''; ; ) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
        for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
          const data = text.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)));
          text = text.slice(end + 2);
        }
      }
    })();
    const file = 'user_id,time,event\nu_new,2025-03-09T10:00:00Z,open\nu_new,2025-03-09T10:05:00Z,click\n,2025-03-09T10:06:00Z,click\n';
    const uploadFile = async () => {
      const upload = await fetch(`http://127.0.0.1:${server.port}/api/upload?name=${encodeURIComponent('../../new events.csv')}`, {
        method: 'POST',
        headers: { 'x-session-explorer-token': server.token },
        body: file,
      });
      return ((await upload.json()) as { result: { path: string } }).result.path;
    };
    const path = await uploadFile();
    assert.ok(existsSync(path));
    assert.match(path, /new_events\.csv$/);
    assert.ok(!path.includes('..'));
    const demo = (await call('summary', {}))!;
    const result = await call('importFiles', { taskId: 'import-1', paths: [path] });
    assert.equal(result.imported, 2);
    assert.equal(result.rejected, 1);
    assert.equal(result.rejections[0].line, 4);
    // The demo data was open: the user's events went to their own cache, not into the demo.
    assert.equal(result.summary.path, join(dir, 'own.db'));
    assert.equal(result.summary.demo, false);
    assert.equal(result.summary.sessions, 1);
    assert.ok(!existsSync(path), 'the uploaded copy is removed once imported');
    await reader.cancel();
    await reading.catch(() => undefined);
    assert.ok(events.some((e) => e.taskId === 'import-1' && e.phase === 'reading'), JSON.stringify(events));
    assert.equal((await call('listSessions', { offset: 0, limit: 5, filters: { user: 'u_new' } })).total, 1);
    // The task is over: nothing is left to cancel.
    assert.deepEqual(await call('cancelTask', { taskId: 'import-1' }), { cancelled: false });
    // The demo is as it was; a second import goes on into the own cache, which is open now.
    assert.deepEqual(await call('openDemo', { users: 200, days: 6, seed: 3 }), demo);
    assert.deepEqual(sessionsCsv(), csv);
    await call('openCache', { path: join(dir, 'own.db') });
    assert.equal((await call('importFiles', { taskId: 'import-2', paths: [await uploadFile()] })).summary.sessions, 1, 'the same rows again: duplicates');
    await call('openDemo', { users: 200, days: 6, seed: 3 });
    // An import that fails leaves the demo open, as it was.
    const failed = await post('importFiles', { taskId: 'import-3', paths: [join(dir, 'no-such-file.csv')] });
    assert.equal(failed.status, 400);
    assert.deepEqual(await call('summary', {}), demo);
  });

  test('exports through the API and the download equal the CLI export', async () => {
    const out = join(dir, 'api-export.csv');
    const exported = await call('exportCsv', { taskId: 'export-1', what: 'sessions', path: out });
    const reference = join(dir, 'reference.csv');
    const rows = exportSessions(workspace.cache, reference);
    assert.equal(exported.rows, rows);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(reference, 'utf8'));
    const download = await fetch(`http://127.0.0.1:${server.port}/api/download?what=sessions&token=${server.token}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename="sessions\.csv"/);
    assert.equal(await download.text(), readFileSync(reference, 'utf8'));
  });
});

describe('the server', () => {
  test('answers every method of the API, and nothing else', async () => {
    for (const method of API_METHODS) {
      const { status } = await post(method, {});
      assert.notEqual(status, 404, `${method} is not served`);
    }
    assert.equal((await post('dropTables', {})).status, 404);
    assert.equal((await post('__proto__', {})).status, 404);
  });

  test('refuses calls without the token, with a foreign Host header, or without JSON', async () => {
    assert.equal((await post('summary', {}, { 'x-session-explorer-token': 'nope' })).status, 401);
    const noToken = await fetch(`http://127.0.0.1:${server.port}/api/summary`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noToken.status, 401);
    const foreign = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path: '/api/summary', method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json', 'x-session-explorer-token': server.token } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(foreign, 403);
    const form = await fetch(`http://127.0.0.1:${server.port}/api/summary`, { method: 'POST', headers: { 'x-session-explorer-token': server.token, 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(form.status, 415);
  });

  test('bad parameters are one-line user errors; the cache is untouched', async () => {
    const cases: Array<[ApiMethod, unknown, RegExp]> = [
      ['listSessions', { offset: -1, limit: 10 }, /offset/],
      ['listSessions', { offset: 0, limit: 10, sort: { column: 'x; DROP TABLE sessions', direction: 'asc' } }, /cannot sort by/],
      ['listSessions', { offset: 0, limit: 10, filters: { from: 'yesterday' } }, /date/],
      ['sessionEvents', { user_id: 'nobody', session_id: 1 }, /no session 1/],
      ['applyDefinition', { time_zone: 'Mars/Olympus' }, /zone/i],
      ['previewThreshold', { threshold_ms: 0 }, /threshold/],
      ['openCache', { path: join(dir, 'missing.db') }, /no cache/],
    ];
    for (const [method, params, pattern] of cases) {
      const { status, body } = await post(method, params);
      assert.equal(status, 400, `${method} ${JSON.stringify(params)}: ${JSON.stringify(body)}`);
      assert.equal(body.error.user, true);
      assert.match(body.error.message, pattern);
      assert.doesNotMatch(body.error.message, /\n/);
    }
    assert.deepEqual(sessionsCsv().length, (await call('summary', {}))!.sessions);
  });
});

describe('the demo data', () => {
  test('a demo cache this version cannot read, or an empty one, is generated again', async () => {
    const demoDir = join(dir, 'stale-demo');
    const stale = new Workspace({ demoDir, ownCachePath: join(dir, 'own-stale.db') });
    try {
      mkdirSync(demoDir, { recursive: true });
      writeFileSync(join(demoDir, 'demo-u20-d2-s1.db'), 'not a cache');
      await stale.openDemo({ users: 20, days: 2, seed: 1 });
      const first = stale.summary()!;
      assert.ok(first.events > 0 && first.demo);
      stale.close();
      // Reopening reuses the generated cache as it is.
      await stale.openDemo({ users: 20, days: 2, seed: 1 });
      assert.deepEqual(stale.summary(), first);
    } finally {
      stale.close();
    }
  });
});
