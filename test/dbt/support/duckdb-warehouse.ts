// DuckDB standing in for BigQuery: loads a source table, runs the generated models in
// dependency order the way dbt-bigquery would (a full build creates the table; an incremental
// build emulates insert_overwrite with static partitions: the new rows are computed first,
// then the listed partitions are deleted and the rows inserted), and reads the results back
// as the text the core's CSV exports hold.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { neutraliseFormula } from '../../../core/export/csv-file.ts';
import type { DbtProject, TargetType } from './dbt-render.ts';
import { flatRow, mixpanelRow, type TestEvent } from './test-events.ts';

/** The models in dependency order: the bridge first, as dbt's DAG has it. */
export const MODELS = ['bridge_user_day_sessions', 'dim_sessions', 'fct_user_journey'] as const;

const SOURCE_TABLE = 'source_events';
const TARGET: TargetType = 'duckdb';

export interface RunOptions {
  /** dbt's run_started_at: "today" of the window. */
  now: Date;
  fullRefresh?: boolean;
  vars?: Record<string, unknown>;
}

export class DuckDbWarehouse {
  private readonly instance: DuckDBInstance;
  private readonly connection: DuckDBConnection;
  private readonly scratchDir: string;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, scratchDir: string) {
    this.instance = instance;
    this.connection = connection;
    this.scratchDir = scratchDir;
  }

  static async open(scratchDir: string): Promise<DuckDbWarehouse> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // The models never rely on the session's zone; UTC keeps any accidental reliance visible.
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDbWarehouse(instance, connection, scratchDir);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  async rows(sql: string): Promise<Array<Array<string | null>>> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowsJS().map((row) => row.map((v) => (v === null ? null : String(v))));
  }

  /** Replaces the source with Mixpanel's pipeline layout: distinct_id, time, event_name, insert_id, properties JSON. */
  async loadMixpanelSource(events: TestEvent[]): Promise<void> {
    const file = this.writeLines('mixpanel', events.map(mixpanelRow));
    await this.connection.run(`
      CREATE OR REPLACE TABLE ${SOURCE_TABLE} AS
      SELECT distinct_id, CAST("time" AS TIMESTAMPTZ) AS "time", event_name, insert_id, properties
      FROM read_json('${file}', format = 'newline_delimited',
        columns = {distinct_id: 'VARCHAR', "time": 'VARCHAR', event_name: 'VARCHAR', insert_id: 'VARCHAR', properties: 'JSON'})`);
  }

  /**
   * Replaces the source with a flat table, one column per attribute. An empty insert id is
   * loaded as null, as a warehouse loading the core's CSV (where they are the same) would.
   */
  async loadFlatSource(events: TestEvent[]): Promise<void> {
    const rows = events.map((e) => ({ ...flatRow(e), insert_id: e.insertId === '' ? null : e.insertId }));
    const file = this.writeLines('flat', rows);
    await this.connection.run(`
      CREATE OR REPLACE TABLE ${SOURCE_TABLE} AS
      SELECT user_id, CAST("time" AS TIMESTAMPTZ) AS "time", insert_id, event, country, device, os, subscription_plan
      FROM read_json('${file}', format = 'newline_delimited',
        columns = {user_id: 'VARCHAR', "time": 'VARCHAR', insert_id: 'VARCHAR', event: 'VARCHAR',
                   country: 'VARCHAR', device: 'VARCHAR', os: 'VARCHAR', subscription_plan: 'VARCHAR'})`);
  }

  private writeLines(name: string, rows: unknown[]): string {
    const file = join(this.scratchDir, `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return file.replace(/'/g, "''");
  }

  async tableExists(name: string): Promise<boolean> {
    const rows = await this.rows(`SELECT count(*) FROM information_schema.tables WHERE table_name = '${name}'`);
    return rows[0][0] !== '0';
  }

  /** `dbt run`: every model, incremental where its table exists (unless a full refresh). */
  async run(project: DbtProject, options: RunOptions): Promise<void> {
    for (const model of MODELS) await this.runModel(project, model, options);
  }

  async runModel(project: DbtProject, model: string, options: RunOptions): Promise<void> {
    const incremental = !options.fullRefresh && (await this.tableExists(model));
    const rendered = project.render(`models/${model}.sql`, {
      target: TARGET,
      incremental,
      now: options.now,
      self: `"${model}"`,
      refs: Object.fromEntries(MODELS.map((m) => [m, `"${m}"`])),
      source: SOURCE_TABLE,
      vars: options.vars,
    });
    if (!incremental) {
      await this.connection.run(`CREATE OR REPLACE TABLE "${model}" AS\n${rendered.sql}`);
      return;
    }
    const { config } = rendered;
    // dbt-duckdb has no insert_overwrite, so the models ask DuckDB for plain tables; the
    // emulation runs the incremental path anyway, with the configuration BigQuery gets.
    assert.equal(config.materialized, 'table');
    assert.equal(config.incremental_strategy, 'insert_overwrite');
    const field = (config.partition_by as { field: string }).field;
    const partitions = config.partitions as string[];
    assert.ok(partitions.length > 0, 'an incremental run lists the partitions it replaces');
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE new_rows AS\n${rendered.sql}`);
    // dbt's static insert_overwrite deletes only the listed partitions: a row outside them
    // would be inserted next to the old copy.
    const outside = await this.rows(`SELECT count(*) FROM new_rows WHERE ${field} NOT IN (${partitions.join(', ')})`);
    assert.equal(outside[0][0], '0', `${model}: rows outside the replaced partitions`);
    await this.connection.run(`DELETE FROM "${model}" WHERE ${field} IN (${partitions.join(', ')})`);
    await this.connection.run(`INSERT INTO "${model}" SELECT * FROM new_rows`);
    await this.connection.run('DROP TABLE new_rows');
  }

  /** Rows each singular test of the project returns (all zero when the invariants hold). */
  async testFailures(project: DbtProject, now: Date): Promise<Record<string, number>> {
    const failures: Record<string, number> = {};
    for (const file of project.sqlFiles().filter((f) => f.startsWith('tests/'))) {
      const { sql } = project.render(file, {
        target: TARGET, incremental: false, now, self: '"test"',
        refs: Object.fromEntries(MODELS.map((m) => [m, `"${m}"`])), source: SOURCE_TABLE,
      });
      failures[file] = Number((await this.rows(`SELECT count(*) FROM (${sql}) AS failures`))[0][0]);
    }
    return failures;
  }

  /** dim_sessions as the sessions CSV would show it: text cells, nulls empty, formulas neutralised. */
  async sessions(attributes: string[]): Promise<Array<Record<string, string>>> {
    const rows = await this.rows(`
      SELECT user_id, session_id, CAST(start_date AS VARCHAR), CAST(end_date AS VARCHAR), ${isoTime('start_time')}, ${isoTime('end_time')},
        session_duration_secs, event_count, first_event, last_event${attributes.map((a) => `, "${a}"`).join('')}
      FROM dim_sessions`);
    const columns = [...SESSION_CSV_COLUMNS, ...attributes];
    return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, csvCell(row[i], NUMERIC_COLUMNS.has(c))])));
  }

  /** fct_user_journey as the events CSV would show it (its event_time as `time`). */
  async journey(attributes: string[]): Promise<Array<Record<string, string>>> {
    const rows = await this.rows(`
      SELECT user_id, session_id, ${isoTime('event_time')}, insert_id, event${attributes.map((a) => `, "${a}"`).join('')}
      FROM fct_user_journey`);
    const columns = [...EVENT_CSV_COLUMNS, ...attributes];
    return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, csvCell(row[i], NUMERIC_COLUMNS.has(c))])));
  }

  async bridge(): Promise<Array<Array<string | null>>> {
    return this.rows(`
      SELECT user_id, CAST(local_date AS VARCHAR), session_count, first_session_id, last_session_id, event_count
      FROM bridge_user_day_sessions ORDER BY 1, 2`);
  }
}

export const SESSION_CSV_COLUMNS = [
  'user_id', 'session_id', 'start_date', 'end_date', 'start_time', 'end_time', 'session_duration_secs',
  'event_count', 'first_event', 'last_event',
];
export const EVENT_CSV_COLUMNS = ['user_id', 'session_id', 'time', 'insert_id', 'event'];
const NUMERIC_COLUMNS = new Set(['session_id', 'session_duration_secs', 'event_count']);

function isoTime(column: string): string {
  return `strftime(${column} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

function csvCell(value: string | null, numeric: boolean): string {
  if (value === null) return '';
  return numeric ? value : neutraliseFormula(value);
}
