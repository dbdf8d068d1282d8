// Incremental runs on DuckDB, insert_overwrite emulated: a full run on the first days, then
// more days plus changed data inside the lookback window (late arrivals, updated attributes,
// events that disappeared, a whole day emptied) and an incremental run. The result must equal
// the core's full sessionization of all the data, ids included; rerunning changes nothing;
// a backfill var reaches further back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../support/cli.ts';
import { assertSameEvents, assertSameSessions } from './support/compare.ts';
import { coreExports } from './support/core-sessions.ts';
import type { DbtProject } from './support/dbt-render.ts';
import { DuckDbWarehouse } from './support/duckdb-warehouse.ts';
import { ATTRIBUTES, MIXPANEL_MAPPING, generatedProject, mixpanelDefinition } from './support/fixtures.ts';
import { demoEvents, idlessTies, localDate, marchEdgeCases, type TestEvent } from './support/test-events.ts';

/** Noon in New York on the first run's day (window last day 03-11) and on the second's. */
const FIRST_RUN = new Date('2025-03-10T17:00:00Z');
const SECOND_RUN = new Date('2025-03-12T16:00:00Z');
/** The second run's window: 03-08 (four days back) through 03-13. */
const LOOKBACK_DAYS = 4;

interface Scenario {
  /** What the source holds at the first run. */
  first: TestEvent[];
  /** What it holds at the second: differs from `first` only on dates of the second window. */
  second: TestEvent[];
}

function scenario(): Scenario {
  const demo = demoEvents({ users: 120, days: 12, seed: 5 });
  // (The edge cases hold one such tie on purpose, placed where its order cannot show.)
  assert.deepEqual(idlessTies(demo), [], 'id-less ties would be ordered by two different hashes');
  const base = [...demo, ...marchEdgeCases()];
  const dated = base.map((event, index) => ({ event, index, date: localDate(event) }));
  const first: TestEvent[] = [];
  for (const { event, index, date } of dated) {
    if (date !== null && date > '2025-03-11') continue; // not there yet
    if (date === '2025-03-08' && index % 5 === 0) continue; // arrives late
    if (date === '2025-03-09' && index % 4 === 0) {
      first.push({ ...event, props: { ...event.props, mp_country_code: 'ZZ', $os: null } }); // updated later
      continue;
    }
    first.push(event);
    if (date === '2025-03-09' && index % 7 === 0 && event.time !== null) {
      // Deleted later: an event 7 minutes after, which can join or split sessions.
      first.push({ ...event, insertId: `stale-${index}`, time: new Date(Date.parse(event.time) + 420_000).toISOString() });
    }
  }
  // 2025-03-10 disappears entirely: its partitions must be emptied, not kept.
  const second = dated.filter(({ date }) => date !== '2025-03-10').map(({ event }) => event);
  return { first, second };
}

describe('incremental runs on DuckDB (insert_overwrite emulated)', () => {
  const dir = tempDir('dbt-incremental-');
  const definition = mixpanelDefinition();
  const { first, second } = scenario();
  let warehouse: DuckDbWarehouse;
  let project: DbtProject;

  before(async () => {
    project = generatedProject(join(dir, 'project'), definition, MIXPANEL_MAPPING, LOOKBACK_DAYS);
    warehouse = await DuckDbWarehouse.open(dir);
  });
  after(() => warehouse?.close());

  test('the first (full) run equals the core on the first data', async () => {
    await warehouse.loadMixpanelSource(first);
    await warehouse.run(project, { now: FIRST_RUN });
    const core = await coreExports(first, definition, 'mixpanel', dir);
    assertSameSessions(await warehouse.sessions(ATTRIBUTES), core.sessions, ATTRIBUTES);
    assertSameEvents(await warehouse.journey(ATTRIBUTES), core.events, ATTRIBUTES);
  });

  test('an incremental run over the lookback window equals the core on all the data, ids included', async () => {
    const before = await warehouse.sessions(ATTRIBUTES);
    await warehouse.loadMixpanelSource(second);
    await warehouse.run(project, { now: SECOND_RUN });
    const core = await coreExports(second, definition, 'mixpanel', dir);
    const sessions = await warehouse.sessions(ATTRIBUTES);
    assertSameSessions(sessions, core.sessions, ATTRIBUTES);
    assertSameEvents(await warehouse.journey(ATTRIBUTES), core.events, ATTRIBUTES);
    // The run did replace something: sessions of 03-10 are gone, later ones renumbered.
    assert.ok(before.some((s) => s.start_date === '2025-03-10'));
    assert.ok(!sessions.some((s) => s.start_date === '2025-03-10'));
    assert.ok(sessions.some((s) => s.start_date === '2025-03-12'));
    for (const [file, count] of Object.entries(await warehouse.testFailures(project, SECOND_RUN))) assert.equal(count, 0, file);
  });

  test('running it again changes nothing', async () => {
    const snapshot = async () => ({
      sessions: await warehouse.sessions(ATTRIBUTES),
      journey: await warehouse.journey(ATTRIBUTES),
      bridge: await warehouse.bridge(),
    });
    const once = await snapshot();
    await warehouse.run(project, { now: SECOND_RUN });
    const twice = await snapshot();
    const sortKey = (rows: Array<Record<string, string>>) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(sortKey(twice.sessions), sortKey(once.sessions));
    assert.deepEqual(sortKey(twice.journey), sortKey(once.journey));
    assert.deepEqual(twice.bridge, once.bridge);
  });

  test('a backfill (session_explorer_window_start) reaches changes older than the lookback', async () => {
    // Some events of 03-03 vanish: outside the regular window, inside the backfill's.
    const changed = second.filter((e, i) => !(localDate(e) === '2025-03-03' && i % 3 === 0));
    assert.ok(changed.length < second.length);
    await warehouse.loadMixpanelSource(changed);
    await warehouse.run(project, { now: SECOND_RUN, vars: { session_explorer_window_start: '2025-03-02' } });
    const core = await coreExports(changed, definition, 'mixpanel', dir);
    assertSameSessions(await warehouse.sessions(ATTRIBUTES), core.sessions, ATTRIBUTES);
    assertSameEvents(await warehouse.journey(ATTRIBUTES), core.events, ATTRIBUTES);
  });
});
