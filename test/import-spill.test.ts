// Imports over their memory budget spill to disk by user and are applied one partition at a
// time: the cache must come out byte-identical to an import held wholly in memory — for CSV and
// NDJSON, merges, range refreshes and a changed definition — and the spill files beside the cache
// must be gone afterwards, also after a cancel or a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { SessionCache } from '../core/cache/session-cache.ts';
import { defaultDefinition, type SessionDefinition } from '../core/definition.ts';
import { exportEvents } from '../core/export/export-events.ts';
import { exportSessions } from '../core/export/export-sessions.ts';
import { importFiles, type ImportRequest } from '../core/import-files.ts';
import { ImportCancelled } from '../core/sources/batch-builder.ts';
import { generateDemoEvents, type DemoEvent } from '../core/sources/demo-generator.ts';
import { assertCleanFailure, removeTempDir, runCli, snapshot, tempDir } from './support/cli.ts';

const dir = tempDir('import-spill-');
after(() => removeTempDir(dir));

/** A budget of this many events, as the import takes it (MiB at 256 bytes an event). */
const budgetOf = (events: number): number => (events * 256) / 2 ** 20;
const SPILL_PREFIX = '.session-explorer-import-';

const demo: DemoEvent[] = [];
generateDemoEvents({ users: 300, days: 10, seed: 7 }, (event) => demo.push(event));
// Duplicate deliveries across the file, so that de-duplication meets the partitions too.
for (let i = 0; i < demo.length; i += 97) demo.push({ ...demo[i] });

function writeCsv(name: string, events: DemoEvent[]): string {
  const path = join(dir, name);
  const rows = events.map((e) => [e.userId, new Date(e.time).toISOString(), e.insertId ?? '', e.event, e.country ?? '', e.device ?? '', e.os ?? '']);
  writeFileSync(path, stringify(rows, { header: true, columns: ['user_id', 'time', 'insert_id', 'event', 'country', 'device', 'os'] }));
  return path;
}

function writeNdjson(name: string, events: DemoEvent[]): string {
  const path = join(dir, name);
  const lines = events.map((e) =>
    JSON.stringify({
      event: e.event,
      properties: { distinct_id: e.userId, time: e.time / 1000, $insert_id: e.insertId, mp_country_code: e.country, $device: e.device, $os: e.os },
    }),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const localDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const allCsv = writeCsv('all.csv', demo);
const allNdjson = writeNdjson('all.ndjson', demo);
const days = [...new Set(demo.map((e) => localDate(e.time)))].sort();
// The last days again, changed: some events gone, some users active later.
const refreshFrom = days[days.length - 4];
const refreshed = demo
  .filter((e, i) => localDate(e.time) >= refreshFrom && i % 5 !== 0)
  .map((e, i) => (i % 7 === 0 ? { ...e, time: e.time + 60_000, insertId: `moved-${i}` } : e));
const refreshCsv = writeCsv('refresh.csv', refreshed);

let caches = 0;
interface Outcome {
  sessions: string;
  events: string;
  /** Whether spill files lay beside the cache while it was written. */
  spilledBeside: boolean;
}

/** Runs the imports into a new cache (each with `budget` when given) and exports it. */
async function importAll(steps: ImportRequest[], budget?: number, definition: SessionDefinition = defaultDefinition()): Promise<Outcome> {
  const folder = join(dir, `cache-${++caches}`);
  mkdirSync(folder);
  const cache = SessionCache.open(join(folder, 'cache.db'), { create: true, definition });
  let spilledBeside = false;
  try {
    for (const step of steps) {
      await importFiles(cache, {
        ...step,
        memoryBudgetMb: budget,
        onProgress: (p) => {
          if (p.phase === 'writing') spilledBeside ||= readdirSync(folder).some((f) => f.startsWith(SPILL_PREFIX));
        },
      });
    }
    assert.deepEqual(readdirSync(folder).filter((f) => f.startsWith(SPILL_PREFIX)), [], 'the spill files are removed');
    const sessions = join(dir, `sessions-${caches}.csv`);
    const events = join(dir, `events-${caches}.csv`);
    exportSessions(cache, sessions);
    exportEvents(cache, events);
    return { sessions: readFileSync(sessions, 'utf8'), events: readFileSync(events, 'utf8'), spilledBeside };
  } finally {
    cache.close();
  }
}

function assertSameCache(spilled: Outcome, inMemory: Outcome): void {
  assert.ok(spilled.spilledBeside, 'the small budget made the import spill');
  assert.ok(!inMemory.spilledBeside, 'the default budget keeps this import in memory');
  assert.ok(spilled.sessions.split('\n').length > 1000, 'the data has many sessions');
  assert.equal(spilled.sessions, inMemory.sessions, 'sessions differ from the import held in memory');
  assert.equal(spilled.events, inMemory.events, 'events differ from the import held in memory');
}

describe('an import over its memory budget', () => {
  test('CSV read in many pieces (spilling as it reads) gives the cache of an import held in memory', async () => {
    const steps = [{ files: [allCsv] }];
    assertSameCache(await importAll(steps, budgetOf(1500)), await importAll(steps));
  });

  test('so does Mixpanel NDJSON, and partitions that are split again (budget smaller than a sixteenth)', async () => {
    const steps = [{ files: [allNdjson] }];
    assertSameCache(await importAll(steps, budgetOf(200)), await importAll(steps));
  });

  test('a range refresh of the last days, and a merge of the same file again, after a full import', async () => {
    const steps: ImportRequest[] = [
      { files: [allCsv] },
      { files: [refreshCsv], range: { from: refreshFrom, to: days[days.length - 1] } },
      { files: [allCsv] },
    ];
    assertSameCache(await importAll(steps, budgetOf(1000)), await importAll(steps));
  });

  test('an import under a changed definition re-sessionizes the cache and then spills', async () => {
    const changed = { ...defaultDefinition(), thresholdMs: 10 * 60_000, excludedEvents: ['app_open'] };
    const steps: ImportRequest[] = [{ files: [allCsv] }, { files: [refreshCsv], definition: changed }];
    assertSameCache(await importAll(steps, budgetOf(1000)), await importAll(steps));
  });

  test('properties weigh in the budget, and come back from the spill files as they were', async () => {
    // Few rows with large properties: by their count they fit the budget, by their bytes not.
    const lines = demo.slice(0, 3000).map((e, i) =>
      JSON.stringify({
        event: e.event,
        properties: { distinct_id: e.userId, time: e.time, $insert_id: e.insertId, page: `/p/${i}/${'ü→'.repeat(400)}`, n: i, flag: i % 2 === 0 },
      }),
    );
    const file = join(dir, 'props.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const propsOf = (db: string) => {
      const cache = SessionCache.open(db);
      try {
        return cache.db.prepare('SELECT user_key, local_day, props FROM user_days ORDER BY user_key, local_day').raw().all();
      } finally {
        cache.close();
      }
    };
    const spilled = await importAll([{ files: [file] }], budgetOf(5000));
    const spilledProps = propsOf(join(dir, `cache-${caches}`, 'cache.db'));
    const inMemory = await importAll([{ files: [file] }]);
    const inMemoryProps = propsOf(join(dir, `cache-${caches}`, 'cache.db'));
    assert.ok(spilled.spilledBeside, 'the properties took the import over its budget of 5000 events');
    assert.equal(spilled.events, inMemory.events);
    assert.ok(JSON.stringify(inMemoryProps).includes('ü→ü→'), 'the properties are stored');
    assert.deepEqual(spilledProps, inMemoryProps);
  });

  test('spill files of an import that was killed are removed by the next one; a running import’s are not', async () => {
    const folder = join(dir, 'abandoned');
    mkdirSync(folder);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const leftBehind = join(folder, `${SPILL_PREFIX}killed`);
    const running = join(folder, `${SPILL_PREFIX}running`);
    for (const [path, pid] of [[leftBehind, dead.stdout], [running, String(process.pid)]]) {
      mkdirSync(path);
      writeFileSync(join(path, 'owner'), pid);
      writeFileSync(join(path, 'part-0'), 'x'.repeat(1000));
    }
    const cache = SessionCache.open(join(folder, 'cache.db'), { create: true });
    try {
      await importFiles(cache, { files: [allCsv], memoryBudgetMb: budgetOf(1000) });
    } finally {
      cache.close();
    }
    assert.deepEqual(readdirSync(folder).filter((f) => f.startsWith(SPILL_PREFIX)), [`${SPILL_PREFIX}running`]);
  });

  test('cancelled after spilling: the cache is as it was and the spill files are gone', async () => {
    const folder = join(dir, 'cancel');
      mkdirSync(folder);
    const cache = SessionCache.open(join(folder, 'cache.db'), { create: true });
    try {
      await importFiles(cache, { files: [refreshCsv] });
      // Several of the reader's 4 MiB chunks, so that progress is reported after spilling began.
      const lines = ['user_id,time,event'];
      for (let i = 0; i < 250_000; i++) lines.push(`u${i % 997},${new Date(Date.UTC(2025, 2, 1) + i * 7_000).toISOString()},open`);
      const large = join(dir, 'large.csv');
      writeFileSync(large, `${lines.join('\n')}\n`);
      const before = join(dir, 'cancel-before.csv');
      exportSessions(cache, before);
      const controller = new AbortController();
      let sawSpill = false;
      await assert.rejects(
        importFiles(cache, {
          files: [large],
          memoryBudgetMb: budgetOf(500),
          signal: controller.signal,
          onProgress: () => {
            if (readdirSync(folder).some((f) => f.startsWith(SPILL_PREFIX))) {
              sawSpill = true;
              controller.abort();
            }
          },
        }),
        ImportCancelled,
      );
      assert.ok(sawSpill, 'the import had spilled before it was cancelled');
      assert.deepEqual(readdirSync(folder).filter((f) => f.startsWith(SPILL_PREFIX)), []);
      const afterCancel = join(dir, 'cancel-after.csv');
      exportSessions(cache, afterCancel);
      assert.equal(readFileSync(afterCancel, 'utf8'), readFileSync(before, 'utf8'));
    } finally {
      cache.close();
    }
  });

  test('the command line takes the budget from SESSION_EXPLORER_IMPORT_BUDGET_MB, and refuses a bad one in one line', async () => {
    const db = join(dir, 'cli.db');
    const spilled = await runCli(['import', allCsv, '--db', db, '--json'], { env: { SESSION_EXPLORER_IMPORT_BUDGET_MB: String(budgetOf(2000)) } });
    assert.equal(spilled.code, 0, spilled.stderr);
    const inMemoryDb = join(dir, 'cli-memory.db');
    const inMemory = await runCli(['import', allCsv, '--db', inMemoryDb, '--json']);
    assert.equal(inMemory.code, 0, inMemory.stderr);
    assert.equal(spilled.stdout, inMemory.stdout, 'the same summary');
    assert.deepEqual(await snapshot(db), await snapshot(inMemoryDb));

    for (const bad of ['lots', '0', '-5']) {
      const args = ['import', allCsv, '--db', join(dir, 'bad.db')];
      const result = await runCli(args, { env: { SESSION_EXPLORER_IMPORT_BUDGET_MB: bad } });
      assertCleanFailure(result, args);
      assert.match(result.stderr, /SESSION_EXPLORER_IMPORT_BUDGET_MB must be a positive number of MiB/);
    }
  });
});
