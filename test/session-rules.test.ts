/**
 * SPEC §1 rule by rule, by example, through the real command line: write a small event file,
 * `import` it, `export sessions` (and events), and compare with hand-written expected rows.
 * Where the input is a list of events, the naive reference sessionizer is consulted as well.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliOk, runCli, tempDir } from './support/cli.ts';
import {
  readCsvRows, referenceEventsCsv, referenceSessionsCsv, refDefaultDefinition, writeEventsCsv, writeNdjson,
  type MixpanelRecord, type RefDefinition, type RefEvent,
} from './support/reference-sessionizer.ts';

const SESSION_HEADER =
  'user_id,session_id,start_date,end_date,start_time,end_time,session_duration_secs,event_count,first_event,last_event,country,device,os';

function ev(user: string, time: string, insertId: string | null, event: string, props: Record<string, string | null> = {}): RefEvent {
  const ms = Date.parse(time);
  assert.ok(Number.isFinite(ms), `bad time ${time}`);
  return { user_id: user, time_ms: ms, insert_id: insertId, event, props };
}

/** One expected sessions CSV row: the fields as text. */
function S(
  user: string, id: number, date: string, start: string, end: string, duration: number, count: number,
  first: string, last: string, country = '', device = '', os = '', ...more: string[]
): string[] {
  return [user, String(id), date, date, start, end, String(duration), String(count), first, last, country, device, os, ...more];
}

interface Exports {
  dir: string;
  db: string;
  summary: Record<string, unknown>;
  sessionsText: string;
  eventsText: string;
  sessionsHeader: string[];
  /** Data rows of the sessions export. */
  sessions: string[][];
  eventsHeader: string[];
  events: string[][];
}

async function exportAll(dir: string, db: string, tag = ''): Promise<Omit<Exports, 'summary' | 'dir' | 'db'>> {
  const sessionsPath = join(dir, `sessions${tag}.csv`);
  const eventsPath = join(dir, `events-out${tag}.csv`);
  await cliOk(['export', 'sessions', '--db', db, '--out', sessionsPath]);
  await cliOk(['export', 'events', '--db', db, '--out', eventsPath]);
  const [sessionsHeader, ...sessions] = readCsvRows(sessionsPath);
  const [eventsHeader, ...events] = readCsvRows(eventsPath);
  return {
    sessionsText: readFileSync(sessionsPath, 'utf8'),
    eventsText: readFileSync(eventsPath, 'utf8'),
    sessionsHeader, sessions, eventsHeader, events,
  };
}

async function importFile(db: string, file: string, args: string[] = []): Promise<Record<string, unknown>> {
  const result = await cliOk(['import', file, '--db', db, '--json', ...args]);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** Imports the events (as CSV) into a fresh cache and exports sessions and events. */
async function run(events: RefEvent[], importArgs: string[] = [], def?: RefDefinition): Promise<Exports> {
  const dir = tempDir();
  const file = join(dir, 'events.csv');
  writeEventsCsv(file, events);
  const db = join(dir, 'cache.db');
  const summary = await importFile(db, file, importArgs);
  const out = await exportAll(dir, db);
  if (def !== undefined) {
    assert.equal(out.sessionsText, referenceSessionsCsv(events, def), 'sessions export differs from the reference sessionizer');
    assert.equal(out.eventsText, referenceEventsCsv(events, def), 'events export differs from the reference sessionizer');
  }
  return { dir, db, summary, ...out };
}

async function runRaw(name: string, content: string | Buffer, importArgs: string[] = []): Promise<Exports> {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, content);
  const db = join(dir, 'cache.db');
  const summary = await importFile(db, file, importArgs);
  return { dir, db, summary, ...(await exportAll(dir, db)) };
}

const def = refDefaultDefinition;
const PARALLEL = { concurrency: 4 };

describe('inactivity threshold', PARALLEL, () => {
  test('a gap of exactly the threshold continues the session; one millisecond more starts a new one', async () => {
    const events = [
      ev('u', '2024-05-01T10:00:00.000Z', 'i1', 'a'),
      ev('u', '2024-05-01T10:30:00.000Z', 'i2', 'b'), // gap 1800 000 ms: continues
      ev('u', '2024-05-01T11:00:00.001Z', 'i3', 'c'), // gap 1800 001 ms: new session
    ];
    const r = await run(events, [], def());
    assert.equal(r.sessionsHeader.join(','), SESSION_HEADER);
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:30:00.000Z', 1800, 2, 'a', 'b'),
      S('u', 2, '2024-05-01', '2024-05-01T11:00:00.001Z', '2024-05-01T11:00:00.001Z', 0, 1, 'c', 'c'),
    ]);
  });

  for (const [flag, ms] of [['0', 0], ['90', 90_000], ['90s', 90_000], ['2m', 120_000], ['1h30m', 5_400_000]] as const) {
    test(`--threshold ${flag}: equality continues, +1 ms splits`, async () => {
      const t0 = Date.parse('2024-05-01T08:00:00.000Z');
      const iso = (x: number) => new Date(x).toISOString();
      const events = [
        ev('u', iso(t0), 'i1', 'a'),
        ev('u', iso(t0 + ms), 'i2', 'b'),
        ev('u', iso(t0 + 2 * ms + 1), 'i3', 'c'),
        ev('u', iso(t0 + 3 * ms + 1), 'i4', 'd'),
      ];
      const r = await run(events, ['--threshold', flag], def({ thresholdMs: ms }));
      assert.deepEqual(r.sessions, [
        S('u', 1, '2024-05-01', iso(t0), iso(t0 + ms), ms / 1000, 2, 'a', 'b'),
        S('u', 2, '2024-05-01', iso(t0 + 2 * ms + 1), iso(t0 + 3 * ms + 1), ms / 1000, 2, 'c', 'd'),
      ]);
    });
  }

  test('gaps are compared at millisecond precision, not truncated to seconds (1800.5 s splits at 1800 s)', async () => {
    const events = [
      ev('u', '2024-05-01T10:00:00.000Z', 'i1', 'a'),
      ev('u', '2024-05-01T10:30:00.500Z', 'i2', 'b'), // 1800.5 s
      ev('u', '2024-05-01T11:00:00.500Z', 'i3', 'c'), // 1800.0 s
      ev('u', '2024-05-01T11:30:01.499Z', 'i4', 'd'), // 1800.999 s
    ];
    const r = await run(events, ['--threshold', '1800'], def());
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', 0, 1, 'a', 'a'),
      S('u', 2, '2024-05-01', '2024-05-01T10:30:00.500Z', '2024-05-01T11:00:00.500Z', 1800, 2, 'b', 'c'),
      S('u', 3, '2024-05-01', '2024-05-01T11:30:01.499Z', '2024-05-01T11:30:01.499Z', 0, 1, 'd', 'd'),
    ]);
  });

  test('fractional epoch seconds keep their milliseconds (1800.25 s gap splits)', async () => {
    // 1714557600 = 2024-05-01T10:00:00Z
    const csv = 'user_id,time,insert_id,event\nu,1714557600,i1,a\nu,1714559400.25,i2,b\nu,1714559401.75,i3,c\n';
    const r = await runRaw('events.csv', csv);
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', 0, 1, 'a', 'a'),
      S('u', 2, '2024-05-01', '2024-05-01T10:30:00.250Z', '2024-05-01T10:30:01.750Z', 1, 2, 'b', 'c'),
    ]);
  });
});

describe('duration', PARALLEL, () => {
  test('a one-event session lasts 0 s; durations floor to whole seconds (1999 ms → 1 s, 999 ms → 0 s)', async () => {
    const events = [
      ev('one', '2024-05-01T10:00:00.000Z', 'i1', 'only'),
      ev('floor', '2024-05-01T10:00:00.000Z', 'i1', 'a'),
      ev('floor', '2024-05-01T10:00:01.999Z', 'i2', 'b'),
      ev('sub', '2024-05-01T10:00:00.001Z', 'i1', 'a'),
      ev('sub', '2024-05-01T10:00:01.000Z', 'i2', 'b'),
      ev('long', '2024-05-01T10:00:00.999Z', 'i1', 'a'),
      ev('long', '2024-05-01T10:29:00.000Z', 'i2', 'b'),
      ev('long', '2024-05-01T10:58:59.998Z', 'i3', 'c'),
    ];
    const r = await run(events, [], def());
    assert.deepEqual(r.sessions, [
      S('floor', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:01.999Z', 1, 2, 'a', 'b'),
      S('long', 1, '2024-05-01', '2024-05-01T10:00:00.999Z', '2024-05-01T10:58:59.998Z', 3538, 3, 'a', 'c'),
      S('one', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', 0, 1, 'only', 'only'),
      S('sub', 1, '2024-05-01', '2024-05-01T10:00:00.001Z', '2024-05-01T10:00:01.000Z', 0, 2, 'a', 'b'),
    ]);
  });
});

describe('order', PARALLEL, () => {
  test('ties in time are ordered by insert id in code point order (B < a < é < U+FF5E < 😀)', async () => {
    const T = '2024-05-01T12:00:00.000Z';
    // Written in the reverse of the expected order. UTF-16 comparison would put 😀 (D83D…) before U+FF5E.
    const events = [
      ev('u', T, '😀', 'ev-emoji', { country: 'XX', os: 'ios' }),
      ev('u', T, '\uFF5E', 'ev-fullwidth', { country: 'JP' }),
      ev('u', T, 'é', 'ev-eacute', { device: 'tablet' }),
      ev('u', T, 'a', 'ev-a', { device: 'phone' }),
      ev('u', T, 'B', 'ev-B', {}),
    ];
    const r = await run(events, [], def());
    assert.deepEqual(r.sessions, [S('u', 1, '2024-05-01', T, T, 0, 5, 'ev-B', 'ev-emoji', 'JP', 'phone', 'ios')]);
    assert.deepEqual(r.eventsHeader, ['user_id', 'session_id', 'time', 'insert_id', 'event', 'country', 'device', 'os']);
    assert.deepEqual(r.events.map((e) => e[3]), ['B', 'a', 'é', '\uFF5E', '😀']);
  });

  test('insert ids in the private-use and specials blocks sort before astral ones (U+E000 < U+FFFD < U+1F600)', async () => {
    const T = '2024-05-01T12:00:00.000Z';
    const events = [
      ev('u', T, '\u{1F600}x', 'astral'),
      ev('u', T, '\uFFFD', 'replacement'),
      ev('u', T, '\uE000', 'private-use'),
    ];
    const r = await run(events, [], def());
    assert.deepEqual(r.sessions, [S('u', 1, '2024-05-01', T, T, 0, 3, 'private-use', 'astral')]);
  });

  test('sessions are ordered by user_id in code point order, then session_id', async () => {
    const users = ['b', 'B', 'é', '😀', '\uFF5E', 'a', 'Z', 'ab'];
    const events = users.flatMap((u, i) => [
      ev(u, '2024-05-01T09:00:00.000Z', `x${i}`, 'early'),
      ev(u, '2024-05-01T18:00:00.000Z', `y${i}`, 'late'),
    ]);
    const r = await run(events, [], def());
    assert.deepEqual(
      r.sessions.map((s) => `${s[0]}#${s[1]}`),
      ['B', 'Z', 'a', 'ab', 'b', 'é', '\uFF5E', '😀'].flatMap((u) => [`${u}#1`, `${u}#2`]),
    );
  });
});

describe('local calendar dates', PARALLEL, () => {
  test('UTC: local midnight splits a session even when the gap is small', async () => {
    const events = [ev('u', '2024-01-01T23:50:00.000Z', 'i1', 'a'), ev('u', '2024-01-02T00:10:00.000Z', 'i2', 'b')];
    const r = await run(events, [], def());
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-01-01', '2024-01-01T23:50:00.000Z', '2024-01-01T23:50:00.000Z', 0, 1, 'a', 'a'),
      S('u', 2, '2024-01-02', '2024-01-02T00:10:00.000Z', '2024-01-02T00:10:00.000Z', 0, 1, 'b', 'b'),
    ]);
  });

  test('--tz Asia/Tokyo: local midnight (15:00 UTC) splits; UTC midnight does not', async () => {
    const events = [
      ev('u', '2024-01-01T14:50:00.000Z', 'i1', 'a'), // 23:50 JST, Jan 1
      ev('u', '2024-01-01T15:10:00.000Z', 'i2', 'b'), // 00:10 JST, Jan 2
      ev('u', '2024-01-02T23:50:00.000Z', 'i3', 'c'), // 08:50 JST, Jan 3
      ev('u', '2024-01-03T00:10:00.000Z', 'i4', 'd'), // 09:10 JST, Jan 3
    ];
    const r = await run(events, ['--tz', 'Asia/Tokyo'], def({ timeZone: 'Asia/Tokyo' }));
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-01-01', '2024-01-01T14:50:00.000Z', '2024-01-01T14:50:00.000Z', 0, 1, 'a', 'a'),
      S('u', 2, '2024-01-02', '2024-01-01T15:10:00.000Z', '2024-01-01T15:10:00.000Z', 0, 1, 'b', 'b'),
      S('u', 3, '2024-01-03', '2024-01-02T23:50:00.000Z', '2024-01-03T00:10:00.000Z', 1200, 2, 'c', 'd'),
    ]);
  });

  test('America/New_York, 25-hour day (2024-11-03): a session across the repeated hour stays one', async () => {
    const events = [
      ev('u', '2024-11-03T03:59:00.000Z', 'a', 'A'), // Nov 2 23:59 EDT
      ev('u', '2024-11-03T04:00:00.000Z', 'b', 'B'), // Nov 3 00:00 EDT
      ev('u', '2024-11-03T05:30:00.000Z', 'c', 'C'), // 01:30 EDT
      ev('u', '2024-11-03T05:50:00.000Z', 'd', 'D'), // 01:50 EDT
      ev('u', '2024-11-03T06:10:00.000Z', 'e', 'E'), // 01:10 EST (the clock went back)
      ev('u', '2024-11-04T04:50:00.000Z', 'f', 'F'), // Nov 3 23:50 EST
      ev('u', '2024-11-04T04:59:59.999Z', 'g', 'G'), // Nov 3 23:59:59.999 EST (hour 25 of the day)
      ev('u', '2024-11-04T05:10:00.000Z', 'h', 'H'), // Nov 4 00:10 EST
    ];
    const r = await run(events, ['--tz', 'America/New_York'], def({ timeZone: 'America/New_York' }));
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-11-02', '2024-11-03T03:59:00.000Z', '2024-11-03T03:59:00.000Z', 0, 1, 'A', 'A'),
      S('u', 2, '2024-11-03', '2024-11-03T04:00:00.000Z', '2024-11-03T04:00:00.000Z', 0, 1, 'B', 'B'),
      S('u', 3, '2024-11-03', '2024-11-03T05:30:00.000Z', '2024-11-03T06:10:00.000Z', 2400, 3, 'C', 'E'),
      S('u', 4, '2024-11-03', '2024-11-04T04:50:00.000Z', '2024-11-04T04:59:59.999Z', 599, 2, 'F', 'G'),
      S('u', 5, '2024-11-04', '2024-11-04T05:10:00.000Z', '2024-11-04T05:10:00.000Z', 0, 1, 'H', 'H'),
    ]);
  });

  test('America/New_York, 23-hour day (2024-03-10): a session across the skipped hour stays one', async () => {
    const events = [
      ev('u', '2024-03-10T04:59:59.999Z', 'j', 'J'), // Mar 9 23:59:59.999 EST
      ev('u', '2024-03-10T05:00:00.000Z', 'i', 'I'), // Mar 10 00:00 EST (1 ms later, another day)
      ev('u', '2024-03-10T06:59:00.000Z', 'k', 'K'), // 01:59 EST
      ev('u', '2024-03-10T07:01:00.000Z', 'l', 'L'), // 03:01 EDT
      ev('u', '2024-03-11T03:50:00.000Z', 'm', 'M'), // Mar 10 23:50 EDT
      ev('u', '2024-03-11T04:10:00.000Z', 'n', 'N'), // Mar 11 00:10 EDT
    ];
    const r = await run(events, ['--tz', 'America/New_York'], def({ timeZone: 'America/New_York' }));
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-03-09', '2024-03-10T04:59:59.999Z', '2024-03-10T04:59:59.999Z', 0, 1, 'J', 'J'),
      S('u', 2, '2024-03-10', '2024-03-10T05:00:00.000Z', '2024-03-10T05:00:00.000Z', 0, 1, 'I', 'I'),
      S('u', 3, '2024-03-10', '2024-03-10T06:59:00.000Z', '2024-03-10T07:01:00.000Z', 120, 2, 'K', 'L'),
      S('u', 4, '2024-03-10', '2024-03-11T03:50:00.000Z', '2024-03-11T03:50:00.000Z', 0, 1, 'M', 'M'),
      S('u', 5, '2024-03-11', '2024-03-11T04:10:00.000Z', '2024-03-11T04:10:00.000Z', 0, 1, 'N', 'N'),
    ]);
  });

  test('Australia/Lord_Howe: the 30-minute DST shift moves local midnight by 30 minutes', async () => {
    const events = [
      // DST ends 2024-04-07 02:00 +11 → 01:30 +10:30.
      ev('u', '2024-04-06T12:50:00.000Z', 'p', 'P'), // Apr 6 23:50 +11
      ev('u', '2024-04-06T13:10:00.000Z', 'q', 'Q'), // Apr 7 00:10 +11
      ev('u', '2024-04-06T14:45:00.000Z', 'r', 'R'), // Apr 7 01:45 +11
      ev('u', '2024-04-06T15:15:00.000Z', 's', 'S'), // Apr 7 01:45 +10:30 (30 min later, same wall time)
      ev('u', '2024-04-07T13:20:00.000Z', 't', 'T'), // Apr 7 23:50 +10:30 (would be Apr 8 at +11)
      ev('u', '2024-04-07T13:40:00.000Z', 'u', 'U'), // Apr 8 00:10 +10:30
      // DST starts 2024-10-06 02:00 +10:30 → 02:30 +11.
      ev('u', '2024-10-05T13:20:00.000Z', 'v', 'V'), // Oct 5 23:50 +10:30
      ev('u', '2024-10-05T13:40:00.000Z', 'w', 'W'), // Oct 6 00:10 +10:30
      ev('u', '2024-10-05T15:20:00.000Z', 'x', 'X'), // Oct 6 01:50 +10:30
      ev('u', '2024-10-05T15:40:00.000Z', 'y', 'Y'), // Oct 6 02:40 +11
      ev('u', '2024-10-06T12:50:00.000Z', 'z', 'Z'), // Oct 6 23:50 +11 (would be Oct 6 23:20 at +10:30)
      ev('u', '2024-10-06T13:10:00.000Z', 'zz', 'ZZ'), // Oct 7 00:10 +11 (would still be Oct 6 at +10:30)
    ];
    const r = await run(events, ['--tz', 'Australia/Lord_Howe'], def({ timeZone: 'Australia/Lord_Howe' }));
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-04-06', '2024-04-06T12:50:00.000Z', '2024-04-06T12:50:00.000Z', 0, 1, 'P', 'P'),
      S('u', 2, '2024-04-07', '2024-04-06T13:10:00.000Z', '2024-04-06T13:10:00.000Z', 0, 1, 'Q', 'Q'),
      S('u', 3, '2024-04-07', '2024-04-06T14:45:00.000Z', '2024-04-06T15:15:00.000Z', 1800, 2, 'R', 'S'),
      S('u', 4, '2024-04-07', '2024-04-07T13:20:00.000Z', '2024-04-07T13:20:00.000Z', 0, 1, 'T', 'T'),
      S('u', 5, '2024-04-08', '2024-04-07T13:40:00.000Z', '2024-04-07T13:40:00.000Z', 0, 1, 'U', 'U'),
      S('u', 6, '2024-10-05', '2024-10-05T13:20:00.000Z', '2024-10-05T13:20:00.000Z', 0, 1, 'V', 'V'),
      S('u', 7, '2024-10-06', '2024-10-05T13:40:00.000Z', '2024-10-05T13:40:00.000Z', 0, 1, 'W', 'W'),
      S('u', 8, '2024-10-06', '2024-10-05T15:20:00.000Z', '2024-10-05T15:40:00.000Z', 1200, 2, 'X', 'Y'),
      S('u', 9, '2024-10-06', '2024-10-06T12:50:00.000Z', '2024-10-06T12:50:00.000Z', 0, 1, 'Z', 'Z'),
      S('u', 10, '2024-10-07', '2024-10-06T13:10:00.000Z', '2024-10-06T13:10:00.000Z', 0, 1, 'ZZ', 'ZZ'),
    ]);
  });

  test('sessionize --tz re-dates the cache exactly as a fresh import in that zone', async () => {
    const events = [
      ev('u', '2024-01-01T14:50:00.000Z', 'i1', 'a'),
      ev('u', '2024-01-01T15:10:00.000Z', 'i2', 'b'),
      ev('v', '2024-01-01T23:50:00.000Z', 'i3', 'c'),
      ev('v', '2024-01-02T00:10:00.000Z', 'i4', 'd'),
    ];
    const utc = await run(events, [], def());
    assert.equal(utc.sessions.length, 3);
    await cliOk(['sessionize', '--db', utc.db, '--tz', 'Asia/Tokyo']);
    const after = await exportAll(utc.dir, utc.db, '-tokyo');
    const fresh = await run(events, ['--tz', 'Asia/Tokyo'], def({ timeZone: 'Asia/Tokyo' }));
    assert.equal(after.sessionsText, fresh.sessionsText);
    assert.equal(after.eventsText, fresh.eventsText);
    assert.deepEqual(after.sessions.map((s) => [s[0], s[1], s[2]]), [['u', '1', '2024-01-01'], ['u', '2', '2024-01-02'], ['v', '1', '2024-01-02']]);
  });
});

describe('duplicates', PARALLEL, () => {
  test('rows with the same (insert_id, user_id, event, time) are one event; any difference keeps both', async () => {
    const T = '2024-05-01T10:00:00.000Z';
    const events = [
      ev('u', T, 'x', 'view'),
      ev('u', T, 'x', 'view'),
      ev('u', T, 'x', 'view'),
      ev('u', T, 'x', 'click'), // another event name: another event (ordered by name after the insert id tie)
      ev('u', '2024-05-01T10:00:00.001Z', 'x', 'view'), // another time
      ev('w', T, 'x', 'view'), // another user
    ];
    const r = await run(events, [], def());
    assert.equal(r.summary.duplicates, 2);
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', T, '2024-05-01T10:00:00.001Z', 0, 3, 'click', 'view'),
      S('w', 1, '2024-05-01', T, T, 0, 1, 'view', 'view'),
    ]);
  });

  test('of duplicates that differ in content, the one with the smallest attribute values is kept (null first)', async () => {
    const T = '2024-05-01T10:00:00.000Z';
    const events = [
      ev('a', T, 'k', 'e', { country: 'FR', device: 'aaa' }),
      ev('a', T, 'k', 'e', { country: 'DE', device: 'zzz' }), // DE < FR: kept, with its device
      ev('b', T, 'k', 'e', { country: 'FR', os: 'ios' }),
      ev('b', T, 'k', 'e', { country: null, os: 'android' }), // null sorts first: kept
      ev('c', T, 'k', 'e', { country: 'FR', device: 'web' }),
      ev('c', T, 'k', 'e', { country: 'FR', device: 'ios' }), // same country, device decides
    ];
    const r = await run(events, [], def());
    assert.equal(r.summary.duplicates, 3);
    assert.deepEqual(r.sessions, [
      S('a', 1, '2024-05-01', T, T, 0, 1, 'e', 'e', 'DE', 'zzz', ''),
      S('b', 1, '2024-05-01', T, T, 0, 1, 'e', 'e', '', '', 'android'),
      S('c', 1, '2024-05-01', T, T, 0, 1, 'e', 'e', 'FR', 'ios', ''),
    ]);
  });

  test('the kept duplicate does not depend on the order of imports', async () => {
    const T = '2024-05-01T10:00:00.000Z';
    const first = [ev('a', T, 'k', 'e', { country: 'FR' }), ev('a', '2024-05-01T10:05:00.000Z', 'k2', 'f', { country: 'IT' })];
    const second = [ev('a', T, 'k', 'e', { country: 'DE' })];
    const dir = tempDir();
    writeEventsCsv(join(dir, 'first.csv'), first);
    writeEventsCsv(join(dir, 'second.csv'), second);
    const ab = join(dir, 'ab.db');
    const ba = join(dir, 'ba.db');
    await importFile(ab, join(dir, 'first.csv'));
    const dup = await importFile(ab, join(dir, 'second.csv'));
    assert.equal(dup.duplicates, 1);
    await importFile(ba, join(dir, 'second.csv'));
    await importFile(ba, join(dir, 'first.csv'));
    const x = await exportAll(dir, ab, '-ab');
    const y = await exportAll(dir, ba, '-ba');
    assert.equal(x.sessionsText, y.sessionsText);
    assert.equal(x.eventsText, y.eventsText);
    assert.deepEqual(x.sessions, [S('a', 1, '2024-05-01', T, '2024-05-01T10:05:00.000Z', 300, 2, 'e', 'f', 'DE')]);
    assert.equal(x.sessionsText, referenceSessionsCsv([...first, ...second], def()));
  });

  test('importing the same file twice: all duplicates, byte-identical exports', async () => {
    const events = [
      ev('u', '2024-05-01T10:00:00.000Z', 'i1', 'a', { country: 'FR' }),
      ev('u', '2024-05-02T10:00:00.000Z', 'i2', 'b'),
      ev('v', '2024-05-01T11:00:00.000Z', 'i3', 'c'),
    ];
    const r = await run(events, [], def());
    const again = await importFile(r.db, join(r.dir, 'events.csv'));
    assert.equal(again.duplicates, 3);
    const after = await exportAll(r.dir, r.db, '-again');
    assert.equal(after.sessionsText, r.sessionsText);
    assert.equal(after.eventsText, r.eventsText);
  });

  test('events without an insert id: exact repeats collapse, rows that differ in any property do not', async () => {
    const csv = [
      'user_id,time,insert_id,event,country,note',
      'h,2024-05-01T10:00:00.000Z,,tap,FR,one',
      'h,2024-05-01T10:00:00.000Z,,tap,FR,one',
      'h,2024-05-01T10:00:00.000Z,,tap,FR,two',
      'h,2024-05-01T10:00:00.000Z,,tap,FR,',
      '',
    ].join('\n');
    const r = await runRaw('events.csv', csv);
    assert.equal(r.summary.duplicates, 1);
    const T = '2024-05-01T10:00:00.000Z';
    assert.deepEqual(r.sessions, [S('h', 1, '2024-05-01', T, T, 0, 3, 'tap', 'tap', 'FR')]);
    assert.equal(r.events.length, 3);
    assert.equal(new Set(r.events.map((e) => e[3])).size, 3, 'each kept event has its own derived insert id');
    assert.ok(r.events.every((e) => e[3] !== ''), 'derived insert ids are not empty');
  });
});

describe('excluded events', PARALLEL, () => {
  const events = [
    ev('u', '2024-05-01T10:00:00.000Z', 'i1', 'open'),
    ev('u', '2024-05-01T10:25:00.000Z', 'i2', '$identify', { country: 'FR' }),
    ev('u', '2024-05-01T10:50:00.000Z', 'i3', 'click'),
    ev('v', '2024-05-01T09:00:00.000Z', 'j1', '$merge'),
    ev('v', '2024-05-01T09:05:00.000Z', 'j2', '$merge'),
    ev('w', '2024-05-01T09:00:00.000Z', 'k1', '$identify', { device: 'ios' }),
    ev('w', '2024-05-01T09:10:00.000Z', 'k2', 'view'),
  ];
  const excluded = def({ excludedEvents: ['$identify', '$merge'] });

  test('--exclude-events: excluded events take no part (a session bridged only by one splits)', async () => {
    const r = await run(events, ['--exclude-events', '$identify,$merge'], excluded);
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', 0, 1, 'open', 'open'),
      S('u', 2, '2024-05-01', '2024-05-01T10:50:00.000Z', '2024-05-01T10:50:00.000Z', 0, 1, 'click', 'click'),
      S('w', 1, '2024-05-01', '2024-05-01T09:10:00.000Z', '2024-05-01T09:10:00.000Z', 0, 1, 'view', 'view'),
    ]);
    assert.ok(!r.events.some((e) => e[4] === '$identify' || e[4] === '$merge'), 'excluded events carry no session');
  });

  test('the excluded events stay cached: un-excluding them with sessionize brings them back', async () => {
    const r = await run(events, ['--exclude-events', '$identify,$merge'], excluded);
    await cliOk(['sessionize', '--db', r.db, '--exclude-events', '']);
    const after = await exportAll(r.dir, r.db, '-all');
    assert.deepEqual(after.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:50:00.000Z', 3000, 3, 'open', 'click', 'FR'),
      S('v', 1, '2024-05-01', '2024-05-01T09:00:00.000Z', '2024-05-01T09:05:00.000Z', 300, 2, '$merge', '$merge'),
      S('w', 1, '2024-05-01', '2024-05-01T09:00:00.000Z', '2024-05-01T09:10:00.000Z', 600, 2, '$identify', 'view', '', 'ios'),
    ]);
    assert.equal(after.sessionsText, referenceSessionsCsv(events, def()));
  });
});

describe('attributes', PARALLEL, () => {
  test('each attribute is the first non-null value in session order; later changes are not reflected', async () => {
    const events = [
      ev('u', '2024-05-01T10:00:00.000Z', 'i1', 'a', { country: null, device: 'ios', os: null }),
      ev('u', '2024-05-01T10:01:00.000Z', 'i2', 'b', { country: 'FR', device: 'android', os: '' }),
      ev('u', '2024-05-01T10:02:00.000Z', 'i3', 'c', { country: 'DE', device: null, os: 'iOS 17' }),
      ev('u', '2024-05-01T10:03:00.000Z', 'i4', 'd', { country: 'IT', device: 'web', os: 'Android 14' }),
      ev('u', '2024-05-01T12:00:00.000Z', 'i5', 'e', { country: 'DE' }), // new session: its own first values
    ];
    const r = await run(events, [], def());
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:03:00.000Z', 180, 4, 'a', 'd', 'FR', 'ios', 'iOS 17'),
      S('u', 2, '2024-05-01', '2024-05-01T12:00:00.000Z', '2024-05-01T12:00:00.000Z', 0, 1, 'e', 'e', 'DE', '', ''),
    ]);
    // The journey table carries each event's own values.
    assert.deepEqual(r.events.map((e) => e.slice(5)), [['', 'ios', ''], ['FR', 'android', ''], ['DE', '', 'iOS 17'], ['IT', 'web', 'Android 14'], ['DE', '', '']]);
  });

  test('--attributes country,plan=tier: further attributes follow country,device,os; undefined ones are empty', async () => {
    const events = [
      ev('u', '2024-05-01T10:00:00.000Z', 'i1', 'a', { country: 'FR', device: 'ios', tier: null }),
      ev('u', '2024-05-01T10:01:00.000Z', 'i2', 'b', { country: 'DE', tier: 'pro', plan: 'ignored' }),
    ];
    const r = await run(events, ['--attributes', 'country,plan=tier']);
    assert.equal(r.sessionsHeader.join(','), `${SESSION_HEADER},plan`);
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:01:00.000Z', 60, 2, 'a', 'b', 'FR', '', '', 'pro'),
    ]);
    assert.deepEqual(r.eventsHeader, ['user_id', 'session_id', 'time', 'insert_id', 'event', 'country', 'plan']);
  });

  for (const how of ['sessionize', 'import'] as const) {
    test(`changing the attributes of an existing cache (${how} --attributes) re-reads them from the cached events`, async () => {
      const events = [
        ev('u', '2024-01-01T00:00:00.000Z', 'a', 'open', { country: 'FR', os: null, note: 'n1' }),
        ev('u', '2024-01-01T00:10:00.000Z', 'b', 'click', { country: null, os: 'ios', note: 'n2' }),
        ev('v', '2024-01-01T00:00:00.000Z', 'z', 'x', {}),
      ];
      const r = await run(how === 'import' ? events.slice(0, 2) : events, [], def());
      const flags = ['--attributes', 'country,note,device=os'];
      if (how === 'sessionize') {
        await cliOk(['sessionize', '--db', r.db, ...flags]);
      } else {
        writeEventsCsv(join(r.dir, 'v.csv'), events.slice(2));
        const summary = await importFile(r.db, join(r.dir, 'v.csv'), flags);
        assert.equal(summary.definition_changed, true);
      }
      const after = await exportAll(r.dir, r.db, '-attrs');
      assert.equal(after.sessionsHeader.join(','), `${SESSION_HEADER},note`);
      assert.deepEqual(after.sessions, [
        S('u', 1, '2024-01-01', '2024-01-01T00:00:00.000Z', '2024-01-01T00:10:00.000Z', 600, 2, 'open', 'click', 'FR', 'ios', '', 'n1'),
        S('v', 1, '2024-01-01', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 0, 1, 'x', 'x', '', '', '', ''),
      ]);
      assert.deepEqual(after.eventsHeader, ['user_id', 'session_id', 'time', 'insert_id', 'event', 'country', 'note', 'device']);
      assert.deepEqual(after.events.map((e) => e.slice(5)), [['FR', 'n1', ''], ['', 'n2', 'ios'], ['', '', '']]);
      const fresh = await run(events, flags);
      assert.equal(after.sessionsText, fresh.sessionsText);
      assert.equal(after.eventsText, fresh.eventsText);
    });
  }
});

describe('session ids', PARALLEL, () => {
  test('session_id is a per-user ordinal 1, 2, 3, … over all days', async () => {
    const events = [
      ev('a', '2024-05-01T08:00:00.000Z', 'a1', 'x'),
      ev('b', '2024-05-01T08:30:00.000Z', 'b1', 'x'),
      ev('a', '2024-05-01T20:00:00.000Z', 'a2', 'x'),
      ev('b', '2024-05-03T08:00:00.000Z', 'b2', 'x'),
      ev('a', '2024-05-02T08:00:00.000Z', 'a3', 'x'),
      ev('a', '2024-05-04T08:00:00.000Z', 'a4', 'x'),
    ];
    const r = await run(events, [], def());
    assert.deepEqual(r.sessions.map((s) => [s[0], s[1], s[2]]), [
      ['a', '1', '2024-05-01'], ['a', '2', '2024-05-01'], ['a', '3', '2024-05-02'], ['a', '4', '2024-05-04'],
      ['b', '1', '2024-05-01'], ['b', '2', '2024-05-03'],
    ]);
    // A later import of an earlier day renumbers every later session of that user.
    const earlier = [ev('a', '2024-04-30T08:00:00.000Z', 'a0', 'x'), ev('a', '2024-05-02T12:00:00.000Z', 'a5', 'y')];
    writeEventsCsv(join(r.dir, 'earlier.csv'), earlier);
    await importFile(r.db, join(r.dir, 'earlier.csv'));
    const after = await exportAll(r.dir, r.db, '-after');
    assert.deepEqual(after.sessions.map((s) => [s[0], s[1], s[2], s[4]]), [
      ['a', '1', '2024-04-30', '2024-04-30T08:00:00.000Z'],
      ['a', '2', '2024-05-01', '2024-05-01T08:00:00.000Z'],
      ['a', '3', '2024-05-01', '2024-05-01T20:00:00.000Z'],
      ['a', '4', '2024-05-02', '2024-05-02T08:00:00.000Z'],
      ['a', '5', '2024-05-02', '2024-05-02T12:00:00.000Z'],
      ['a', '6', '2024-05-04', '2024-05-04T08:00:00.000Z'],
      ['b', '1', '2024-05-01', '2024-05-01T08:30:00.000Z'],
      ['b', '2', '2024-05-03', '2024-05-03T08:00:00.000Z'],
    ]);
    assert.equal(after.sessionsText, referenceSessionsCsv([...events, ...earlier], def()));
    assert.equal(after.eventsText, referenceEventsCsv([...events, ...earlier], def()));
  });
});

describe('inputs', PARALLEL, () => {
  const mixpanel: MixpanelRecord[] = [
    { event: 'App Open', properties: { time: 1714557600, distinct_id: 'mp1', $insert_id: 'i1', mp_country_code: 'US', $device: 'iPhone', $os: 'iOS' } },
    { event: 'Tap', properties: { time: 1714557660.25, distinct_id: 'mp1', $insert_id: 'i2', mp_country_code: 'CA', $os: 'Android' } },
    { event: 'Open', properties: { time: 1714561200, distinct_id: 'mp2', $insert_id: 'i3', country: 'CA', $device: 'Pixel' } },
    { event: 'Open', properties: { time: 1714561200.5, distinct_id: 'mp3', $insert_id: 'i4', mp_country_code: 'GB', country: 'IE', os: 'Linux' } },
    { event: 'Open', properties: { time: 1714561200.5, distinct_id: 'mp3', $insert_id: 'i4', mp_country_code: 'GB', country: 'IE', os: 'Linux' } },
  ];
  const expected = [
    S('mp1', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:01:00.250Z', 60, 2, 'App Open', 'Tap', 'US', 'iPhone', 'iOS'),
    S('mp2', 1, '2024-05-01', '2024-05-01T11:00:00.000Z', '2024-05-01T11:00:00.000Z', 0, 1, 'Open', 'Open', 'CA', 'Pixel', ''),
    S('mp3', 1, '2024-05-01', '2024-05-01T11:00:00.500Z', '2024-05-01T11:00:00.500Z', 0, 1, 'Open', 'Open', 'GB', '', 'Linux'),
  ];

  test('Mixpanel NDJSON: mp_country_code/$device/$os (own-name fallback), epoch-second times', async () => {
    const dir = tempDir();
    writeNdjson(join(dir, 'export.ndjson'), mixpanel);
    const db = join(dir, 'cache.db');
    const summary = await importFile(db, join(dir, 'export.ndjson'));
    assert.equal(summary.duplicates, 1);
    const r = await exportAll(dir, db);
    assert.deepEqual(r.sessions, expected);
  });

  for (const name of ['export.ndjson.gz', 'export.jsonl.gz', 'export.json']) {
    test(`gzipped Mixpanel NDJSON (${name}) reads like the plain file`, async () => {
      const dir = tempDir();
      writeNdjson(join(dir, name), mixpanel, { gzip: true });
      const db = join(dir, 'cache.db');
      await importFile(db, join(dir, name));
      const r = await exportAll(dir, db);
      assert.deepEqual(r.sessions, expected);
    });
  }

  test('CSV with BOM, CRLF line ends and case-insensitive alternative column names', async () => {
    const csv = '\uFEFFDistinct_ID,Timestamp,$Insert_ID,Event_Name,Country\r\n' +
      'c1,2024-05-01T10:00:00+02:00,i1,start,NL\r\n' +
      'c1,2024-05-01 08:10:00,i2,stop,\r\n';
    const r = await runRaw('events.csv', csv);
    assert.deepEqual(r.sessions, [
      S('c1', 1, '2024-05-01', '2024-05-01T08:00:00.000Z', '2024-05-01T08:10:00.000Z', 600, 2, 'start', 'stop', 'NL'),
    ]);
  });

  test('user ids, event names and attributes with commas, quotes, newlines and non-ASCII round-trip', async () => {
    const users = ['a,b', 'say "hi"', 'line1\nline2', 'crlf\r\nuser', 'Zoë 日本 😀', ' padded '];
    const names = ['Click, then "Buy"', 'multi\nline', 'café ☕', '"quoted"'];
    const events = users.flatMap((u, i) => [
      ev(u, '2024-05-01T10:00:00.000Z', `s${i}`, names[i % names.length], { country: 'A, "B"\nC', device: 'Ünïcødé' }),
      ev(u, '2024-05-01T10:05:00.000Z', `t${i}`, names[(i + 1) % names.length]),
    ]);
    const r = await run(events, [], def());
    const sorted = [' padded ', 'Zoë 日本 😀', 'a,b', 'crlf\r\nuser', 'line1\nline2', 'say "hi"'];
    assert.deepEqual(r.sessions.map((s) => s[0]), sorted);
    for (const s of r.sessions) {
      const i = users.indexOf(s[0]);
      assert.equal(s[8], names[i % names.length]);
      assert.equal(s[9], names[(i + 1) % names.length]);
      assert.equal(s[10], 'A, "B"\nC');
      assert.equal(s[11], 'Ünïcødé');
    }
    assert.deepEqual(new Set(r.events.map((e) => e[0])), new Set(users));
  });

  test('formula injection: text cells starting with = + - @ TAB CR get a leading apostrophe, numbers do not', async () => {
    const users = ['=SUM(A1:A2)', '+1 555', '-5', '+42', '-1.5e3', '@cmd', '\tx', '\rx', '-', 'plain'];
    const events = users.map((u, i) =>
      ev(u, `2024-05-01T1${i}:00:00.000Z`, i === 0 ? '=id' : `-${i}`, i % 2 === 0 ? '=HYPERLINK("http://x")' : '-10', {
        country: '=1+1', device: '+7', os: i % 2 === 0 ? '-' : '@os',
      }),
    );
    const r = await run(events, [], def());
    const neutral = (text: string) => (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? text : `'${text}`);
    assert.deepEqual(r.sessions.map((s) => s[0]), [
      "'\tx", "'\rx", "'+1 555", '+42', "'-", '-1.5e3', '-5', "'=SUM(A1:A2)", "'@cmd", 'plain',
    ]);
    for (const s of r.sessions) {
      const original = s[0] === 'plain' ? 'plain' : users.find((u) => neutral(u) === s[0])!;
      const i = users.indexOf(original);
      const name = i % 2 === 0 ? "'=HYPERLINK(\"http://x\")" : '-10';
      assert.deepEqual(s.slice(8), [name, name, "'=1+1", '+7', i % 2 === 0 ? "'-" : "'@os"], `row of ${JSON.stringify(original)}`);
    }
    const idRow = r.events.find((e) => e[0] === "'=SUM(A1:A2)")!;
    assert.equal(idRow[3], "'=id");
    assert.ok(r.events.filter((e) => e[0] !== "'=SUM(A1:A2)").every((e) => /^-\d+$/.test(e[3])), 'numeric insert ids stay as they are');
  });
});

describe('ranges, merges and idempotency', PARALLEL, () => {
  const base = [
    ev('u', '2024-05-01T10:00:00.000Z', 'd1a', 'a'),
    ev('u', '2024-05-02T10:00:00.000Z', 'd2a', 'b'),
    ev('u', '2024-05-02T10:20:00.000Z', 'd2b', 'c'),
    ev('u', '2024-05-03T10:00:00.000Z', 'd3a', 'd'),
    ev('v', '2024-05-02T09:00:00.000Z', 'v2a', 'e'),
  ];

  test('a range import replaces the cached events of its dates; rows outside the range are not taken but counted', async () => {
    const r = await run(base, [], def());
    const fetched = [
      ev('u', '2024-05-02T11:00:00.000Z', 'n1', 'x'),
      ev('u', '2024-05-02T14:00:00.000Z', 'n2', 'y'),
      ev('u', '2024-05-04T10:00:00.000Z', 'n3', 'outside'),
      ev('u', '2024-05-01T23:59:59.999Z', 'n4', 'outside'),
    ];
    writeEventsCsv(join(r.dir, 'range.csv'), fetched);
    const summary = await importFile(r.db, join(r.dir, 'range.csv'), ['--from', '2024-05-02', '--to', '2024-05-02']);
    assert.equal(summary.out_of_range, 2);
    const after = await exportAll(r.dir, r.db, '-range');
    assert.deepEqual(after.sessions, [
      S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', 0, 1, 'a', 'a'),
      S('u', 2, '2024-05-02', '2024-05-02T11:00:00.000Z', '2024-05-02T11:00:00.000Z', 0, 1, 'x', 'x'),
      S('u', 3, '2024-05-02', '2024-05-02T14:00:00.000Z', '2024-05-02T14:00:00.000Z', 0, 1, 'y', 'y'),
      S('u', 4, '2024-05-03', '2024-05-03T10:00:00.000Z', '2024-05-03T10:00:00.000Z', 0, 1, 'd', 'd'),
    ]);
    // The same range import again changes nothing.
    await importFile(r.db, join(r.dir, 'range.csv'), ['--from', '2024-05-02', '--to', '2024-05-02']);
    const again = await exportAll(r.dir, r.db, '-again');
    assert.equal(again.sessionsText, after.sessionsText);
    assert.equal(again.eventsText, after.eventsText);
  });

  test('a range import of a file with no events of those dates empties them', async () => {
    const r = await run(base, [], def());
    writeFileSync(join(r.dir, 'empty.csv'), 'user_id,time,insert_id,event\n');
    await importFile(r.db, join(r.dir, 'empty.csv'), ['--from', '2024-05-02', '--to', '2024-05-03']);
    const after = await exportAll(r.dir, r.db, '-empty');
    assert.deepEqual(after.sessions, [S('u', 1, '2024-05-01', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', 0, 1, 'a', 'a')]);
  });

  test('range dates are local dates of the stored zone (America/New_York)', async () => {
    const events = [
      ev('u', '2024-11-03T03:59:59.999Z', 'a', 'before'), // Nov 2 local
      ev('u', '2024-11-03T04:00:00.000Z', 'b', 'first'), // Nov 3 00:00 local
      ev('u', '2024-11-04T04:59:59.999Z', 'c', 'last'), // Nov 3 23:59:59.999 local
      ev('u', '2024-11-04T05:00:00.000Z', 'd', 'after'), // Nov 4 local
    ];
    const dir = tempDir();
    writeEventsCsv(join(dir, 'events.csv'), events);
    const db = join(dir, 'cache.db');
    const summary = await importFile(db, join(dir, 'events.csv'), ['--tz', 'America/New_York', '--from', '2024-11-03', '--to', '2024-11-03']);
    assert.equal(summary.out_of_range, 2);
    const r = await exportAll(dir, db);
    assert.deepEqual(r.sessions, [
      S('u', 1, '2024-11-03', '2024-11-03T04:00:00.000Z', '2024-11-03T04:00:00.000Z', 0, 1, 'first', 'first'),
      S('u', 2, '2024-11-03', '2024-11-04T04:59:59.999Z', '2024-11-04T04:59:59.999Z', 0, 1, 'last', 'last'),
    ]);
  });

  test('import options that change the definition of an existing cache re-sessionize it', async () => {
    const r = await run(base, [], def());
    writeEventsCsv(join(r.dir, 'more.csv'), [ev('v', '2024-05-02T09:15:00.000Z', 'v2b', 'f')]);
    const summary = await importFile(r.db, join(r.dir, 'more.csv'), ['--threshold', '10m']);
    assert.equal(summary.definition_changed, true);
    const after = await exportAll(r.dir, r.db, '-10m');
    const all = [...base, ev('v', '2024-05-02T09:15:00.000Z', 'v2b', 'f')];
    assert.equal(after.sessionsText, referenceSessionsCsv(all, def({ thresholdMs: 600_000 })));
    assert.deepEqual(after.sessions.map((s) => [s[0], s[1], s[7]]), [['u', '1', '1'], ['u', '2', '1'], ['u', '3', '1'], ['u', '4', '1'], ['v', '1', '1'], ['v', '2', '1']]);
    // And the definition is stored: sessionize with no options changes nothing.
    await cliOk(['sessionize', '--db', r.db]);
    const again = await exportAll(r.dir, r.db, '-again');
    assert.equal(again.sessionsText, after.sessionsText);
  });

  test('a failing command exits non-zero with a one-line reason and leaves the cache as it was', async () => {
    const r = await run(base, [], def());
    const result = await runCli(['import', join(r.dir, 'missing.csv'), '--db', r.db]);
    assert.notEqual(result.code, 0);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    const after = await exportAll(r.dir, r.db, '-after');
    assert.equal(after.sessionsText, r.sessionsText);
  });
});
