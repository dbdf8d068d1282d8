// Bad input through the real CLI on real SQLite files (SPEC §2 "Bad input", §3 exit status, §6).
// Bad rows are rejected with their line number and reason while the valid rows are imported;
// fatal errors exit non-zero with exactly one line on stderr and leave the cache as it was.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import {
  cliFails,
  cliOk,
  csvRecords,
  fileHash,
  parseCsv,
  parseJsonLine,
  runCli,
  assertCleanFailure,
  snapshot,
  tempDir,
} from '../support/cli.ts';

const GOOD_CSV = [
  'user_id,time,event,insert_id,country',
  'alice,2025-03-01T10:00:00Z,open,g1,DE',
  'alice,2025-03-01T10:05:00Z,click,g2,DE',
  'bob,2025-03-02T08:00:00Z,open,g3,FR',
  '',
].join('\n');

function ndjsonLine(user: string | null, time: unknown, event: string, insertId: string, extra: Record<string, unknown> = {}): string {
  const properties: Record<string, unknown> = { time, $insert_id: insertId, ...extra };
  if (user !== null) properties.distinct_id = user;
  if (time === undefined) delete properties.time;
  return JSON.stringify({ event, properties });
}

// One cache built from GOOD_CSV by the CLI; each test works on its own copy of it.
const template = { db: '', sessions: '', events: '' };
before(async () => {
  const dir = tempDir();
  const good = join(dir, 'good.csv');
  writeFileSync(good, GOOD_CSV);
  template.db = join(dir, 'template.db');
  await cliOk(['import', good, '--db', template.db]);
  assert.equal(existsSync(`${template.db}-wal`), false, 'the import left a WAL file behind');
  const probe = join(dir, 'probe.db');
  copyFileSync(template.db, probe);
  const shot = await snapshot(probe);
  template.sessions = shot.sessions;
  template.events = shot.events;
  assert.equal(csvRecords(template.sessions).length, 2);
});

/** A folder with good.csv and a copy of the template cache. */
function withCache(): { dir: string; db: string; good: string; before: { sessions: string; events: string; files: string } } {
  const dir = tempDir();
  const good = join(dir, 'good.csv');
  writeFileSync(good, GOOD_CSV);
  const db = join(dir, 'cache.db');
  copyFileSync(template.db, db);
  return { dir, db, good, before: { sessions: template.sessions, events: template.events, files: cacheFilesHash(db) } };
}

/** The bytes of the cache file and its WAL: a failed command must not change them at all. */
function cacheFilesHash(db: string): string {
  const wal = `${db}-wal`;
  const walHash = existsSync(wal) && statSync(wal).size > 0 ? fileHash(wal) : 'no WAL';
  return `${fileHash(db)}/${walHash}`;
}

async function assertUnchanged(db: string, before: { sessions: string; events: string; files?: string }): Promise<void> {
  if (before.files !== undefined) assert.equal(cacheFilesHash(db), before.files, 'the cache file changed');
  const now = await snapshot(db);
  assert.equal(now.sessions, before.sessions, 'sessions export changed');
  assert.equal(now.events, before.events, 'events export changed');
}

function readRejects(path: string): Array<Record<string, string>> {
  const text = readFileSync(path, 'utf8');
  assert.deepEqual(parseCsv(text)[0], ['file', 'line', 'reason', 'row'], 'rejects CSV header');
  return csvRecords(text);
}

function noCacheFiles(db: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    assert.equal(existsSync(db + suffix), false, `a failed import left ${db + suffix} behind`);
  }
}

describe('bad rows are rejected with line and reason, good rows imported', { concurrency: 4 }, () => {
  test('a malformed JSON line among good NDJSON lines', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.ndjson');
    const bad1 = '{"event": "x", "properties": {"time": 1740830400, "distinct_id"';
    const bad2 = 'this is not json';
    writeFileSync(
      file,
      [
        ndjsonLine('u1', 1740830400, 'open', 'a1'),
        bad1,
        ndjsonLine('u1', 1740830460, 'click', 'a2'),
        bad2,
        ndjsonLine('u2', '2025-03-01T13:00:00.250Z', 'open', 'a3'),
        '',
      ].join('\n'),
    );
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json', '--rejects', rejects]));
    assert.equal(summary.imported, 3);
    assert.equal(summary.rejected, 2);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => r.line), ['2', '4']);
    assert.deepEqual(rows.map((r) => r.row), [bad1, bad2]);
    for (const r of rows) {
      assert.ok(r.file.endsWith('events.ndjson'), `file column: ${r.file}`);
      assert.match(r.reason, /json/i);
    }
    const events = csvRecords((await snapshot(db)).events);
    assert.deepEqual(events.map((e) => [e.user_id, e.insert_id, e.time]), [
      ['u1', 'a1', '2025-03-01T12:00:00.000Z'],
      ['u1', 'a2', '2025-03-01T12:01:00.000Z'],
      ['u2', 'a3', '2025-03-01T13:00:00.250Z'],
    ]);
  });

  test('NDJSON rows missing user or time', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.jsonl');
    writeFileSync(
      file,
      [
        ndjsonLine('u1', 1740830400, 'open', 'a1'),
        ndjsonLine(null, 1740830400, 'open', 'a2'), // no distinct_id
        ndjsonLine('', 1740830400, 'open', 'a3'), // empty user
        ndjsonLine('u1', undefined, 'open', 'a4'), // no time
        ndjsonLine('u1', null, 'open', 'a5'), // null time
        ndjsonLine('u1', '', 'open', 'a6'), // empty time
        ndjsonLine('u1', 1740830500, 'close', 'a7'),
      ].join('\n'),
    );
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json', '--rejects', rejects]));
    assert.equal(summary.imported, 2);
    assert.equal(summary.rejected, 5);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => r.line), ['2', '3', '4', '5', '6']);
    assert.match(rows[0].reason, /user/i);
    assert.match(rows[1].reason, /user/i);
    for (const r of rows.slice(2)) assert.match(r.reason, /time/i);
    assert.equal(csvRecords((await snapshot(db)).sessions).length, 1);
  });

  test('CSV rows missing user or time', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.csv');
    writeFileSync(
      file,
      [
        'distinct_id,timestamp,event_name,$insert_id',
        'u1,2025-03-01T10:00:00Z,open,c1',
        ',2025-03-01T10:01:00Z,open,c2',
        'u1,,open,c3',
        '"",2025-03-01T10:02:00Z,open,c4',
        'u1,2025-03-01T10:03:00Z,close,c5',
        '',
      ].join('\n'),
    );
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json', '--rejects', rejects]));
    assert.equal(summary.imported, 2);
    assert.equal(summary.rejected, 3);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => r.line), ['3', '4', '5']);
    assert.match(rows[0].reason, /user/i);
    assert.match(rows[1].reason, /time/i);
    assert.match(rows[2].reason, /user/i);
    assert.equal(rows[0].row, ',2025-03-01T10:01:00Z,open,c2');
    const sessions = csvRecords((await snapshot(db)).sessions);
    assert.deepEqual(sessions.map((s) => [s.user_id, s.session_duration_secs, s.event_count]), [['u1', '180', '2']]);
  });

  test('unparsable times are rejected, parsable ones of every accepted form imported', async () => {
    const dir = tempDir();
    const csv = join(dir, 'events.csv');
    writeFileSync(
      csv,
      [
        'user_id,time,event',
        'u1,yesterday,a', // 2
        'u1,2025-13-01T00:00:00Z,a', // 3: month 13
        'u1,2025-02-30T00:00:00Z,a', // 4: no such date
        'u1,12:00,a', // 5
        'u1,2025-03-01T10:00:00+01:00,ok', // 6: 09:00Z
        'u1,1740819660,ok', // 7: epoch seconds, 09:01Z
        'u1,1740819720000,ok', // 8: epoch ms, 09:02Z
        'u1,2025-03-01 09:03:00,ok', // 9: no offset = UTC
        '',
      ].join('\n'),
    );
    const ndjson = join(dir, 'events.ndjson');
    writeFileSync(ndjson, [ndjsonLine('u2', 'soon', 'a', 'n1'), ndjsonLine('u2', { at: 1 }, 'a', 'n2'), ndjsonLine('u2', 1740819600.5, 'ok', 'n3')].join('\n'));
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const summary = parseJsonLine(await cliOk(['import', csv, ndjson, '--db', db, '--json', '--rejects', rejects]));
    assert.equal(summary.rejected, 6);
    assert.equal(summary.imported, 5);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => [r.file.endsWith('.csv') ? 'csv' : 'ndjson', r.line]), [
      ['csv', '2'], ['csv', '3'], ['csv', '4'], ['csv', '5'], ['ndjson', '1'], ['ndjson', '2'],
    ]);
    for (const r of rows) assert.match(r.reason, /time/i);
    assert.match(rows[0].reason, /yesterday/);
    const events = csvRecords((await snapshot(db)).events);
    assert.deepEqual(events.map((e) => [e.user_id, e.time]), [
      ['u1', '2025-03-01T09:00:00.000Z'],
      ['u1', '2025-03-01T09:01:00.000Z'],
      ['u1', '2025-03-01T09:02:00.000Z'],
      ['u1', '2025-03-01T09:03:00.000Z'],
      ['u2', '2025-03-01T09:00:00.500Z'],
    ]);
  });

  test('a CSV with a BOM and CRLF line ends', async () => {
    const dir = tempDir();
    const file = join(dir, 'bom.csv');
    writeFileSync(
      file,
      '\uFEFFUser_ID,Time,Event,Country\r\nalice,2025-03-01T10:00:00Z,open,DE\r\nalice,2025-03-01T10:10:00Z,close,DE\r\nbob,2025-03-01T11:00:00Z,open,FR\r\n',
    );
    const db = join(dir, 'cache.db');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json']));
    assert.equal(summary.imported, 3);
    assert.equal(summary.rejected, 0);
    const sessions = csvRecords((await snapshot(db)).sessions);
    assert.deepEqual(sessions.map((s) => [s.user_id, s.session_duration_secs, s.first_event, s.last_event, s.country]), [
      ['alice', '600', 'open', 'close', 'DE'],
      ['bob', '0', 'open', 'open', 'FR'],
    ]);
  });

  test('quoted fields with embedded newlines: later bad rows report their physical line', async () => {
    const dir = tempDir();
    const file = join(dir, 'quoted.csv');
    writeFileSync(
      file,
      [
        'user_id,time,event,country', // 1
        'u1,2025-03-01T10:00:00Z,"two', // 2
        'lines",DE', // 3
        'u1,2025-03-01T10:01:00Z,"a, b and ""c""",DE', // 4
        ',2025-03-01T10:02:00Z,"x', // 5 bad: no user (the row spans 5-7)
        'y',
        'z",DE',
        'u2,2025-03-01T10:03:00Z,"three\r\nline\r\nevent",FR', // 8-10 (CRLF inside the quotes)
        'u2,never,"bad time",FR', // 11
        'u2,2025-03-01T10:04:00Z,too,many,fields', // 12
        'u2,2025-03-01T10:05:00Z,ok,FR', // 13
        '',
      ].join('\n'),
    );
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json', '--rejects', rejects]));
    assert.equal(summary.imported, 4);
    assert.equal(summary.rejected, 3);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => r.line), ['5', '11', '12']);
    assert.match(rows[0].reason, /user/i);
    assert.match(rows[1].reason, /time/i);
    assert.match(rows[2].reason, /field/i);
    // The rejected row is written whole, its embedded newlines included.
    assert.equal(parseCsv(rows[0].row + '\n')[0][2], 'x\ny\nz');
    const events = csvRecords((await snapshot(db)).events);
    assert.equal(events[0].event, 'two\nlines');
    assert.equal(events[1].event, 'a, b and "c"');
    assert.match(events[2].event, /^three\r?\nline\r?\nevent$/);
  });

  test('a CSV with rows of the wrong field count', async () => {
    const dir = tempDir();
    const file = join(dir, 'ragged.csv');
    writeFileSync(
      file,
      [
        'user_id,time,event',
        'u1,2025-03-01T10:00:00Z,open',
        'u1,2025-03-01T10:01:00Z', // too few
        'u1,2025-03-01T10:02:00Z,open,extra', // too many
        'u1,2025-03-01T10:03:00Z,close',
        '',
      ].join('\n'),
    );
    const db = join(dir, 'cache.db');
    const rejects = join(dir, 'rejects.csv');
    const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json', '--rejects', rejects]));
    assert.equal(summary.imported, 2);
    assert.equal(summary.rejected, 2);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => r.line), ['3', '4']);
    for (const r of rows) assert.match(r.reason, /field/i);
  });

  test('the text summary lists the first rejected rows (file:line: reason)', async () => {
    const dir = tempDir();
    const file = join(dir, 'some-bad.csv');
    writeFileSync(file, 'user_id,time\nu1,2025-03-01T10:00:00Z\nu1,later\n');
    const r = await cliOk(['import', file, '--db', join(dir, 'cache.db')]);
    assert.match(r.stdout, /some-bad\.csv:3: .*time/);
  });
});

describe('empty input', { concurrency: 4 }, () => {
  // Observed and asserted: an empty file (or a header-only CSV) is not an error. The import
  // succeeds with every count 0; an existing cache is unchanged and a new cache is created empty.
  for (const [name, content] of [
    ['empty.csv', ''],
    ['header-only.csv', 'user_id,time,event\n'],
    ['empty.ndjson', ''],
    ['blank-lines.ndjson', '\n\n   \n'],
    ['empty.ndjson.gz', gzipSync(Buffer.alloc(0))],
  ] as const) {
    test(name, async () => {
      const { dir, db, before } = withCache();
      const file = join(dir, name);
      writeFileSync(file, content);
      const summary = parseJsonLine(await cliOk(['import', file, '--db', db, '--json']));
      for (const key of ['imported', 'duplicates', 'rejected', 'out_of_range', 'days']) assert.equal(summary[key], 0, key);
      assert.equal(summary.sessions, 2);
      // The run is logged in the cache's import log, so only the content is compared here.
      await assertUnchanged(db, { sessions: before.sessions, events: before.events });

      const fresh = join(dir, 'fresh.db');
      const first = parseJsonLine(await cliOk(['import', file, '--db', fresh, '--json']));
      assert.equal(first.imported, 0);
      assert.equal(first.sessions, 0);
      const empty = await snapshot(fresh);
      assert.equal(parseCsv(empty.sessions).length, 1, 'header only');
      assert.equal(parseCsv(empty.events).length, 1, 'header only');
    });
  }
});

describe('fatal input errors: one line on stderr, non-zero exit, cache unchanged', { concurrency: 4 }, () => {
  test('unknown time zone', async () => {
    const { db, good, before } = withCache();
    const line = await cliFails(['import', good, '--db', db, '--tz', 'Mars/Base']);
    assert.match(line, /Mars\/Base/);
    await cliFails(['sessionize', '--db', db, '--tz', 'Mars/Base']);
    await cliFails(['demo', '--db', db, '--users', '3', '--days', '1', '--tz', 'Mars/Base']);
    await assertUnchanged(db, before);
  });

  test('a corrupt (truncated) gzip file', async () => {
    const { dir, db, before } = withCache();
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(ndjsonLine(`z${i % 50}`, 1740830400 + i * 7, 'e', `z${i}`));
    const whole = gzipSync(lines.join('\n'));
    const intact = join(dir, 'intact.ndjson.gz');
    writeFileSync(intact, whole);
    const truncated = join(dir, 'truncated.ndjson.gz');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const line = await cliFails(['import', truncated, '--db', db]);
    assert.match(line, /truncated\.ndjson\.gz/);
    assert.match(line, /gzip|corrupt|truncated/i);
    await assertUnchanged(db, before);
    // Garbage after the gzip magic bytes.
    const garbage = join(dir, 'garbage.ndjson.gz');
    writeFileSync(garbage, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip data at all')]));
    await cliFails(['import', garbage, '--db', db]);
    await assertUnchanged(db, before);
    // The intact file imports (the failure was the corruption, not the format).
    const summary = parseJsonLine(await cliOk(['import', intact, '--db', db, '--json']));
    assert.equal(summary.imported, 2000);
  });

  test('a file of only bad rows: fails, cache unchanged, rejects still written', async () => {
    const { dir, db, before } = withCache();
    const csv = join(dir, 'all-bad.csv');
    writeFileSync(csv, 'user_id,time\n,2025-03-01T10:00:00Z\nu1,\nu1,someday\n');
    const rejects = join(dir, 'rejects.csv');
    const line = await cliFails(['import', csv, '--db', db, '--rejects', rejects]);
    assert.match(line, /reject/i);
    const rows = readRejects(rejects);
    assert.deepEqual(rows.map((r) => r.line), ['2', '3', '4']);
    await assertUnchanged(db, before);

    const ndjson = join(dir, 'all-bad.ndjson');
    writeFileSync(ndjson, '{oops\n[1,2]\n' + ndjsonLine(null, 1740830400, 'e', 'x') + '\n');
    const rejects2 = join(dir, 'rejects2.csv');
    await cliFails(['import', ndjson, '--db', db, '--rejects', rejects2]);
    assert.deepEqual(readRejects(rejects2).map((r) => r.line), ['1', '2', '3']);
    await assertUnchanged(db, before);
  });

  test('a missing file (alone, or after a good one: nothing of the good one is imported)', async () => {
    const { dir, db, good, before } = withCache();
    const missing = join(dir, 'no-such-file.csv');
    assert.match(await cliFails(['import', missing, '--db', db]), /no-such-file\.csv/);
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'user_id,time\ncarol,2025-03-03T10:00:00Z\n');
    await cliFails(['import', good, other, missing, '--db', db]);
    await assertUnchanged(db, before);
    // A folder is not an event file either.
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    await cliFails(['import', folder, '--db', db]);
    await assertUnchanged(db, before);
  });

  test('an unknown file extension', async () => {
    const { dir, db, before } = withCache();
    for (const name of ['events.txt', 'events.xlsx', 'events', 'events.csv.zip']) {
      const file = join(dir, name);
      writeFileSync(file, GOOD_CSV.replaceAll('alice', 'zed'));
      assert.match(await cliFails(['import', file, '--db', db]), /unknown file type|extension|\.csv/i);
    }
    await assertUnchanged(db, before);
  });

  test('a CSV without a user (or time) column', async () => {
    const { dir, db, before } = withCache();
    const noUser = join(dir, 'no-user.csv');
    writeFileSync(noUser, 'name,time,event\nalice,2025-03-01T10:00:00Z,open\n');
    assert.match(await cliFails(['import', noUser, '--db', db]), /user/i);
    const noTime = join(dir, 'no-time.csv');
    writeFileSync(noTime, 'user_id,when,event\nalice,2025-03-01T10:00:00Z,open\n');
    assert.match(await cliFails(['import', noTime, '--db', db]), /time/i);
    await assertUnchanged(db, before);
  });

  test('a bad duration', async () => {
    const { db, good, before } = withCache();
    assert.match(await cliFails(['import', good, '--db', db, '--threshold', '10x']), /10x/);
    await cliFails(['sessionize', '--db', db, '--threshold', '10x']);
    await cliFails(['metrics', '--db', db, '--threshold', '10x']);
    await cliFails(['sweep', '--db', db, '--thresholds', '1m,10x']);
    await cliFails(['sweep', '--db', db, '--thresholds', ',']);
    await cliFails(['import', good, '--db', db, '--threshold', '-5m']);
    await assertUnchanged(db, before);
  });

  test('--from without --to, --to without --from, --to before --from, invalid dates', async () => {
    const { db, good, before } = withCache();
    await cliFails(['import', good, '--db', db, '--from', '2025-03-01']);
    await cliFails(['import', good, '--db', db, '--to', '2025-03-01']);
    assert.match(await cliFails(['import', good, '--db', db, '--from', '2025-03-02', '--to', '2025-03-01']), /before|after/i);
    await cliFails(['import', good, '--db', db, '--from', '2025-02-30', '--to', '2025-03-01']);
    await cliFails(['import', good, '--db', db, '--from', 'yesterday', '--to', '2025-03-01']);
    await assertUnchanged(db, before);
  });

  test('export to an unwritable path', async () => {
    const { dir, db, before } = withCache();
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    for (const out of [join(aFile, 'out.csv'), join(dir, 'no', 'such', 'folder', 'out.csv'), dir]) {
      for (const what of ['sessions', 'events']) {
        await cliFails(['export', what, '--db', db, '--out', out]);
      }
    }
    assert.equal(readFileSync(aFile, 'utf8'), 'x');
    await cliFails(['export', 'journeys', '--db', db, '--out', join(dir, 'x.csv')]);
    assert.equal(existsSync(join(dir, 'x.csv')), false);
    await assertUnchanged(db, before);
  });

  test('a missing cache for the commands that read one', async () => {
    const dir = tempDir();
    const db = join(dir, 'missing.db');
    await cliFails(['export', 'sessions', '--db', db, '--out', join(dir, 'out.csv')]);
    await cliFails(['metrics', '--db', db]);
    await cliFails(['sweep', '--db', db, '--thresholds', '30m']);
    await cliFails(['sessionize', '--db', db]);
    noCacheFiles(db);
    assert.equal(existsSync(join(dir, 'out.csv')), false);
  });

  test('a text file as --db: refused, file untouched', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.csv');
    writeFileSync(good, GOOD_CSV);
    const db = join(dir, 'notes.txt');
    writeFileSync(db, 'these are my notes, not a cache\n'.repeat(100));
    const hash = fileHash(db);
    const commands = [
      ['import', good, '--db', db],
      ['sessionize', '--db', db],
      ['export', 'sessions', '--db', db, '--out', join(dir, 'out.csv')],
      ['metrics', '--db', db],
      ['sweep', '--db', db, '--thresholds', '30m'],
      ['demo', '--db', db, '--users', '3', '--days', '1'],
    ];
    for (const args of commands) assert.match(await cliFails(args), /cache|database/i);
    assert.equal(fileHash(db), hash);
    assert.equal(existsSync(`${db}-wal`), false);
  });

  test('another SQLite database as --db: refused, file untouched', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.csv');
    writeFileSync(good, GOOD_CSV);
    const commands = [
      ['export', 'sessions', '--out', join(dir, 'out.csv')],
      ['metrics'],
      ['sweep', '--thresholds', '30m'],
      ['import', good],
      ['sessionize'],
      ['demo', '--users', '3', '--days', '1'],
    ];
    const modifiedBy: string[] = [];
    for (const [i, args] of commands.entries()) {
      const db = join(dir, `other-app-${i}.sqlite`);
      const other = new Database(db);
      other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');");
      other.close();
      const hash = fileHash(db);
      assert.match(await cliFails([...args, '--db', db]), /cache/i);
      const check = new Database(db, { readonly: true });
      assert.deepEqual(check.prepare('SELECT body FROM notes').pluck().all(), ['keep me']);
      const mode = check.pragma('journal_mode', { simple: true });
      check.close();
      if (fileHash(db) !== hash) modifiedBy.push(`${args[0]} (file bytes changed, journal_mode now ${mode})`);
    }
    assert.deepEqual(modifiedBy, [], 'commands that modified a database they refused to open');
  });

  test('usage errors (missing --db, unknown option, unknown command) are one line', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.csv');
    writeFileSync(good, GOOD_CSV);
    for (const args of [['import', good], ['import', good, '--db', join(dir, 'c.db'), '--bogus'], ['frobnicate'], ['demo', '--db', join(dir, 'c.db'), '--users', '0']]) {
      assertCleanFailure(await runCli(args), args);
    }
    noCacheFiles(join(dir, 'c.db'));
  });
});

describe('a failed import into a new cache leaves no cache file behind', { concurrency: 4 }, () => {
  // SPEC §2: "A failed or interrupted import leaves the cache exactly as it was before it" — when
  // there was no cache, there must be none afterwards (else a later `import` silently builds on
  // an empty cache created by a failed run, and read commands find a cache that never was).
  const cases: Array<[string, (dir: string, good: string) => string[]]> = [
    ['unknown time zone', (_dir, good) => [good, '--tz', 'Mars/Base']],
    ['bad duration', (_dir, good) => [good, '--threshold', '10x']],
    ['--from without --to', (_dir, good) => [good, '--from', '2025-03-01']],
    ['--to before --from', (_dir, good) => [good, '--from', '2025-03-02', '--to', '2025-03-01']],
    ['missing file', (dir) => [join(dir, 'missing.csv')]],
    ['unknown extension', (dir) => {
      writeFileSync(join(dir, 'e.txt'), GOOD_CSV);
      return [join(dir, 'e.txt')];
    }],
    ['CSV without a user column', (dir) => {
      writeFileSync(join(dir, 'nouser.csv'), 'name,time\nalice,2025-03-01T10:00:00Z\n');
      return [join(dir, 'nouser.csv')];
    }],
    ['corrupt gzip', (dir) => {
      const gz = gzipSync(Array.from({ length: 500 }, (_, i) => ndjsonLine('u', 1740830400 + i, 'e', `i${i}`)).join('\n'));
      writeFileSync(join(dir, 'bad.ndjson.gz'), gz.subarray(0, gz.length >> 1));
      return [join(dir, 'bad.ndjson.gz')];
    }],
    ['only bad rows', (dir) => {
      writeFileSync(join(dir, 'bad.csv'), 'user_id,time\n,2025-03-01T10:00:00Z\n');
      return [join(dir, 'bad.csv')];
    }],
  ];
  for (const [name, args] of cases) {
    test(name, async () => {
      const dir = tempDir();
      const good = join(dir, 'good.csv');
      writeFileSync(good, GOOD_CSV);
      const db = join(dir, 'new-cache.db');
      await cliFails(['import', ...args(dir, good), '--db', db]);
      noCacheFiles(db);
    });
  }
});
