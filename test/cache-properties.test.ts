/**
 * The cache invariant of SPEC §1 as properties: after any sequence of range imports
 * (insert-overwrite by local day), merges and repeats, the cached sessions and events equal a
 * single full sessionization of the cached events — the exports are byte-identical to a fresh
 * import of the resulting event set and to the naive reference sessionizer — and applying the
 * last operation again changes nothing. A changed definition equals a fresh import under it.
 *
 * Operations go through the library API (what the CLI calls); one small property goes through
 * the CLI's `sessionize`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SessionCache } from '../core/cache/session-cache.ts';
import type { SessionDefinition } from '../core/definition.ts';
import { exportEvents } from '../core/export/export-events.ts';
import { exportSessions } from '../core/export/export-sessions.ts';
import { applyDefinition, importFiles } from '../core/import-files.ts';
import { cliOk, removeTempDir, tempDir } from './support/cli.ts';
import {
  localDate, referenceEventsCsv, referenceSessionsCsv, writeEventsCsv,
  type RefDefinition, type RefEvent, type TimeFormat,
} from './support/reference-sessionizer.ts';

// ---------------------------------------------------------------------------------------------
// Generators

/** The first three are drawn most often, so that code point order (U+FF5E < U+1F600) matters often. */
const USERS = ['u1', '😀', '\uFF5E', 'Ü', 'u2', '=x', 'a,b', '-7'];
const NAMES = ['view', 'click', '$identify', 'buy', '=calc', 'Ünï'];
const TIE_IDS = ['a', 'B', 'é', '\uFF5E', '😀', '-1'];
const ZONES = ['UTC', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
/** First local dates of the ~6-day windows: around the DST changes of New York and Lord Howe. */
const BASES = ['2024-03-08', '2024-04-04', '2024-10-03', '2024-11-01'];
const DAYS = 6;
const DAY_MS = 86_400_000;

const arbThreshold = fc.constantFrom(60_000, 300_000, 1_800_000);
const arbExcluded = fc.constantFrom<string[]>([], ['$identify'], ['$identify', 'buy']);

interface Fields {
  name: number;
  tieId: string | null;
  country: string | null;
  device: string | null;
  os: string | null;
  note: string | null;
}

const arbFields: fc.Arbitrary<Fields> = fc.record({
  name: fc.nat(NAMES.length - 1),
  tieId: fc.option(fc.constantFrom(...TIE_IDS), { freq: 3 }),
  country: fc.constantFrom(null, 'FR', 'DE', '@x'),
  device: fc.constantFrom(null, 'ios', 'android'),
  os: fc.constantFrom(null, 'iOS', '-'),
  note: fc.constantFrom(null, 'n1', 'n2'),
});

type Gap = 'zero' | 'unit' | 't-1' | 't' | 't+1' | 'rand';

interface Burst {
  user: number;
  day: number;
  /** Seconds after UTC midnight of the day, or near a local midnight of one of the zones. */
  startSec: number;
  ms: boolean;
  msStart: number;
  first: Fields;
  steps: Array<{ gap: Gap; permille: number; fields: Fields }>;
}

const arbBurst: fc.Arbitrary<Burst> = fc.record({
  user: fc.oneof({ arbitrary: fc.nat(2), weight: 3 }, { arbitrary: fc.nat(USERS.length - 1), weight: 1 }),
  day: fc.integer({ min: -1, max: DAYS }),
  startSec: fc.oneof(
    fc.integer({ min: 0, max: 86_399 }),
    fc
      .record({ shiftH: fc.constantFrom(0, 4, 5, -10.5, -11, -5.5), delta: fc.integer({ min: -900, max: 900 }) })
      .map(({ shiftH, delta }) => Math.round(shiftH * 3600) + delta),
  ),
  ms: fc.boolean(),
  msStart: fc.integer({ min: 0, max: 999 }),
  first: arbFields,
  steps: fc.array(
    fc.record({
      gap: fc.constantFrom<Gap>('zero', 'zero', 'unit', 't-1', 't', 't+1', 'rand', 'rand'),
      permille: fc.integer({ min: 0, max: 2500 }),
      fields: arbFields,
    }),
    { maxLength: 5 },
  ),
});

interface DupSpec {
  index: number;
  exact: boolean;
  country: string | null;
  device: string | null;
  note: string | null;
}

const arbDup: fc.Arbitrary<DupSpec> = fc.record({
  index: fc.nat(),
  exact: fc.boolean(),
  country: fc.constantFrom(null, 'FR', 'DE', 'AA'),
  device: fc.constantFrom(null, 'ios', 'web'),
  note: fc.constantFrom(null, 'n0', 'n9'),
});

interface World {
  base: string;
  def: RefDefinition;
  events: RefEvent[];
}

function buildEvents(base: string, thresholdMs: number, bursts: Burst[], dups: DupSpec[]): RefEvent[] {
  const baseMs = Date.parse(`${base}T00:00:00Z`);
  const events: RefEvent[] = [];
  const make = (b: number, k: number, user: string, time: number, f: Fields): RefEvent => ({
    user_id: user,
    time_ms: time,
    insert_id: f.tieId ?? `id${b}.${k}`,
    event: NAMES[f.name],
    props: { country: f.country, device: f.device, os: f.os, note: f.note },
  });
  bursts.forEach((burst, b) => {
    const unit = burst.ms ? 1 : 1000;
    let time = baseMs + burst.day * DAY_MS + burst.startSec * 1000 + (burst.ms ? burst.msStart : 0);
    const user = USERS[burst.user];
    events.push(make(b, 0, user, time, burst.first));
    burst.steps.forEach((step, k) => {
      const gap = {
        zero: 0,
        unit,
        't-1': thresholdMs - unit,
        t: thresholdMs,
        't+1': thresholdMs + unit,
        rand: Math.round((thresholdMs * step.permille) / 1000 / unit) * unit,
      }[step.gap];
      time += gap;
      events.push(make(b, k + 1, user, time, step.fields));
    });
  });
  const originals = events.length;
  for (const dup of dups) {
    if (originals === 0) break;
    const source = events[dup.index % originals];
    events.push(
      dup.exact
        ? { ...source, props: { ...source.props } }
        : { ...source, props: { ...source.props, country: dup.country, device: dup.device, note: dup.note } },
    );
  }
  return events;
}

const arbWorld: fc.Arbitrary<World> = fc
  .record({
    base: fc.constantFrom(...BASES),
    thresholdMs: arbThreshold,
    timeZone: fc.constantFrom(...ZONES),
    excluded: arbExcluded,
    bursts: fc.array(arbBurst, { minLength: 1, maxLength: 9 }),
    dups: fc.array(arbDup, { maxLength: 6 }),
  })
  .map(({ base, thresholdMs, timeZone, excluded, bursts, dups }) => ({
    base,
    def: { thresholdMs, timeZone, attributes: ['country', 'device', 'os'], excludedEvents: excluded },
    events: buildEvents(base, thresholdMs, bursts, dups),
  }));

type Format = 'iso' | 'epoch-ms' | 'mixed';
const arbFormat = fc.constantFrom<Format>('iso', 'epoch-ms', 'mixed');

type Op =
  | { kind: 'range'; from: number; length: number; extras: number[]; seed: number; format: Format; reopen: boolean; budget: number | null }
  | { kind: 'merge'; picks: number[]; format: Format; reopen: boolean; budget: number | null }
  | { kind: 'repeat'; back: number };

/** The import's memory budget in events: none, or so small that it spills to disk in partitions. */
const arbBudget = fc.constantFrom<number | null>(null, null, 1, 3, 16);
/** The budget as the import takes it (MiB), for `events` events. */
const budgetMb = (events: number | null): number | undefined => (events === null ? undefined : (events * 256) / 2 ** 20);

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('range' as const),
    from: fc.integer({ min: -1, max: DAYS }),
    length: fc.integer({ min: 0, max: 3 }),
    extras: fc.array(fc.nat(), { maxLength: 4 }),
    seed: fc.nat(),
    format: arbFormat,
    reopen: fc.boolean(),
    budget: arbBudget,
  }),
  fc.record({
    kind: fc.constant('merge' as const),
    picks: fc.array(fc.nat(), { maxLength: 40 }),
    format: arbFormat,
    reopen: fc.boolean(),
    budget: arbBudget,
  }),
  fc.record({ kind: fc.constant('repeat' as const), back: fc.nat() }),
);

// ---------------------------------------------------------------------------------------------
// Helpers

function toDefinition(def: RefDefinition): SessionDefinition {
  return {
    thresholdMs: def.thresholdMs,
    timeZone: def.timeZone,
    attributes: def.attributes.map((name) => ({ name })),
    excludedEvents: def.excludedEvents,
  };
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function timeFormat(format: Format): TimeFormat {
  if (format !== 'mixed') return format;
  // Whole seconds as epoch seconds, the rest alternately ISO and epoch milliseconds.
  return (e, i) => (e.time_ms % 1000 === 0 ? String(e.time_ms / 1000) : i % 2 === 0 ? new Date(e.time_ms).toISOString() : String(e.time_ms));
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = (seed >>> 0) || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A resolved operation: the file written and the range it is authoritative for (null: merge). */
interface Step {
  file: string;
  range: { from: string; to: string } | null;
  reopen: boolean;
  budget: number | null;
  events: RefEvent[];
  label: string;
}

interface Exported {
  sessions: string;
  events: string;
}

function exportBoth(cache: SessionCache, dir: string, tag: string): Exported {
  const s = join(dir, `sessions-${tag}.csv`);
  const e = join(dir, `events-${tag}.csv`);
  exportSessions(cache, s);
  exportEvents(cache, e);
  return { sessions: readFileSync(s, 'utf8'), events: readFileSync(e, 'utf8') };
}

/** One import of `events` into a fresh cache under `def`: the full sessionization. */
async function freshImport(dir: string, tag: string, events: RefEvent[], def: RefDefinition): Promise<Exported> {
  const file = join(dir, `fresh-${tag}.csv`);
  writeEventsCsv(file, events);
  const cache = SessionCache.open(join(dir, `fresh-${tag}.db`), { create: true, definition: toDefinition(def) });
  try {
    await importFiles(cache, { files: [file], range: null });
    return exportBoth(cache, dir, `fresh-${tag}`);
  } finally {
    cache.close();
  }
}

function spilled(budget: number | null): string {
  return budget === null ? '' : `, budget ${budget} events`;
}

function describeSteps(steps: Step[]): string {
  return steps.map((s) => s.label).join(' ; ');
}

// ---------------------------------------------------------------------------------------------
// Properties

/** Runs per property; CACHE_PROPERTY_RUNS=500 (say) hunts longer. */
const runs = (normal: number): number => Number(process.env.CACHE_PROPERTY_RUNS ?? normal);

describe('cache invariant (SPEC §1: caching, incremental fetches, idempotency)', () => {
  test('any sequence of range imports, merges and repeats equals one full sessionization; the last operation is idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, fc.array(arbOp, { minLength: 1, maxLength: 5 }), async (world, ops) => {
        const tmp = tempDir('cache-prop-');
        try {
          const { def, events: universe, base } = world;
          const dateOf = new Map<RefEvent, string>(universe.map((e) => [e, localDate(e.time_ms, def.timeZone)]));
          const steps: Step[] = [];
          ops.forEach((op, i) => {
            if (op.kind === 'repeat') {
              if (steps.length > 0) steps.push(steps[steps.length - 1 - (op.back % steps.length)]);
              return;
            }
            const file = join(tmp, `op${i}.csv`);
            if (op.kind === 'range') {
              const from = addDays(base, op.from);
              const to = addDays(base, op.from + op.length);
              const inside = universe.filter((e) => dateOf.get(e)! >= from && dateOf.get(e)! <= to);
              const outside = universe.filter((e) => !inside.includes(e));
              const extra = outside.length === 0 ? [] : op.extras.map((k) => outside[k % outside.length]);
              const rows = shuffled([...inside, ...extra], op.seed);
              writeEventsCsv(file, rows, { time: timeFormat(op.format) });
              steps.push({ file, range: { from, to }, reopen: op.reopen, budget: op.budget, events: inside, label: `range ${from}..${to} (${inside.length} events, ${extra.length} outside${spilled(op.budget)})` });
            } else {
              const rows = universe.length === 0 ? [] : op.picks.map((k) => universe[k % universe.length]);
              writeEventsCsv(file, rows, { time: timeFormat(op.format) });
              steps.push({ file, range: null, reopen: op.reopen, budget: op.budget, events: rows, label: `merge ${rows.length} rows${spilled(op.budget)}` });
            }
          });
          if (steps.length === 0) return;

          // The model: the multiset of cached events.
          let cached: RefEvent[] = [];
          const dbPath = join(tmp, 'cache.db');
          let cache = SessionCache.open(dbPath, { create: true, definition: toDefinition(def) });
          try {
            for (const step of steps) {
              if (step.reopen) {
                cache.close();
                cache = SessionCache.open(dbPath);
              }
              await importFiles(cache, { files: [step.file], range: step.range, memoryBudgetMb: budgetMb(step.budget) });
              if (step.range !== null) {
                const { from, to } = step.range;
                cached = cached.filter((e) => {
                  const d = localDate(e.time_ms, def.timeZone);
                  return d < from || d > to;
                });
              }
              cached = [...cached, ...step.events];
            }
            const final = exportBoth(cache, tmp, 'final');
            const context = `definition ${JSON.stringify(def)}; steps: ${describeSteps(steps)}`;

            const fresh = await freshImport(tmp, 'model', cached, def);
            assert.equal(final.sessions, fresh.sessions, `sessions differ from a fresh import of the cached events; ${context}`);
            assert.equal(final.events, fresh.events, `events differ from a fresh import of the cached events; ${context}`);
            assert.equal(final.sessions, referenceSessionsCsv(cached, def), `sessions differ from the reference; ${context}`);
            assert.equal(final.events, referenceEventsCsv(cached, def), `events differ from the reference; ${context}`);

            const last = steps[steps.length - 1];
            await importFiles(cache, { files: [last.file], range: last.range, memoryBudgetMb: budgetMb(last.budget) });
            const again = exportBoth(cache, tmp, 'again');
            assert.equal(again.sessions, final.sessions, `repeating the last operation changed the sessions; ${context}`);
            assert.equal(again.events, final.events, `repeating the last operation changed the events; ${context}`);
          } finally {
            cache.close();
          }
        } finally {
          removeTempDir(tmp);
        }
      }),
      { numRuns: runs(40) },
    );
  });

  test('the import order of the same files does not matter (merges commute)', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, fc.array(fc.array(fc.nat(), { maxLength: 25 }), { minLength: 2, maxLength: 4 }), fc.nat(), async (world, chunks, seed) => {
        const tmp = tempDir('cache-prop-');
        try {
          const { def, events: universe } = world;
          const files = chunks.map((picks, i) => {
            const file = join(tmp, `chunk${i}.csv`);
            writeEventsCsv(file, universe.length === 0 ? [] : picks.map((k) => universe[k % universe.length]));
            return file;
          });
          const results: Exported[] = [];
          for (const [tag, order] of [['a', files], ['b', shuffled(files, seed).reverse()]] as const) {
            const cache = SessionCache.open(join(tmp, `${tag}.db`), { create: true, definition: toDefinition(def) });
            try {
              for (const file of order) await importFiles(cache, { files: [file], range: null });
              results.push(exportBoth(cache, tmp, tag));
            } finally {
              cache.close();
            }
          }
          assert.equal(results[0].sessions, results[1].sessions);
          assert.equal(results[0].events, results[1].events);
          const all = chunks.flatMap((picks) => (universe.length === 0 ? [] : picks.map((k) => universe[k % universe.length])));
          assert.equal(results[0].sessions, referenceSessionsCsv(all, def));
        } finally {
          removeTempDir(tmp);
        }
      }),
      { numRuns: runs(25) },
    );
  });
});

describe('definition changes (sessionize --threshold / --tz / --exclude-events)', () => {
  const arbChange = fc.record({
    thresholdMs: arbThreshold,
    timeZone: fc.constantFrom(...ZONES),
    excluded: arbExcluded,
    /** A range import after the change, authoritative for these days of the window (in the new zone). */
    after: fc.option(fc.record({ from: fc.integer({ min: -1, max: DAYS }), length: fc.integer({ min: 0, max: 2 }) }), { nil: undefined }),
  });

  test('a re-sessionized cache equals a fresh import under the new definition (library API)', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, arbChange, fc.integer({ min: 0, max: DAYS }), async (world, change, split) => {
        const tmp = tempDir('cache-prop-');
        try {
          const { def, events: universe, base } = world;
          const def2: RefDefinition = { ...def, thresholdMs: change.thresholdMs, timeZone: change.timeZone, excludedEvents: change.excluded };
          // Build the cache in two imports: a merge of everything, then a range import of some days.
          const all = join(tmp, 'all.csv');
          writeEventsCsv(all, universe);
          const from = addDays(base, split);
          const to = addDays(base, DAYS);
          const part = join(tmp, 'part.csv');
          writeEventsCsv(part, universe, { time: 'epoch-ms' });
          const cache = SessionCache.open(join(tmp, 'cache.db'), { create: true, definition: toDefinition(def) });
          try {
            await importFiles(cache, { files: [all], range: null });
            await importFiles(cache, { files: [part], range: { from, to } });
            applyDefinition(cache, toDefinition(def2));
            const changed = exportBoth(cache, tmp, 'changed');
            const context = `from ${JSON.stringify(def)} to ${JSON.stringify(def2)}`;
            const fresh = await freshImport(tmp, 'def2', universe, def2);
            assert.equal(changed.sessions, fresh.sessions, `sessions differ from a fresh import; ${context}`);
            assert.equal(changed.events, fresh.events, `events differ from a fresh import; ${context}`);
            assert.equal(changed.sessions, referenceSessionsCsv(universe, def2), `sessions differ from the reference; ${context}`);

            // The changed definition is the stored one: later range imports use its zone.
            if (change.after !== undefined) {
              const rFrom = addDays(base, change.after.from);
              const rTo = addDays(base, change.after.from + change.after.length);
              const inRange = (e: RefEvent) => {
                const d = localDate(e.time_ms, def2.timeZone);
                return d >= rFrom && d <= rTo;
              };
              const kept = universe.filter((e) => !inRange(e));
              // The fetched days now hold only every other event of theirs.
              const fetched = universe.filter(inRange).filter((_, i) => i % 2 === 0);
              const file = join(tmp, 'after.csv');
              writeEventsCsv(file, fetched);
              await importFiles(cache, { files: [file], range: { from: rFrom, to: rTo } });
              const after = exportBoth(cache, tmp, 'after');
              const model = [...kept, ...fetched];
              assert.equal(after.sessions, referenceSessionsCsv(model, def2), `after a range import ${rFrom}..${rTo}; ${context}`);
              assert.equal(after.events, referenceEventsCsv(model, def2), `after a range import ${rFrom}..${rTo}; ${context}`);
            }
          } finally {
            cache.close();
          }
        } finally {
          removeTempDir(tmp);
        }
      }),
      { numRuns: runs(30) },
    );
  });

  test('sessionize --threshold/--tz/--exclude-events through the CLI equals a fresh import', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, arbChange, async (world, change) => {
        const tmp = tempDir('cache-prop-');
        try {
          const { def, events: universe } = world;
          const def2: RefDefinition = { ...def, thresholdMs: change.thresholdMs, timeZone: change.timeZone, excludedEvents: change.excluded };
          const file = join(tmp, 'all.csv');
          writeEventsCsv(file, universe);
          const db = join(tmp, 'cache.db');
          const cache = SessionCache.open(db, { create: true, definition: toDefinition(def) });
          try {
            await importFiles(cache, { files: [file], range: null });
          } finally {
            cache.close();
          }
          await cliOk([
            'sessionize', '--db', db, '--threshold', `${change.thresholdMs / 1000}s`, '--tz', change.timeZone,
            '--exclude-events', change.excluded.join(','),
          ]);
          const reopened = SessionCache.open(db);
          let changed: Exported;
          try {
            assert.equal(reopened.definition.thresholdMs, def2.thresholdMs);
            assert.equal(reopened.definition.timeZone, def2.timeZone);
            changed = exportBoth(reopened, tmp, 'changed');
          } finally {
            reopened.close();
          }
          const fresh = await freshImport(tmp, 'def2', universe, def2);
          assert.equal(changed.sessions, fresh.sessions);
          assert.equal(changed.events, fresh.events);
          assert.equal(changed.sessions, referenceSessionsCsv(universe, def2));
        } finally {
          removeTempDir(tmp);
        }
      }),
      { numRuns: Math.min(runs(6), 40) },
    );
  });
});
