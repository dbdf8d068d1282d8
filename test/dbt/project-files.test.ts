// writeDbtProject: the files it writes, the definition carried as vars defaults, the source,
// and one-line UserErrors for bad folders and bad names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAT_MAPPING, MIXPANEL_MAPPING } from '../../core/bigquery/column-mapping.ts';
import { defaultDefinition, type SessionDefinition } from '../../core/definition.ts';
import { writeDbtProject, type DbtExportOptions } from '../../core/export/dbt/dbt-project.ts';
import { yamlString } from '../../core/export/dbt/yaml-text.ts';
import { UserError } from '../../core/util/user-error.ts';
import { tempDir } from '../support/cli.ts';
import { mixpanelDefinition } from './support/fixtures.ts';
import { parseProjectVars } from './support/project-vars.ts';
import { ODD_EXCLUDED_EVENT } from './support/test-events.ts';

function options(outDir: string, overrides: Partial<DbtExportOptions> = {}): DbtExportOptions {
  return { definition: mixpanelDefinition(), mapping: MIXPANEL_MAPPING, source: 'my-project.analytics.mp_master_event', lookbackDays: 7, outDir, ...overrides };
}

/** A UserError with a one-line message matching `pattern`. */
function assertUserError(work: () => unknown, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof UserError, `not a UserError: ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('writeDbtProject', () => {
  test('writes the project: config, README, sources, schema, three models, macros, tests', () => {
    const dir = join(tempDir('dbt-files-'), 'out');
    const { files } = writeDbtProject(options(dir));
    const relative = files.map((f) => f.slice(dir.length + 1)).sort();
    assert.deepEqual(relative, [
      'README.md', 'dbt_project.yml',
      'macros/session_explorer_dialect.sql', 'macros/session_explorer_sessions.sql', 'macros/session_explorer_window.sql',
      'models/bridge_user_day_sessions.sql', 'models/dim_sessions.sql', 'models/fct_user_journey.sql',
      'models/schema.yml', 'models/sources.yml',
      'tests/session_explorer_bridge_matches_sessions.sql', 'tests/session_explorer_consecutive_session_ids.sql',
    ]);
  });

  test("carries the definition's values as vars defaults", () => {
    const dir = tempDir('dbt-vars-');
    writeDbtProject(options(dir, { lookbackDays: 5 }));
    const vars = parseProjectVars(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'));
    assert.deepEqual(vars, {
      session_explorer_threshold_ms: 1_800_000,
      session_explorer_time_zone: 'America/New_York',
      session_explorer_excluded_events: ['$identify', ODD_EXCLUDED_EVENT],
      session_explorer_attributes: [
        { name: 'country', properties: ['mp_country_code', 'country'] },
        { name: 'device', properties: ['$device', 'device'] },
        { name: 'os', properties: ['$os', 'os'] },
        { name: 'plan', properties: ["user's plan"] },
      ],
      session_explorer_source_columns: { user: 'distinct_id', time: 'time', event: 'event_name', insert_id: 'insert_id', properties: 'properties' },
      session_explorer_lookback_days: 5,
    });
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.match(readme, /session_explorer_threshold_ms: 1800000 {3}# 30m/);
    assert.match(readme, /my-project\.analytics\.mp_master_event/);
  });

  test('flat tables read attributes from columns, and no insert id column is allowed', () => {
    const dir = tempDir('dbt-flat-');
    const definition: SessionDefinition = { ...defaultDefinition(), attributes: [{ name: 'country' }, { name: 'plan', source: 'subscription_plan' }] };
    writeDbtProject(options(dir, { definition, mapping: { ...FLAT_MAPPING, insertId: null } }));
    const vars = parseProjectVars(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'));
    assert.deepEqual(vars.session_explorer_attributes, [{ name: 'country', column: 'country' }, { name: 'plan', column: 'subscription_plan' }]);
    assert.deepEqual(vars.session_explorer_source_columns, { user: 'user_id', time: 'time', event: 'event', insert_id: null, properties: null });
    assert.deepEqual(vars.session_explorer_excluded_events, []);
  });

  test('points the source at PROJECT.DATASET.TABLE, or DATASET.TABLE in the target project', () => {
    const full = tempDir('dbt-src-');
    writeDbtProject(options(full));
    const yml = readFileSync(join(full, 'models/sources.yml'), 'utf8');
    assert.match(yml, /database: "my-project"\n {4}schema: "analytics"\n/);
    assert.match(yml, /identifier: "mp_master_event"/);
    const short = tempDir('dbt-src-');
    writeDbtProject(options(short, { source: 'analytics.events_2025' }));
    const shortYml = readFileSync(join(short, 'models/sources.yml'), 'utf8');
    assert.doesNotMatch(shortYml, /database:/);
    assert.match(shortYml, /identifier: "events_2025"/);
  });

  test('regenerating over its own export works; a folder holding another dbt project is refused', () => {
    const dir = tempDir('dbt-again-');
    writeDbtProject(options(dir));
    writeDbtProject(options(dir, { lookbackDays: 3 }));
    assert.match(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'), /session_explorer_lookback_days: 3\n/);
    const theirs = tempDir('dbt-theirs-');
    writeFileSync(join(theirs, 'dbt_project.yml'), 'name: analytics\n');
    assertUserError(() => writeDbtProject(options(theirs)), /already holds a dbt project/);
    assert.equal(readFileSync(join(theirs, 'dbt_project.yml'), 'utf8'), 'name: analytics\n');
  });

  test('a bad output folder is a one-line UserError', () => {
    const dir = tempDir('dbt-bad-');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    assertUserError(() => writeDbtProject(options(file)), /exists and is not a folder/);
    assertUserError(() => writeDbtProject(options(join(file, 'below'))), /cannot write the dbt project to/);
    assertUserError(() => writeDbtProject(options('  ')), /needs an output folder/);
  });

  test('bad names and values are one-line UserErrors, and nothing is written', () => {
    const dir = join(tempDir('dbt-names-'), 'never');
    const cases: Array<[Partial<DbtExportOptions>, RegExp]> = [
      [{ source: 'not a table' }, /invalid source table|invalid table/],
      [{ source: 'Bad_Project.analytics.t' }, /invalid project id/],
      [{ source: 'p-roject.data-set.t' }, /invalid dataset/],
      [{ lookbackDays: -1 }, /lookback/],
      [{ lookbackDays: 1.5 }, /lookback/],
      [{ mapping: { ...MIXPANEL_MAPPING, user: 'user id' } }, /invalid user column/],
      [{ mapping: { ...MIXPANEL_MAPPING, properties: null } }, /needs a properties column/],
      [{ mapping: { ...FLAT_MAPPING }, definition: { ...defaultDefinition(), attributes: [{ name: 'plan', source: 'plan-name' }] } }, /invalid attribute 'plan' column/],
      [{ definition: { ...defaultDefinition(), attributes: [{ name: 'plan', source: 'a"b' }] } }, /cannot be read from JSON/],
      [{ definition: { ...defaultDefinition(), attributes: [{ name: 'plan', source: '{{ evil }}' }] } }, /as Jinja/],
      [{ definition: { ...defaultDefinition(), excludedEvents: ['{% do x %}'] } }, /as Jinja/],
      [{ definition: { ...defaultDefinition(), timeZone: 'Mars/Olympus' } }, /unknown time zone/],
      [{ definition: { ...defaultDefinition(), thresholdMs: -5 } }, /threshold/],
    ];
    for (const [override, pattern] of cases) assertUserError(() => writeDbtProject(options(dir, override)), pattern);
    assert.throws(() => readFileSync(join(dir, 'dbt_project.yml')), /ENOENT/);
  });
});

describe('yamlString', () => {
  test('is JSON, with the characters YAML readers refuse raw escaped too', () => {
    for (const text of ['plain', 'it\'s "q" \\ ', 'line\nbreak\ttab', 'ünï 😀', '\u007f\u0085\u009f\ufffe', 'null', 'yes', '- x', '{{ y }}']) {
      const yaml = yamlString(text);
      assert.equal(JSON.parse(yaml), text);
      assert.doesNotMatch(yaml, /[\u0000-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/);
    }
  });
});
