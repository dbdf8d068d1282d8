import type { SessionDefinition } from '../definition.ts';
import { dayToIsoDate, MS_PER_DAY, type DayNumber } from '../time/calendar-day.ts';
import { ZoneCalendar } from '../time/zone-calendar.ts';
import { attributeOrigins, checkColumnName, type AttributeOrigin, type ColumnMapping } from './column-mapping.ts';
import { quotedTable, type TableId } from './table-id.ts';

/** A partition column used only to prune: a DATE column or a TIMESTAMP (such as `_PARTITIONTIME`). */
export interface PartitionFilter {
  column: string;
  type: 'DATE' | 'TIMESTAMP';
}

/** What one fetch or push-down reads: local dates `[from, to]` of the definition's zone. */
export interface EventSelection {
  table: TableId;
  mapping: ColumnMapping;
  definition: SessionDefinition;
  from: DayNumber;
  to: DayNumber;
  partition: PartitionFilter | null;
}

/** Named query parameters; every value sent to BigQuery travels as one of these, never in the SQL. */
export type QueryParams = Record<string, string | number | string[]>;
export type QueryParamTypes = Record<string, string | string[]>;

export interface ParameterizedQuery {
  sql: string;
  params: QueryParams;
  types: QueryParamTypes;
}

/** The UTC instants that bound local dates `[from, to]`: the local midnights of `from` and `to + 1`. */
export function utcBounds(selection: Pick<EventSelection, 'definition' | 'from' | 'to'>): { start: number; end: number } {
  const calendar = new ZoneCalendar(selection.definition.timeZone);
  return { start: calendar.dayStart(selection.from), end: calendar.dayStart(selection.to + 1) };
}

export function partitionColumnName(name: string): string {
  // The ingestion-time pseudo columns are allowed besides ordinary column names.
  if (name === '_PARTITIONTIME' || name === '_PARTITIONDATE') return name;
  return checkColumnName(name, 'partition');
}

/**
 * The WHERE clause of a selection and its parameters: the time column within the UTC bounds
 * (exact), and, when a partition column is named, that column within the UTC dates around the
 * bounds widened by a day, so pruning never drops a row the exact bound keeps.
 */
export function selectionFilter(selection: EventSelection): ParameterizedQuery {
  const { start, end } = utcBounds(selection);
  const time = checkColumnName(selection.mapping.time, 'time');
  const clauses = [`\`${time}\` >= @range_start`, `\`${time}\` < @range_end`];
  const params: QueryParams = { range_start: new Date(start).toISOString(), range_end: new Date(end).toISOString() };
  const types: QueryParamTypes = { range_start: 'TIMESTAMP', range_end: 'TIMESTAMP' };
  if (selection.partition !== null) {
    const column = partitionColumnName(selection.partition.column);
    const fromDay = Math.floor(start / MS_PER_DAY) - 1;
    const toDay = Math.floor((end - 1) / MS_PER_DAY) + 1;
    if (selection.partition.type === 'DATE') {
      clauses.push(`${quote(column)} BETWEEN @partition_from AND @partition_to`);
      params.partition_from = dayToIsoDate(fromDay);
      params.partition_to = dayToIsoDate(toDay);
      types.partition_from = 'DATE';
      types.partition_to = 'DATE';
    } else {
      clauses.push(`${quote(column)} >= @partition_from AND ${quote(column)} < @partition_to`);
      params.partition_from = new Date(fromDay * MS_PER_DAY).toISOString();
      params.partition_to = new Date((toDay + 1) * MS_PER_DAY).toISOString();
      types.partition_from = 'TIMESTAMP';
      types.partition_to = 'TIMESTAMP';
    }
  }
  return { sql: clauses.join('\n  AND '), params, types };
}

function quote(column: string): string {
  return column.startsWith('_PARTITION') ? column : `\`${column}\``;
}

/** A JSONPath selecting one top-level member by name (names were checked by checkPropertyName). */
export function jsonPath(property: string): string {
  return `$."${property}"`;
}

/** The SQL expression of an attribute: the first non-null of its JSON properties, or its column. */
export function attributeExpression(origin: AttributeOrigin, mapping: ColumnMapping): string {
  if (origin.kind === 'column') return `CAST(\`${origin.column}\` AS STRING)`;
  const props = `\`${mapping.properties}\``;
  const reads = origin.properties.map((p) => `JSON_VALUE(${props}, '${jsonPath(p)}')`);
  return reads.length === 1 ? reads[0] : `COALESCE(${reads.join(', ')})`;
}

/** Names of the columns a fetch query returns, in order. */
export interface FetchColumns {
  attributes: string[];
}

/**
 * The fetch query: one row per stored event of the selection, with the time in epoch
 * milliseconds (BigQuery's microseconds truncated, as the sessionizer works in ms). In the
 * `mixpanel` layout the whole properties JSON comes back, so attributes and the remaining
 * properties are read exactly as from a Mixpanel export file; in the `flat` layout the
 * attribute columns come back as strings.
 */
export function fetchQuery(selection: EventSelection): ParameterizedQuery {
  const { mapping } = selection;
  const filter = selectionFilter(selection);
  const columns = [
    `CAST(\`${mapping.user}\` AS STRING) AS user_id`,
    `UNIX_MILLIS(\`${mapping.time}\`) AS time_ms`,
    `CAST(\`${mapping.event}\` AS STRING) AS event`,
    mapping.insertId === null ? 'CAST(NULL AS STRING) AS insert_id' : `CAST(\`${mapping.insertId}\` AS STRING) AS insert_id`,
  ];
  if (mapping.layout === 'mixpanel') {
    columns.push(`\`${mapping.properties}\` AS properties`);
  } else {
    attributeOrigins(mapping, selection.definition).forEach((origin, i) => {
      columns.push(`${attributeExpression(origin, mapping)} AS attr_${i}`);
    });
  }
  const sql = `SELECT\n  ${columns.join(',\n  ')}\nFROM ${quotedTable(selection.table)}\nWHERE ${filter.sql}`;
  return { sql, params: filter.params, types: filter.types };
}
