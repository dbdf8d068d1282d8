// The crash test (SPEC §6): a process killed mid-import leaves a cache that passes
// `PRAGMA integrity_check` and holds either all or none of that import, and nothing committed
// before it is lost. The CLI imports a large second file into a cache built from a first one and
// is SIGKILLed at several moments: while it reads, while SQLite writes the transaction (seen as
// the WAL growing, early, halfway and late), and right after it reported success. A first import
// into a new cache (written behind a rollback journal) is killed while it writes, too.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { cliOk, collect, exportText, sha256, spawnCli, tempDir, type CliResult } from '../support/cli.ts';

/** Events in the large second file: enough for a reading phase of seconds and a write phase of hundreds of ms. */
const BIG_EVENTS = 800_000;

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['DE', 'FR', 'US', 'BR', 'JP', 'IN', ''];
const DEVICES = ['iPhone', 'Android', 'Desktop', ''];
const EVENTS = ['open', 'view', 'click', 'search', 'add_to_cart', 'buy', 'close'];

/**
 * Writes a CSV of about `target` events of users `${prefix}N`: sessions of a few to a dozen
 * events seconds apart, several sessions a day, over 10 days from 2025-03-01.
 */
function writeEventsCsv(path: string, prefix: string, users: number, target: number, seed: number): number {
  const rnd = prng(seed);
  const fd = openSync(path, 'w');
  let buffer: string[] = ['user_id,time,event,insert_id,country,device,os'];
  let count = 0;
  const start = Date.UTC(2025, 2, 1);
  try {
    outer: for (let day = 0; ; day = (day + 1) % 10) {
      for (let u = 0; u < users; u++) {
        if (rnd() < 0.5) continue;
        const sessions = 1 + Math.floor(rnd() * 3);
        for (let s = 0; s < sessions; s++) {
          let t = start + day * 86_400_000 + Math.floor(rnd() * 86_400_000);
          const events = 1 + Math.floor(rnd() * 12);
          for (let e = 0; e < events; e++) {
            t += Math.floor(rnd() * 120_000);
            count++;
            buffer.push(
              `${prefix}${u},${new Date(t).toISOString()},${EVENTS[count % EVENTS.length]},${prefix}-${count},${COUNTRIES[u % COUNTRIES.length]},${DEVICES[u % DEVICES.length]},`,
            );
            if (count >= target) break outer;
          }
          if (buffer.length >= 20_000) {
            writeSync(fd, `${buffer.join('\n')}\n`);
            buffer = [];
          }
        }
      }
    }
    writeSync(fd, `${buffer.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return count;
}

interface CacheState {
  integrity: string;
  /** Row count of every table, by name: schema-agnostic evidence of all or none. */
  counts: Record<string, number>;
  sessionsHash: string;
  /** Sessions rows of the first file's users. */
  firstUsersSessions: string;
}

function copyCache(from: string, to: string): void {
  copyFileSync(from, to);
  for (const suffix of ['-wal', '-shm']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

/** Opens the cache with SQLite itself (recovering the WAL), checks integrity, counts rows, exports sessions. */
async function inspect(db: string): Promise<CacheState> {
  const sqlite = new Database(db);
  let integrity: string;
  const counts: Record<string, number> = {};
  try {
    integrity = (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const table of tables) counts[table] = sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
  } finally {
    sqlite.close();
  }
  const sessions = await exportText(db, 'sessions');
  const firstUsersSessions = sessions
    .split('\n')
    .filter((line) => line.startsWith('first'))
    .join('\n');
  return { integrity, counts, sessionsHash: sha256(sessions), firstUsersSessions };
}

type Trigger =
  | { kind: 'time'; ms: number }
  | { kind: 'wal'; bytes: number }
  | { kind: 'stdout' };

interface KillOutcome {
  result: CliResult;
  killed: boolean;
  killedAtMs: number | null;
  walAtKill: number;
}

function walSize(db: string): number {
  try {
    return statSync(`${db}-wal`).size;
  } catch {
    return 0;
  }
}

/** Starts `import BIG --db db` and SIGKILLs it when the trigger fires. */
async function importAndKill(big: string, db: string, trigger: Trigger): Promise<KillOutcome> {
  const child = spawnCli(['import', big, '--db', db, '--json']);
  const done = collect(child);
  const start = performance.now();
  let killedAtMs: number | null = null;
  let walAtKill = 0;
  const kill = () => {
    if (killedAtMs !== null || child.exitCode !== null || child.signalCode !== null) return;
    walAtKill = walSize(db);
    if (child.kill('SIGKILL')) killedAtMs = Math.round(performance.now() - start);
  };
  let timer: NodeJS.Timeout | undefined;
  if (trigger.kind === 'time') timer = setTimeout(kill, trigger.ms);
  else if (trigger.kind === 'wal') {
    timer = setInterval(() => {
      if (walSize(db) > trigger.bytes) kill();
    }, 1);
  } else child.stdout!.once('data', kill);
  const result = await done;
  clearTimeout(timer);
  clearInterval(timer);
  return { result, killed: result.signal === 'SIGKILL', killedAtMs, walAtKill };
}

describe('SIGKILL during import', () => {
  const ctx = {
    dir: '',
    big: '',
    bigEvents: 0,
    base: '',
    baseState: null as CacheState | null,
    baseEvents: '',
    fullState: null as CacheState | null,
    fullMs: 0,
    peakWal: 0,
  };

  before(async () => {
    ctx.dir = tempDir('se-crash-');
    const first = join(ctx.dir, 'first.csv');
    writeEventsCsv(first, 'first', 200, 3_000, 1);
    ctx.big = join(ctx.dir, 'second.csv');
    ctx.bigEvents = writeEventsCsv(ctx.big, 'big', 15_000, BIG_EVENTS, 2);
    ctx.base = join(ctx.dir, 'base.db');
    await cliOk(['import', first, '--db', ctx.base]);
    const probe = join(ctx.dir, 'base-probe.db');
    copyCache(ctx.base, probe);
    ctx.baseState = await inspect(probe);
    ctx.baseEvents = await exportText(probe, 'events');
    assert.equal(ctx.baseState.integrity, 'ok');
    assert.ok(ctx.baseState.firstUsersSessions.length > 0);

    // The completed import, in another cache: what "all" looks like. Its peak WAL size tells
    // when the write phase is half done.
    const full = join(ctx.dir, 'full.db');
    copyCache(ctx.base, full);
    const started = performance.now();
    const child = spawnCli(['import', ctx.big, '--db', full, '--json']);
    const poll = setInterval(() => (ctx.peakWal = Math.max(ctx.peakWal, walSize(full))), 2);
    const result = await collect(child);
    clearInterval(poll);
    ctx.fullMs = performance.now() - started;
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { imported: number };
    assert.equal(summary.imported, ctx.bigEvents);
    ctx.fullState = await inspect(full);
    assert.equal(ctx.fullState.integrity, 'ok');
    assert.ok(ctx.peakWal > 1_000_000, `the write phase wrote a WAL (peak ${ctx.peakWal} bytes)`);
  });

  let trial = 0;
  async function crashTrial(t: { diagnostic: (s: string) => void }, trigger: Trigger): Promise<{ outcome: KillOutcome; state: 'all' | 'none'; db: string }> {
    const db = join(ctx.dir, `trial-${++trial}.db`);
    copyCache(ctx.base, db);
    const outcome = await importAndKill(ctx.big, db, trigger);
    const { result } = outcome;
    if (!outcome.killed) {
      assert.equal(result.code, 0, `the import was not killed and failed: ${result.stderr}`);
    }
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    const after = await inspect(db);
    assert.equal(after.integrity, 'ok', 'PRAGMA integrity_check after SIGKILL');
    const base = ctx.baseState!;
    const full = ctx.fullState!;
    let state: 'all' | 'none';
    if (JSON.stringify(after.counts) === JSON.stringify(base.counts)) state = 'none';
    else if (JSON.stringify(after.counts) === JSON.stringify(full.counts)) state = 'all';
    else {
      assert.fail(
        `the cache holds part of the killed import: table rows ${JSON.stringify(after.counts)}, ` +
          `before ${JSON.stringify(base.counts)}, complete ${JSON.stringify(full.counts)}`,
      );
    }
    assert.equal(after.sessionsHash, (state === 'none' ? base : full).sessionsHash, `sessions export is not exactly the '${state}' state`);
    assert.equal(after.firstUsersSessions, base.firstUsersSessions, "the first import's sessions changed");
    if (state === 'none') assert.equal(await exportText(db, 'events'), ctx.baseEvents, "the first import's events changed");
    t.diagnostic(
      `trigger ${JSON.stringify(trigger)}: ${outcome.killed ? `killed at ${outcome.killedAtMs} ms, WAL ${outcome.walAtKill} bytes` : `finished first (exit ${result.code})`}; ` +
        `cache holds ${state} of the import (complete import took ${Math.round(ctx.fullMs)} ms, peak WAL ${ctx.peakWal} bytes)`,
    );
    return { outcome, state, db };
  }

  test('killed after 300 ms (reading)', async (t) => {
    await crashTrial(t, { kind: 'time', ms: 300 });
  });

  test('killed after 1 s', async (t) => {
    await crashTrial(t, { kind: 'time', ms: 1000 });
  });

  test('killed after 2 s', async (t) => {
    await crashTrial(t, { kind: 'time', ms: 2000 });
  });

  test('killed at a random moment', async (t) => {
    const ms = Math.round(Math.random() * ctx.fullMs);
    await crashTrial(t, { kind: 'time', ms });
  });

  test('killed as SQLite starts writing the transaction (WAL past 1 MB); the cache then takes the import again', async (t) => {
    const { outcome, state, db } = await crashTrial(t, { kind: 'wal', bytes: 1_000_000 });
    assert.ok(outcome.killed, 'the kill landed during the write phase');
    assert.ok(outcome.walAtKill > 1_000_000);
    if (state === 'none') {
      // Recovery leaves a usable cache: the same import now completes and equals the reference.
      const summary = JSON.parse((await cliOk(['import', ctx.big, '--db', db, '--json'])).stdout) as { imported: number };
      assert.equal(summary.imported, ctx.bigEvents);
      const again = await inspect(db);
      assert.equal(again.integrity, 'ok');
      assert.equal(again.sessionsHash, ctx.fullState!.sessionsHash);
    }
  });

  test('killed halfway through the write phase (WAL at half its peak size)', async (t) => {
    const { outcome } = await crashTrial(t, { kind: 'wal', bytes: ctx.peakWal / 2 });
    assert.ok(outcome.killed, 'the kill landed during the write phase');
  });

  test('killed late in the write phase (WAL at 90% of its peak size)', async (t) => {
    const { outcome } = await crashTrial(t, { kind: 'wal', bytes: ctx.peakWal * 0.9 });
    assert.ok(outcome.killed, 'the kill landed during the write phase');
  });

  // A first import into a new cache writes through a rollback journal instead of the WAL
  // (SessionCache.fillTransaction): killed while the journal exists, the cache must open sound
  // and empty, and take the import again.
  describe('filling a new cache', () => {
    const fresh = { reference: null as CacheState | null, journalMs: 0 };
    const journalExists = (db: string) => existsSync(`${db}-journal`);
    /**
     * True while the import fills the cache: the new cache is in WAL mode while the CLI reads
     * (making it in WAL mode may itself pass through a journal, briefly); the fill then puts it
     * in rollback-journal mode, which removes the WAL.
     */
    const fillWatch = (db: string) => {
      let walSeen = false;
      return () => {
        walSeen ||= existsSync(`${db}-wal`);
        return walSeen && journalExists(db);
      };
    };

    before(async () => {
      const db = join(ctx.dir, 'fresh-reference.db');
      const child = spawnCli(['import', ctx.big, '--db', db, '--json']);
      const filling = fillWatch(db);
      let seenAt: number | null = null;
      const poll = setInterval(() => {
        if (filling()) {
          seenAt ??= performance.now();
          fresh.journalMs = performance.now() - seenAt;
        }
      }, 1);
      const result = await collect(child);
      clearInterval(poll);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(seenAt !== null, 'the first import wrote behind a rollback journal');
      assert.ok(!journalExists(db), 'the journal is gone after the commit');
      fresh.reference = await inspect(db);
    });

    async function killWhileFilling(t: { diagnostic: (s: string) => void }, fraction: number): Promise<void> {
      const db = join(ctx.dir, `fresh-trial-${++trial}.db`);
      const child = spawnCli(['import', ctx.big, '--db', db, '--json']);
      const done = collect(child);
      const filling = fillWatch(db);
      let seenAt: number | null = null;
      const poll = setInterval(() => {
        if (seenAt === null && filling()) seenAt = performance.now();
        if (seenAt !== null && performance.now() - seenAt >= fraction * fresh.journalMs) child.kill('SIGKILL');
      }, 1);
      const result = await done;
      clearInterval(poll);
      assert.equal(result.signal, 'SIGKILL', `the kill landed while the cache was being filled (exit ${result.code})`);
      const after = await inspect(db);
      assert.equal(after.integrity, 'ok', 'PRAGMA integrity_check after SIGKILL');
      for (const table of ['users', 'user_days', 'sessions', 'imports']) assert.equal(after.counts[table], 0, `${table} is empty again`);
      t.diagnostic(`killed ${Math.round(fraction * fresh.journalMs)} ms into a write phase of about ${Math.round(fresh.journalMs)} ms; the cache is empty and sound`);
      await cliOk(['import', ctx.big, '--db', db, '--json']);
      const again = await inspect(db);
      assert.equal(again.integrity, 'ok');
      assert.equal(again.sessionsHash, fresh.reference!.sessionsHash, 'the import taken again equals an uninterrupted one');
    }

    test('killed as it starts writing', async (t) => {
      await killWhileFilling(t, 0);
    });

    test('killed halfway through writing', async (t) => {
      await killWhileFilling(t, 0.5);
    });
  });

  test('killed right after it reports success: all of it is kept', async (t) => {
    const { state } = await crashTrial(t, { kind: 'stdout' });
    assert.equal(state, 'all', 'a reported import was lost');
  });
});

// Keep the generator honest: the file has the requested size and is a valid CSV for the CLI.
test('the generated file is what the crash test thinks it is', () => {
  const dir = tempDir('se-crash-gen-');
  const path = join(dir, 'small.csv');
  assert.equal(writeEventsCsv(path, 'x', 10, 1234, 3), 1234);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 1235);
  assert.ok(lines.every((line) => line.split(',').length === 7));
});
