// Runs the DuckDB dialect of the gap statistics query on a DuckDB table holding test rows, with
// the query's parameters bound by DuckDB (typed, never spliced), and returns the result rows.
import {
  DATE,
  DuckDBInstance,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  dateValue,
  listValue,
  timestampTZValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ParameterizedQuery } from '../../core/bigquery/event-selection.ts';
import type { TableId } from '../../core/bigquery/table-id.ts';
import { tableText } from '../../core/bigquery/table-id.ts';
import type { GapStatisticsRow } from '../../core/sweep/gap-statistics.ts';
import type { GapRow } from './gap-events.ts';

export const GAP_TABLE: TableId = { project: 'test-project', dataset: 'analytics', table: 'mp_master_event' };

const MS_PER_DAY = 86_400_000;

/** A DuckDB database in memory; one connection for the whole test file. */
export async function openDuckDb(): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * (Re)creates the table in the Mixpanel layout the query reads (as the DuckDB dialect names it:
 * one identifier `PROJECT.DATASET.TABLE`), with a DATE and a TIMESTAMP partition column holding
 * each row's UTC date, and writes the rows.
 */
export async function writeGapTable(connection: DuckDBConnection, rows: readonly GapRow[]): Promise<void> {
  const name = tableText(GAP_TABLE);
  await connection.run(`DROP TABLE IF EXISTS "${name}"`);
  await connection.run(
    `CREATE TABLE "${name}" (distinct_id VARCHAR, "time" TIMESTAMPTZ, event_name VARCHAR, insert_id VARCHAR, properties VARCHAR, ` +
      `partition_day DATE, partition_ts TIMESTAMPTZ)`,
  );
  const appender = await connection.createAppender(name);
  for (const row of rows) {
    if (row.user === null) appender.appendNull();
    else appender.appendVarchar(row.user);
    if (row.timeMicros === null) appender.appendNull();
    else appender.appendTimestampTZ(timestampTZValue(BigInt(row.timeMicros)));
    if (row.event === null) appender.appendNull();
    else appender.appendVarchar(row.event);
    appender.appendVarchar(row.insertId);
    appender.appendNull();
    if (row.timeMicros === null) {
      appender.appendNull();
      appender.appendNull();
    } else {
      const day = Math.floor(row.timeMicros / 1000 / MS_PER_DAY);
      appender.appendDate(dateValue(day));
      appender.appendTimestampTZ(timestampTZValue(BigInt(day * MS_PER_DAY) * 1000n));
    }
    appender.endRow();
  }
  appender.closeSync();
}

/** The query's parameters as DuckDB values of the types BigQuery would give them. */
function bindings(query: ParameterizedQuery): { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> } {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [name, type] of Object.entries(query.types)) {
    const value = query.params[name];
    if (Array.isArray(type)) {
      if (type[0] !== 'STRING' || !Array.isArray(value)) throw new Error(`unsupported array parameter ${name}`);
      values[name] = listValue(value);
      types[name] = LIST(VARCHAR);
    } else if (type === 'TIMESTAMP') {
      values[name] = timestampTZValue(BigInt(Date.parse(String(value))) * 1000n);
      types[name] = TIMESTAMPTZ;
    } else if (type === 'DATE') {
      values[name] = dateValue(Date.parse(`${String(value)}T00:00:00Z`) / MS_PER_DAY);
      types[name] = DATE;
    } else if (type === 'STRING') {
      values[name] = String(value);
      types[name] = VARCHAR;
    } else {
      throw new Error(`unsupported parameter type ${type} of ${name}`);
    }
  }
  return { values, types };
}

/** Runs a DuckDB-dialect gap statistics query and returns its rows. */
export async function runGapQuery(connection: DuckDBConnection, query: ParameterizedQuery): Promise<GapStatisticsRow[]> {
  const { values, types } = bindings(query);
  const reader = await connection.runAndReadAll(query.sql, values, types);
  return reader.getRowObjects().map((row) => ({
    local_date: row.local_date,
    bucket_secs: row.bucket_secs,
    event_count: row.event_count,
    gap_ms_sum: row.gap_ms_sum,
  }));
}
