// The generated models rendered for DuckDB and run on generated data produce exactly the core's
// sessions (and the journey model exactly the core's events CSV), for both source layouts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../support/cli.ts';
import { assertSameEvents, assertSameSessions } from './support/compare.ts';
import { coreExports, type CoreExports } from './support/core-sessions.ts';
import type { DbtProject } from './support/dbt-render.ts';
import { DuckDbWarehouse } from './support/duckdb-warehouse.ts';
import {
  ATTRIBUTES, FLAT_MAPPING, MIXPANEL_MAPPING, flatDefinition, generatedProject, mixpanelDefinition,
} from './support/fixtures.ts';
import { demoEvents, idlessTies, marchEdgeCases, novemberEdgeCases, type TestEvent } from './support/test-events.ts';

/** After every event, so the window's last day (tomorrow) leaves nothing out. */
const NOW = new Date('2025-11-10T15:00:00Z');

for (const layout of ['mixpanel', 'flat'] as const) {
  describe(`a full run on DuckDB (${layout} layout)`, () => {
    const dir = tempDir('dbt-full-');
    let warehouse: DuckDbWarehouse;
    let core: CoreExports;
    let project: DbtProject;

    before(async () => {
      const definition = layout === 'mixpanel' ? mixpanelDefinition() : flatDefinition();
      project = generatedProject(join(dir, 'project'), definition, layout === 'mixpanel' ? MIXPANEL_MAPPING : FLAT_MAPPING);
      const demo = demoEvents({ users: layout === 'mixpanel' ? 150 : 60, days: layout === 'mixpanel' ? 12 : 5, seed: 11 });
      assert.deepEqual(idlessTies(demo), [], 'id-less ties would be ordered by two different hashes');
      const events: TestEvent[] = [...demo, ...marchEdgeCases(), ...novemberEdgeCases()];
      core = await coreExports(events, definition, layout, dir);
      warehouse = await DuckDbWarehouse.open(dir);
      if (layout === 'mixpanel') await warehouse.loadMixpanelSource(events);
      else await warehouse.loadFlatSource(events);
      await warehouse.run(project, { now: NOW });
    });
    after(() => warehouse?.close());

    test('dim_sessions equals the core sessions, row for row', async () => {
      assertSameSessions(await warehouse.sessions(ATTRIBUTES), core.sessions, ATTRIBUTES);
    });

    test('fct_user_journey carries the core session_id of every event', async () => {
      assertSameEvents(await warehouse.journey(ATTRIBUTES), core.events, ATTRIBUTES);
    });

    test('the edge cases come out as the definition says', async () => {
      const sessions = await warehouse.sessions(ATTRIBUTES);
      const of = (user: string) => sessions.filter((s) => s.user_id === user).sort((a, b) => Number(a.session_id) - Number(b.session_id));
      const tie = of('edge_tie');
      assert.equal(tie.length, 1);
      // Code point order B < a < b < h:… < é < same(alpha) < same(zeta) < ｡ < 😀.
      assert.equal(tie[0].first_event, 'e_B');
      assert.equal(tie[0].last_event, 'e_smile');
      assert.deepEqual([tie[0].country, tie[0].device, tie[0].os, tie[0].plan], ['SE', 'iPad', 'Android', 'free']);
      assert.deepEqual(of('edge_dup').map((s) => [s.event_count, s.country, s.os]), [['3', 'FR', 'iOS']]);
      assert.deepEqual(of('edge_noid').map((s) => s.event_count), ['4']);
      assert.deepEqual(of('edge_excl').map((s) => [s.first_event, s.country]), [['open', ''], ['click', 'AR']]);
      assert.deepEqual(of('edge_gap').map((s) => [s.event_count, s.session_duration_secs]), [['2', '1800'], ['2', '1']]);
      assert.deepEqual(of('edge_ms').map((s) => [s.start_time, s.session_duration_secs]), [['2025-03-04T12:00:00.000Z', '1']]);
      assert.deepEqual(of('edge_dst').map((s) => s.start_date), ['2025-03-08', '2025-03-09', '2025-03-09', '2025-03-09', '2025-03-10']);
      assert.deepEqual(of('edge_fall').map((s) => s.start_date), ['2025-11-02', '2025-11-02', '2025-11-02', '2025-11-03']);
      assert.deepEqual(of('edge_null').map((s) => [s.country, s.device, s.os]), [['NL', 'Mac', ''], ['', '', '']]);
      assert.deepEqual(of('edge_rejected').map((s) => s.first_event), ['']);
    });

    test('the singular data tests pass', async () => {
      const failures = await warehouse.testFailures(project, NOW);
      assert.ok(Object.keys(failures).length >= 2);
      for (const [file, count] of Object.entries(failures)) assert.equal(count, 0, file);
    });
  });
}
