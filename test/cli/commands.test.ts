// The commands of SPEC §3 through the real CLI on real SQLite files: the import summary, range
// imports (insert-overwrite by local day), metrics and previews, sweeps, demo determinism,
// definition changes on import, and idempotency (byte-identical exports).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliOk, csvRecords, parseJsonLine, snapshot, tempDir } from '../support/cli.ts';

const JSON_SUMMARY_KEYS = ['imported', 'duplicates', 'rejected', 'out_of_range', 'days', 'sessions'];

function mixpanel(user: string | null, time: string | number, event: string, insertId: string): string {
  const properties: Record<string, unknown> = { time, $insert_id: insertId, mp_country_code: 'DE', $os: 'iOS' };
  if (user !== null) properties.distinct_id = user;
  return JSON.stringify({ event, properties });
}

/** A hand-made Mixpanel export: 4 distinct good events on 3 UTC days, 1 duplicate, 2 bad rows. */
const SUMMARY_NDJSON = [
  mixpanel('u1', '2025-03-01T10:00:00Z', 'open', 'a1'),
  mixpanel('u1', '2025-03-01T10:05:00Z', 'click', 'a2'),
  mixpanel('u1', '2025-03-01T10:00:00Z', 'open', 'a1'), // duplicate of line 1
  mixpanel('u2', '2025-03-02T23:59:59.999Z', 'open', 'a3'),
  '{"event": "broken", ', // malformed
  mixpanel(null, '2025-03-02T10:00:00Z', 'open', 'a4'), // no user
  mixpanel('u1', '2025-03-03T08:00:00Z', 'open', 'a5'),
  '',
].join('\n');

describe('import --json', { concurrency: 3 }, () => {
  test('prints one JSON object whose counts match a hand-made file', async () => {
    const dir = tempDir();
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, SUMMARY_NDJSON);
    const db = join(dir, 'cache.db');
    const r = await cliOk(['import', file, '--db', db, '--json']);
    assert.equal(r.stderr, '', 'nothing on stderr when not a TTY');
    const summary = parseJsonLine(r);
    for (const key of JSON_SUMMARY_KEYS) assert.equal(typeof summary[key], 'number', `summary.${key}`);
    assert.deepEqual(
      Object.fromEntries(JSON_SUMMARY_KEYS.map((k) => [k, summary[k]])),
      { imported: 4, duplicates: 1, rejected: 2, out_of_range: 0, days: 3, sessions: 3 },
    );
    const sessions = csvRecords((await snapshot(db)).sessions);
    assert.deepEqual(sessions.map((s) => [s.user_id, s.session_id, s.start_date, s.session_duration_secs, s.event_count, s.country, s.os]), [
      ['u1', '1', '2025-03-01', '300', '2', 'DE', 'iOS'],
      ['u1', '2', '2025-03-03', '0', '1', 'DE', 'iOS'],
      ['u2', '1', '2025-03-02', '0', '1', 'DE', 'iOS'],
    ]);

    // The same file again: nothing new, every valid row a duplicate, exports byte-identical.
    const before = await snapshot(db);
    const again = parseJsonLine(await cliOk(['import', file, '--db', db, '--json']));
    assert.equal(again.imported, 0);
    assert.equal(again.duplicates, 5);
    assert.equal(again.rejected, 2);
    assert.equal(again.sessions, 3);
    assert.deepEqual(await snapshot(db), before);
  });

  test('a range import counts the rows outside the range', async () => {
    const dir = tempDir();
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, SUMMARY_NDJSON);
    const db = join(dir, 'cache.db');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json', '--from', '2025-03-01', '--to', '2025-03-02']));
    assert.deepEqual(
      Object.fromEntries(JSON_SUMMARY_KEYS.map((k) => [k, summary[k]])),
      { imported: 3, duplicates: 1, rejected: 2, out_of_range: 1, days: 2, sessions: 2 },
    );
    // Local dates: in Asia/Tokyo (UTC+9) u2's 23:59:59.999Z is on 03-03, outside the range.
    const tokyo = join(dir, 'tokyo.db');
    const t = parseJsonLine(
      await cliOk(['import', file, '--db', tokyo, '--json', '--tz', 'Asia/Tokyo', '--from', '2025-03-01', '--to', '2025-03-02']),
    );
    assert.equal(t.out_of_range, 2);
    assert.equal(t.imported, 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Range imports replace their local days. Events are given in local Europe/Berlin time (UTC+1
// in early March), so some of them fall on another UTC date than their local one.

interface Ev {
  user: string;
  day: number; // local day of March 2025
  at: string; // local HH:MM
  event: string;
  id: string;
  country: string;
}

function toCsv(events: Ev[]): string {
  const lines = ['user_id,time,event,insert_id,country'];
  for (const e of events) {
    const [h, m] = e.at.split(':').map(Number);
    const utc = new Date(Date.UTC(2025, 2, e.day, h - 1, m)).toISOString();
    lines.push(`${e.user},${utc},${e.event},${e.id},${e.country}`);
  }
  return `${lines.join('\n')}\n`;
}

function ev(user: string, day: number, at: string, event: string, id: string, country = 'DE'): Ev {
  return { user, day, at, event, id, country };
}

const V1: Ev[] = [
  ev('anna', 1, '00:20', 'open', 'v1-1'), // 23:20 UTC on Feb 28
  ev('anna', 1, '18:00', 'open', 'v1-2'),
  ev('anna', 2, '09:00', 'open', 'v1-3'),
  ev('anna', 2, '09:20', 'buy', 'v1-4'),
  ev('anna', 3, '00:30', 'open', 'v1-5'),
  ev('anna', 3, '14:00', 'open', 'v1-6'),
  ev('anna', 4, '10:00', 'open', 'v1-7'),
  ev('anna', 4, '23:59', 'close', 'v1-8'),
  ev('ben', 2, '12:00', 'open', 'v1-9', 'FR'),
  ev('ben', 4, '12:00', 'open', 'v1-10', 'FR'),
  ev('ben', 4, '12:10', 'open', 'v1-11', 'FR'),
  ev('cleo', 3, '08:00', 'open', 'v1-12', 'IT'),
  ev('dora', 1, '07:00', 'open', 'v1-13', 'ES'),
  ev('dora', 4, '07:00', 'open', 'v1-14', 'ES'),
];

// The authoritative data of local days 2 and 3 changed: anna has three sessions on day 2 and
// none on day 3, ben two on day 2 (and another country), cleo is gone, emil is new. The file also
// carries (different) events of days 1 and 4, which a range import of days 2–3 must not take.
const V2: Ev[] = [
  ev('anna', 1, '00:25', 'open', 'v2-1'),
  ev('anna', 2, '00:10', 'open', 'v2-2'), // 23:10 UTC on Mar 1
  ev('anna', 2, '09:00', 'open', 'v1-3'),
  ev('anna', 2, '16:00', 'open', 'v2-3'),
  ev('anna', 2, '23:50', 'close', 'v2-4'),
  ev('ben', 2, '11:00', 'open', 'v2-5', 'BE'),
  ev('ben', 2, '12:00', 'open', 'v1-9', 'FR'),
  ev('emil', 3, '00:05', 'open', 'v2-6', 'AT'),
  ev('emil', 3, '00:35', 'open', 'v2-7', 'AT'), // exactly 30 minutes later: same session
  ev('dora', 4, '08:00', 'open', 'v2-8', 'ES'),
];

describe('range imports', { concurrency: 2 }, () => {
  test('a range import replaces its local days: same exports as one import of the final data', async () => {
    const dir = tempDir();
    const v1 = join(dir, 'v1.csv');
    const v2 = join(dir, 'v2.csv');
    const final = join(dir, 'final.csv');
    writeFileSync(v1, toCsv(V1));
    writeFileSync(v2, toCsv(V2));
    const finalEvents = [...V1.filter((e) => e.day === 1 || e.day === 4), ...V2.filter((e) => e.day === 2 || e.day === 3)];
    writeFileSync(final, toCsv(finalEvents));
    const tz = ['--tz', 'Europe/Berlin'];

    const a = join(dir, 'a.db');
    await cliOk(['import', v1, '--db', a, ...tz]);
    const summary = parseJsonLine(await cliOk(['import', v2, '--db', a, '--from', '2025-03-02', '--to', '2025-03-03', '--json']));
    assert.equal(summary.out_of_range, V2.filter((e) => e.day === 1 || e.day === 4).length);
    assert.equal(summary.days, 2);
    assert.equal(summary.rejected, 0);

    const b = join(dir, 'b.db');
    await cliOk(['import', final, '--db', b, ...tz]);
    const afterRange = await snapshot(a);
    assert.deepEqual(afterRange, await snapshot(b));

    // Hand-checked: ben's day-4 session follows his two day-2 sessions; cleo is gone; dates are local.
    const sessions = csvRecords(afterRange.sessions);
    const ids = (user: string) => sessions.filter((s) => s.user_id === user).map((s) => `${s.session_id}@${s.start_date}`);
    assert.deepEqual(ids('anna'), ['1@2025-03-01', '2@2025-03-01', '3@2025-03-02', '4@2025-03-02', '5@2025-03-02', '6@2025-03-02', '7@2025-03-04', '8@2025-03-04']);
    assert.deepEqual(ids('ben'), ['1@2025-03-02', '2@2025-03-02', '3@2025-03-04']);
    assert.deepEqual(ids('cleo'), []);
    assert.deepEqual(ids('dora'), ['1@2025-03-01', '2@2025-03-04']);
    assert.deepEqual(ids('emil'), ['1@2025-03-03']);
    assert.equal(sessions.find((s) => s.user_id === 'emil')!.session_duration_secs, '1800');
    assert.equal(sessions.find((s) => s.user_id === 'anna' && s.session_id === '1')!.start_time, '2025-02-28T23:20:00.000Z');

    // The same range import again changes nothing.
    await cliOk(['import', v2, '--db', a, '--from', '2025-03-02', '--to', '2025-03-03']);
    assert.deepEqual(await snapshot(a), afterRange);
  });

  test('range imports in another order reach the same cache', async () => {
    const dir = tempDir();
    const v1 = join(dir, 'v1.csv');
    const v2 = join(dir, 'v2.csv');
    writeFileSync(v1, toCsv(V1));
    writeFileSync(v2, toCsv(V2));
    const tz = ['--tz', 'Europe/Berlin'];
    // v1 authoritative for days 1–4, then v2 for days 2–3 ...
    const a = join(dir, 'a.db');
    await cliOk(['import', v1, '--db', a, ...tz, '--from', '2025-03-01', '--to', '2025-03-04']);
    await cliOk(['import', v2, '--db', a, '--from', '2025-03-02', '--to', '2025-03-03']);
    // ... equals v2 for days 2–3 first, then v1 for days 1 and 4 only.
    const b = join(dir, 'b.db');
    await cliOk(['import', v2, '--db', b, ...tz, '--from', '2025-03-02', '--to', '2025-03-03']);
    await cliOk(['import', v1, '--db', b, '--from', '2025-03-04', '--to', '2025-03-04']);
    await cliOk(['import', v1, '--db', b, '--from', '2025-03-01', '--to', '2025-03-01']);
    assert.deepEqual(await snapshot(a), await snapshot(b));
    // A range with no events in the file empties those days.
    await cliOk(['import', v2, '--db', b, '--from', '2025-03-10', '--to', '2025-03-10']);
    assert.deepEqual(await snapshot(a), await snapshot(b));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'user_id,time\n');
    await cliOk(['import', empty, '--db', b, '--from', '2025-03-04', '--to', '2025-03-04']);
    const days = new Set(csvRecords((await snapshot(b)).sessions).map((s) => s.start_date));
    assert.deepEqual([...days].sort(), ['2025-03-01', '2025-03-02', '2025-03-03']);
  });
});

// ---------------------------------------------------------------------------------------------
// Metrics on a tiny cache whose numbers are checked by hand (threshold 30 min, UTC).

const METRICS_CSV = [
  'user_id,time,event',
  // 2025-03-01: u1 one 1200 s session of 3 events and a bounce; u2 one 30 s session.
  'u1,2025-03-01T10:00:00Z,open',
  'u1,2025-03-01T10:10:00Z,view',
  'u1,2025-03-01T10:20:00Z,close',
  'u1,2025-03-01T12:00:00Z,open',
  'u2,2025-03-01T09:00:00Z,open',
  'u2,2025-03-01T09:00:30Z,close',
  // 2025-03-02: u1 session 3 (300 s); u3 session 1 (bounce); u2 sessions 2 (exactly 30 min
  // gap: 1800 s) and 3 (30 min + 1 ms later: a bounce).
  'u1,2025-03-02T08:00:00Z,open',
  'u1,2025-03-02T08:05:00Z,close',
  'u3,2025-03-02T11:00:00Z,open',
  'u2,2025-03-02T13:00:00.000Z,open',
  'u2,2025-03-02T13:30:00.000Z,view',
  'u2,2025-03-02T14:00:00.001Z,open',
  '',
].join('\n');

function close(actual: unknown, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} is not a number: ${String(actual)}`);
  assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${what}: expected ${expected}, got ${String(actual)}`);
}

interface DayJson {
  start_date: string;
  sessions: number;
  users: number;
  avg_session_time_per_user: number;
  avg_first_session_secs: number | null;
  median_duration_secs: number;
  p90_duration_secs: number;
  bounce_share: number;
}

describe('metrics', { concurrency: 2 }, () => {
  test('metrics --json: structure and hand-checked values', async () => {
    const dir = tempDir();
    const file = join(dir, 'tiny.csv');
    writeFileSync(file, METRICS_CSV);
    const db = join(dir, 'cache.db');
    await cliOk(['import', file, '--db', db]);
    const report = JSON.parse((await cliOk(['metrics', '--db', db, '--json'])).stdout) as Record<string, unknown>;
    assert.equal(report.threshold_secs, 1800);
    assert.equal(report.time_zone, 'UTC');
    assert.equal(report.preview, false);
    const days = report.days as DayJson[];
    assert.deepEqual(days.map((d) => d.start_date), ['2025-03-01', '2025-03-02']);
    const [d1, d2] = days;
    // Day 1: durations [1200, 0, 30] of users u1, u1, u2.
    assert.equal(d1.sessions, 3);
    assert.equal(d1.users, 2);
    close(d1.avg_session_time_per_user, 1230 / 2, 'day 1 avg_session_time_per_user');
    close(d1.avg_first_session_secs, (1200 + 30) / 2, 'day 1 avg_first_session_secs');
    close(d1.median_duration_secs, 30, 'day 1 median');
    close(d1.p90_duration_secs, 30 + (1200 - 30) * 0.8, 'day 1 p90 (linear interpolation)');
    close(d1.bounce_share, 1 / 3, 'day 1 bounce_share');
    // Day 2: durations [300, 0, 1800, 0] of users u1, u3, u2, u2; only u3's session has id 1.
    assert.equal(d2.sessions, 4);
    assert.equal(d2.users, 3);
    close(d2.avg_session_time_per_user, 2100 / 3, 'day 2 avg_session_time_per_user');
    close(d2.avg_first_session_secs, 0, 'day 2 avg_first_session_secs');
    close(d2.median_duration_secs, 150, 'day 2 median');
    close(d2.p90_duration_secs, 300 + (1800 - 300) * 0.7, 'day 2 p90');
    close(d2.bounce_share, 0.5, 'day 2 bounce_share');
    const totals = report.totals as DayJson & { events: number };
    assert.equal(totals.sessions, 7);
    assert.equal(totals.users, 3);
    assert.equal(totals.events, 12);
    close(totals.avg_first_session_secs, (1200 + 30 + 0) / 3, 'total avg_first_session_secs');
    close(totals.median_duration_secs, 30, 'total median');
    close(totals.p90_duration_secs, 1200 + (1800 - 1200) * 0.4, 'total p90');
    close(totals.bounce_share, 3 / 7, 'total bounce_share');
    // The text form names the threshold and lists both days.
    const text = (await cliOk(['metrics', '--db', db])).stdout;
    assert.match(text, /30m/);
    assert.match(text, /2025-03-01/);
    assert.match(text, /2025-03-02/);
  });

  test('metrics --threshold previews without persisting anything', async () => {
    const dir = tempDir();
    const file = join(dir, 'tiny.csv');
    writeFileSync(file, METRICS_CSV);
    const db = join(dir, 'cache.db');
    await cliOk(['import', file, '--db', db]);
    const before = await snapshot(db);
    const stored = (await cliOk(['metrics', '--db', db, '--json'])).stdout;

    const preview = JSON.parse((await cliOk(['metrics', '--db', db, '--threshold', '5m', '--json'])).stdout) as Record<string, unknown>;
    assert.equal(preview.preview, true);
    assert.equal(preview.threshold_secs, 300);
    const days = preview.days as DayJson[];
    // At 5 min: day 1 u1 four bounces + u2's 30 s; day 2 u1 08:00–08:05 (a gap equal to the threshold), u3, u2 ×3.
    assert.deepEqual(days.map((d) => d.sessions), [5, 5]);
    close(days[0].avg_session_time_per_user, 30 / 2, 'preview day 1 avg_session_time_per_user');
    close(days[0].avg_first_session_secs, (0 + 30) / 2, 'preview day 1 avg_first_session_secs');
    close(days[0].bounce_share, 4 / 5, 'preview day 1 bounce_share');
    assert.equal((preview.totals as DayJson).sessions, 10);

    assert.deepEqual(await snapshot(db), before, 'a metrics preview changed the cache');
    assert.equal((await cliOk(['metrics', '--db', db, '--json'])).stdout, stored);
  });
});

// ---------------------------------------------------------------------------------------------

interface SweepPointJson {
  threshold_secs: number;
  sessions: number;
  mean_duration_secs: number;
}

describe('sweep, demo, definition changes, idempotency', { concurrency: 3 }, () => {
  test('sweep --json equals sessionize + export at each threshold', async () => {
    const dir = tempDir();
    const db = join(dir, 'demo.db');
    await cliOk(['demo', '--db', db, '--users', '50', '--days', '3', '--seed', '7']);
    const sweep = JSON.parse((await cliOk(['sweep', '--db', db, '--thresholds', '1m,30m,1h', '--json'])).stdout) as {
      time_zone: string;
      thresholds: SweepPointJson[];
    };
    assert.equal(sweep.time_zone, 'UTC');
    assert.deepEqual(sweep.thresholds.map((p) => p.threshold_secs), [60, 1800, 3600]);
    const counts = sweep.thresholds.map((p) => p.sessions);
    assert.ok(counts[0] > counts[1] && counts[1] >= counts[2], `session counts fall as the threshold grows: ${counts}`);
    for (const [i, threshold] of ['1m', '30m', '1h'].entries()) {
      await cliOk(['sessionize', '--db', db, '--threshold', threshold]);
      const sessions = csvRecords((await snapshot(db)).sessions);
      assert.equal(sessions.length, sweep.thresholds[i].sessions, `sessions at ${threshold}`);
      const mean = sessions.reduce((sum, s) => sum + Number(s.session_duration_secs), 0) / sessions.length;
      close(sweep.thresholds[i].mean_duration_secs, mean, `mean duration at ${threshold}`);
    }
    // Sweep order follows the request, not the size.
    const reversed = JSON.parse((await cliOk(['sweep', '--db', db, '--thresholds', '1h,1m', '--json'])).stdout) as { thresholds: SweepPointJson[] };
    assert.deepEqual(reversed.thresholds.map((p) => p.sessions), [counts[2], counts[0]]);
  });

  test('demo is deterministic for a seed and differs for another seed', async () => {
    const dir = tempDir();
    const args = ['--users', '50', '--days', '3'];
    const one = join(dir, 'one.db');
    const two = join(dir, 'two.db');
    const other = join(dir, 'other.db');
    const s1 = parseJsonLine(await cliOk(['demo', '--db', one, ...args, '--seed', '7', '--json']));
    const s2 = parseJsonLine(await cliOk(['demo', '--db', two, ...args, '--seed', '7', '--json']));
    await cliOk(['demo', '--db', other, ...args, '--seed', '8']);
    assert.ok((s1.imported as number) > 0 && (s1.sessions as number) > 0);
    assert.equal(s1.imported, s2.imported);
    const a = await snapshot(one);
    assert.deepEqual(await snapshot(two), a);
    const b = await snapshot(other);
    assert.notEqual(b.sessions, a.sessions);
    assert.notEqual(b.events, a.events);
    // The demo spans the requested days.
    const days = new Set(csvRecords(a.sessions).map((s) => s.start_date));
    assert.ok(days.size >= 3 && days.size <= 4, `days: ${[...days]}`);
  });

  test('import --threshold / --tz on an existing cache re-sessionizes it', async () => {
    const dir = tempDir();
    const first = join(dir, 'first.csv');
    const second = join(dir, 'second.csv');
    const lines = METRICS_CSV.trimEnd().split('\n');
    writeFileSync(first, `${lines.slice(0, 7).join('\n')}\n`);
    writeFileSync(second, `${[lines[0], ...lines.slice(7)].join('\n')}\n`);

    const a = join(dir, 'a.db');
    const s0 = parseJsonLine(await cliOk(['import', first, '--db', a, '--json']));
    assert.equal(s0.definition_changed, false);
    const s1 = parseJsonLine(await cliOk(['import', second, '--db', a, '--threshold', '10m', '--json']));
    assert.equal(s1.definition_changed, true);
    const b = join(dir, 'b.db');
    await cliOk(['import', first, second, '--db', b, '--threshold', '10m']);
    assert.deepEqual(await snapshot(a), await snapshot(b));
    const metrics = JSON.parse((await cliOk(['metrics', '--db', a, '--json'])).stdout) as { threshold_secs: number };
    assert.equal(metrics.threshold_secs, 600);
    // At 10 min u1's 10:00–10:20 run stays one session (gaps of exactly 10 min).
    assert.equal(csvRecords((await snapshot(a)).sessions).filter((s) => s.user_id === 'u1').length, 3);

    // Without flags the stored definition is kept: nothing changes.
    const before = await snapshot(a);
    const s2 = parseJsonLine(await cliOk(['import', second, '--db', a, '--json']));
    assert.equal(s2.definition_changed, false);
    assert.deepEqual(await snapshot(a), before);

    // A time zone given to import moves the local dates of the whole cache.
    const s3 = parseJsonLine(await cliOk(['import', second, '--db', a, '--tz', 'Pacific/Kiritimati', '--json']));
    assert.equal(s3.definition_changed, true);
    const c = join(dir, 'c.db');
    await cliOk(['import', first, second, '--db', c, '--threshold', '10m', '--tz', 'Pacific/Kiritimati']);
    const kiritimati = await snapshot(a); // UTC+14
    assert.deepEqual(kiritimati, await snapshot(c));
    assert.ok(csvRecords(kiritimati.sessions).some((s) => s.start_date === '2025-03-02' && s.start_time.startsWith('2025-03-01T')));
  });

  test('running the same operation twice changes nothing (byte-identical exports)', async () => {
    const dir = tempDir();
    const file = join(dir, 'tiny.csv');
    writeFileSync(file, METRICS_CSV);
    const db = join(dir, 'cache.db');
    await cliOk(['import', file, '--db', db]);
    const once = await snapshot(db);
    await cliOk(['import', file, '--db', db]);
    assert.deepEqual(await snapshot(db), once, 'second merge import');
    await cliOk(['sessionize', '--db', db]);
    assert.deepEqual(await snapshot(db), once, 'sessionize without changes');
    await cliOk(['import', file, '--db', db, '--from', '2025-03-01', '--to', '2025-03-02']);
    assert.deepEqual(await snapshot(db), once, 'range import of the same data');
    await cliOk(['import', file, '--db', db, '--from', '2025-03-01', '--to', '2025-03-02']);
    assert.deepEqual(await snapshot(db), once, 'range import repeated');
    // Back and forth through another definition returns to the same bytes.
    await cliOk(['sessionize', '--db', db, '--threshold', '1m']);
    assert.notDeepEqual(await snapshot(db), once);
    await cliOk(['sessionize', '--db', db, '--threshold', '30m']);
    assert.deepEqual(await snapshot(db), once, 'sessionize 1m then 30m');
  });
});
