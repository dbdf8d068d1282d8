// Every model and data test of the generated project, rendered for BigQuery (full and
// incremental, several definitions and mappings), parses with node-sql-parser's BigQuery
// grammar; the incremental configuration is the one the issue asks for; and the sessions and
// journey models never read their own tables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodeSqlParser from 'node-sql-parser';
import type { ColumnMapping } from '../../core/bigquery/column-mapping.ts';
import type { SessionDefinition } from '../../core/definition.ts';
import { tempDir } from '../support/cli.ts';
import type { RenderOptions } from './support/dbt-render.ts';
import { FLAT_MAPPING, MIXPANEL_MAPPING, SOURCE, flatDefinition, generatedProject, mixpanelDefinition } from './support/fixtures.ts';

const { Parser } = nodeSqlParser;
const parser = new Parser();

const NOW = new Date('2025-03-12T16:00:00Z'); // 2025-03-12 in New York

function bigQueryOptions(model: string, incremental: boolean, vars?: Record<string, unknown>): RenderOptions {
  const relation = (name: string) => `\`my-project.analytics.${name}\``;
  return {
    target: 'bigquery',
    incremental,
    now: NOW,
    self: relation(model),
    refs: { bridge_user_day_sessions: relation('bridge_user_day_sessions'), dim_sessions: relation('dim_sessions'), fct_user_journey: relation('fct_user_journey') },
    source: `\`${SOURCE}\``,
    vars,
  };
}

function modelName(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.sql$/, '');
}

/** Event names that a naive literal would break. */
const ODD_NAMES = ["a'b", 'back\\slash', 'new\nline', 'cr\rhere', 'tab\there', "--comment", "'; drop table x; --", 'ünïcödé 😀'];

/** The values of BigQuery single-quoted literals in a piece of SQL, unescaped as BigQuery does. */
function bigQueryLiterals(sql: string): string[] {
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };
  return Array.from(sql.matchAll(/'((?:[^'\\\n\r]|\\.)*)'/g), (m) =>
    m[1].replace(/\\(.)/g, (_, c: string) => {
      assert.ok(c in escapes, `unexpected escape \\${c}`);
      return escapes[c];
    }),
  );
}

const CASES: Array<{ name: string; definition: SessionDefinition; mapping: ColumnMapping }> = [
  { name: 'mixpanel layout', definition: mixpanelDefinition(), mapping: MIXPANEL_MAPPING },
  { name: 'flat layout', definition: flatDefinition(), mapping: FLAT_MAPPING },
  {
    name: 'no insert id column, no attributes, no exclusions',
    definition: { thresholdMs: 0, timeZone: 'UTC', attributes: [], excludedEvents: [] },
    mapping: { ...MIXPANEL_MAPPING, insertId: null },
  },
  {
    name: 'names that need quoting and escaping',
    definition: {
      thresholdMs: 90_500,
      timeZone: 'Asia/Kathmandu',
      attributes: [{ name: 'select', source: 'from' }, { name: 'region', source: "it's a name" }],
      excludedEvents: ODD_NAMES,
    },
    mapping: { layout: 'mixpanel', user: 'user', time: 'timestamp', event: 'order', insertId: 'group', properties: 'json' },
  },
];

describe('BigQuery rendering parses with node-sql-parser', () => {
  for (const { name, definition, mapping } of CASES) {
    test(name, (t) => {
      const project = generatedProject(join(tempDir('dbt-parse-'), 'project'), definition, mapping);
      const files = project.sqlFiles();
      assert.equal(files.length, 5);
      for (const file of files) {
        for (const incremental of [false, true]) {
          const { sql } = project.render(file, bigQueryOptions(modelName(file), incremental));
          try {
            parser.astify(sql, { database: 'bigquery' });
          } catch (error) {
            t.diagnostic(sql);
            assert.fail(`${file} (${incremental ? 'incremental' : 'full'}) does not parse: ${(error as Error).message}`);
          }
        }
      }
    });
  }
});

describe('the BigQuery rendering', () => {
  const project = generatedProject(join(tempDir('dbt-bq-'), 'project'), mixpanelDefinition(), MIXPANEL_MAPPING, 3);

  test('is incremental insert_overwrite on the window, partitioned by date and clustered by user_id', () => {
    const partitionFields = { bridge_user_day_sessions: 'local_date', dim_sessions: 'start_date', fct_user_journey: 'event_date' };
    for (const [model, field] of Object.entries(partitionFields)) {
      const { config } = project.render(`models/${model}.sql`, bigQueryOptions(model, true));
      assert.equal(config.materialized, 'incremental');
      assert.equal(config.incremental_strategy, 'insert_overwrite');
      assert.deepEqual(config.partition_by, { field, data_type: 'date', granularity: 'day' });
      assert.deepEqual(config.cluster_by, ['user_id']);
      // Three days back from 2025-03-12 (New York) through tomorrow.
      assert.deepEqual(config.partitions, ['2025-03-09', '2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13'].map((d) => `date '${d}'`));
    }
  });

  test('takes a backfill start from session_explorer_window_start', () => {
    const { config, sql } = project.render('models/dim_sessions.sql', bigQueryOptions('dim_sessions', true, { session_explorer_window_start: '2025-03-01' }));
    assert.equal((config.partitions as string[])[0], "date '2025-03-01'");
    assert.equal((config.partitions as string[]).length, 13);
    assert.match(sql, /local_date >= date '2025-03-01'/);
  });

  test('reads the source as BigQuery does: milliseconds, local dates in the zone, JSON properties', () => {
    const { sql } = project.render('models/dim_sessions.sql', bigQueryOptions('dim_sessions', true));
    assert.match(sql, /unix_millis\(`time`\) as time_ms/);
    assert.match(sql, /date\(`time`, 'America\/New_York'\) as local_date/);
    assert.match(sql, /coalesce\(json_value\(`properties`, '\$\."mp_country_code"'\), json_value\(`properties`, '\$\."country"'\)\) as attribute_0/);
    assert.match(sql, /json_value\(`properties`, '\$\."user\\'s plan"'\) as attribute_3/);
    assert.match(sql, /time_ms - previous_time_ms > 1800000 then 1/);
    // Source pruning: constant bounds a day outside the window on each side.
    assert.match(sql, /`time` < timestamp '2025-03-15 00:00:00\+00'/);
    assert.match(sql, /`time` >= timestamp '2025-03-08 00:00:00\+00'/);
  });

  test('escapes every excluded event name as a BigQuery literal', () => {
    const odd = generatedProject(join(tempDir('dbt-bq-'), 'project'), { ...mixpanelDefinition(), excludedEvents: ODD_NAMES }, MIXPANEL_MAPPING);
    const { sql } = odd.render('models/dim_sessions.sql', bigQueryOptions('dim_sessions', true));
    const list = /and event not in \(([^)]*)\n\s*\)/.exec(sql);
    assert.ok(list, 'an exclusion list');
    assert.deepEqual(bigQueryLiterals(list[1]), [...ODD_NAMES].sort());
    assert.match(project.render('models/dim_sessions.sql', bigQueryOptions('dim_sessions', true)).sql, /'it\\'s "excluded" \\\\ too'/);
  });

  test('numbers sessions from the bridge, never scanning dim_sessions or the journey', () => {
    for (const model of ['dim_sessions', 'fct_user_journey']) {
      const { sql } = project.render(`models/${model}.sql`, bigQueryOptions(model, true));
      assert.ok(!sql.includes('analytics.dim_sessions`') && !sql.includes('analytics.fct_user_journey`'), `${model} reads a sessions table`);
      assert.match(sql, /from `my-project\.analytics\.bridge_user_day_sessions`\s+where local_date < date '2025-03-09'/);
    }
    const bridge = project.render('models/bridge_user_day_sessions.sql', bigQueryOptions('bridge_user_day_sessions', true)).sql;
    assert.match(bridge, /from `my-project\.analytics\.bridge_user_day_sessions`\s+where local_date < date '2025-03-09'/);
    // A full build needs no bridge at all.
    const full = project.render('models/dim_sessions.sql', bigQueryOptions('dim_sessions', false)).sql;
    assert.ok(!full.includes('bridge_user_day_sessions'));
  });

  test('refuses a column name that is not a plain name, even when a var is edited by hand', () => {
    assert.throws(
      () => project.render('models/dim_sessions.sql', bigQueryOptions('dim_sessions', false, {
        session_explorer_source_columns: { user: 'user`; drop table x; --', time: 'time', event: 'event_name', insert_id: null, properties: 'properties' },
      })),
      /not a plain column name/,
    );
  });
});
