import { BUCKET_STEPS } from '../sweep/bucket-layout.ts';
import { checkColumnName } from './column-mapping.ts';
import { selectionFilter, type EventSelection, type ParameterizedQuery } from './event-selection.ts';
import { quotedTable, tableText } from './table-id.ts';

/**
 * `bigquery` is what runs in the warehouse; `duckdb` renders the same logic for DuckDB so that
 * tests can run it: identifiers in double quotes (the table as one identifier named
 * `PROJECT.DATASET.TABLE`), `$name` parameters, DuckDB's names for the few functions that differ.
 */
export type GapQueryDialect = 'bigquery' | 'duckdb';

/** The columns of the query's result rows, in order (see GapStatisticsRow in core/sweep/gap-statistics.ts). */
export const GAP_STATISTICS_COLUMNS = ['local_date', 'bucket_secs', 'event_count', 'gap_ms_sum'] as const;

interface DialectSql {
  identifier(name: string): string;
  table: string;
  /** Placeholder of a named parameter. */
  param(name: string): string;
  epochMillis(timestamp: string): string;
  localDate(timestamp: string, zoneParam: string): string;
  intDiv(a: string, b: string): string;
  notExcluded(event: string, listParam: string): string;
  sum(value: string): string;
}

function dialectSql(selection: EventSelection, dialect: GapQueryDialect): DialectSql {
  if (dialect === 'bigquery') {
    return {
      identifier: (name) => `\`${name}\``,
      table: quotedTable(selection.table),
      param: (name) => `@${name}`,
      epochMillis: (t) => `UNIX_MILLIS(${t})`,
      localDate: (t, zone) => `DATE(${t}, ${zone})`,
      intDiv: (a, b) => `DIV(${a}, ${b})`,
      notExcluded: (event, list) => `${event} NOT IN UNNEST(${list})`,
      sum: (v) => `SUM(${v})`,
    };
  }
  return {
    identifier: (name) => `"${name}"`,
    // The table id's parts were checked and contain no quotes (table-id.ts).
    table: `"${tableText(selection.table)}"`,
    param: (name) => `$${name}`,
    epochMillis: (t) => `epoch_ms(${t})`,
    localDate: (t, zone) => `CAST(timezone(${zone}, ${t}) AS DATE)`,
    intDiv: (a, b) => `((${a}) // ${b})`,
    notExcluded: (event, list) => `NOT list_contains(${list}, ${event})`,
    // DuckDB sums BIGINT as HUGEINT; BigQuery's INT64 sum is INT64 already.
    sum: (v) => `CAST(SUM(${v}) AS BIGINT)`,
  };
}

/**
 * The bucket edge of a gap of `secs` whole seconds, generated from the same step table as
 * bucketEdgeSecs so that the warehouse and the local statistics cannot disagree.
 */
function bucketEdgeSql(secs: string, sql: DialectSql): string {
  const branches = BUCKET_STEPS.map((step) => {
    const edge = step.stepSecs === 1 ? secs : `${sql.intDiv(`${secs} + ${step.stepSecs - 1}`, String(step.stepSecs))} * ${step.stepSecs}`;
    return step.upToSecs === Infinity ? `ELSE ${edge}` : `WHEN ${secs} <= ${step.upToSecs} THEN ${edge}`;
  });
  // A user-day's first event has no gap (NULL): its bucket is NULL too.
  return `CASE\n      WHEN ${secs} IS NULL THEN NULL\n      ${branches.join('\n      ')}\n    END`;
}

/**
 * One query returning the sufficient statistics of the definition (core/sweep/gap-statistics.ts)
 * for the selection, with no event leaving the warehouse: per local date and gap bucket, the
 * number of events whose gap to the previous event of the same user and local date falls in the
 * bucket, and the sum of those gaps in ms. Rows:
 *
 *   local_date   STRING  `YYYY-MM-DD` in the definition's zone
 *   bucket_secs  INT64   the bucket's upper edge; NULL for each user-day's first event
 *   event_count  INT64   events in the bucket; with bucket_secs NULL, the number of user-days
 *   gap_ms_sum   INT64   sum of their gaps in ms; NULL with bucket_secs NULL
 *
 * Only non-empty buckets come back. As in a fetch, rows with a null or empty user or a null time
 * are left out, times are truncated to ms, and a null event name is the empty name; excluded
 * event names are left out before the gaps are taken. Gaps of 0 ms (ties, duplicate rows) are
 * left out: they never split a session, so the table need not be de-duplicated.
 *
 * The table is read once: a user-day's span is the sum of its gaps, so spans need no second
 * aggregation. Parameters: those of selectionFilter, `time_zone` (STRING) and
 * `excluded_events` (ARRAY<STRING>, possibly empty).
 */
export function gapStatisticsQuery(selection: EventSelection, dialect: GapQueryDialect = 'bigquery'): ParameterizedQuery {
  const sql = dialectSql(selection, dialect);
  const { mapping, definition } = selection;
  const user = sql.identifier(checkColumnName(mapping.user, 'user'));
  const time = sql.identifier(checkColumnName(mapping.time, 'time'));
  const event = sql.identifier(checkColumnName(mapping.event, 'event'));
  const filter = selectionFilter(selection);
  // selectionFilter writes BigQuery; its identifiers were checked (no quotes or backticks in them)
  // and its SQL holds no string literals, so re-quoting and re-marking parameters is safe.
  const filterSql = (
    dialect === 'bigquery' ? filter.sql : filter.sql.replaceAll('`', '"').replace(/@(\w+)/g, (_, name: string) => sql.param(name))
  ).replaceAll('\n  AND ', '\n    AND ');
  const gapSecs = sql.intDiv('gap_ms + 999', '1000'); // ceil(gap_ms / 1000) for gap_ms >= 0

  const text = `WITH selected_events AS (
  SELECT
    CAST(${user} AS STRING) AS user_id,
    ${sql.epochMillis(time)} AS time_ms,
    CAST(${sql.localDate(time, sql.param('time_zone'))} AS STRING) AS local_date
  FROM ${sql.table}
  WHERE ${filterSql}
    AND ${user} IS NOT NULL
    AND CAST(${user} AS STRING) != ''
    AND ${sql.notExcluded(`COALESCE(CAST(${event} AS STRING), '')`, sql.param('excluded_events'))}
),
gaps AS (
  SELECT
    local_date,
    time_ms - LAG(time_ms) OVER (PARTITION BY user_id, local_date ORDER BY time_ms) AS gap_ms
  FROM selected_events
),
gap_seconds AS (
  SELECT local_date, gap_ms, ${gapSecs} AS gap_secs
  FROM gaps
  WHERE gap_ms IS NULL OR gap_ms > 0
),
bucketed AS (
  SELECT
    local_date,
    gap_ms,
    ${bucketEdgeSql('gap_secs', sql)} AS bucket_secs
  FROM gap_seconds
)
SELECT
  local_date,
  bucket_secs,
  COUNT(*) AS event_count,
  ${sql.sum('gap_ms')} AS gap_ms_sum
FROM bucketed
GROUP BY local_date, bucket_secs
ORDER BY local_date, bucket_secs`;

  return {
    sql: text,
    params: { ...filter.params, time_zone: definition.timeZone, excluded_events: [...new Set(definition.excludedEvents)].sort() },
    types: { ...filter.types, time_zone: 'STRING', excluded_events: ['STRING'] },
  };
}
