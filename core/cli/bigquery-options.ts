import { Option, type Command } from 'commander';
import { DEFAULT_MAX_BYTES, DEFAULT_PRICE_PER_TIB_USD, type WarehouseRequest } from '../bigquery/fetch-events.ts';
import { presetMapping, type ColumnMapping } from '../bigquery/column-mapping.ts';
import { checkApiEndpoint } from '../bigquery/connection.ts';
import type { PartitionFilter } from '../bigquery/event-selection.ts';
import { parseTableId } from '../bigquery/table-id.ts';
import { parseByteSize } from '../util/byte-size.ts';
import { UserError } from '../util/user-error.ts';

/** The flags of addTableOptions. */
export interface TableFlags {
  table: string;
  layout: string;
  userColumn?: string;
  timeColumn?: string;
  eventColumn?: string;
  insertIdColumn?: string;
  propertiesColumn?: string;
}

/** The flags of addWarehouseOptions. */
export interface WarehouseFlags extends TableFlags {
  partitionColumn?: string;
  partitionType: string;
  from: string;
  to: string;
  project?: string;
  location?: string;
  keyFile?: string;
  apiEndpoint?: string;
  maxBytes?: string;
  pricePerTib?: string;
}

function optionMaybeRequired(command: Command, required: boolean, flags: string, help: string): Command {
  return required ? command.requiredOption(flags, help) : command.option(flags, help);
}

/** Where the events are: the table and its column layout. */
export function addTableOptions(command: Command, required: boolean): Command {
  return optionMaybeRequired(command, required, '--table <project.dataset.table>', 'table or view holding the events')
    .addOption(new Option('--layout <layout>', 'column layout of the table').choices(['mixpanel', 'flat']).default('mixpanel'))
    .option('--user-column <name>', 'user id column (mixpanel: distinct_id, flat: user_id)')
    .option('--time-column <name>', 'TIMESTAMP column (default time)')
    .option('--event-column <name>', 'event name column (mixpanel: event_name, flat: event)')
    .option('--insert-id-column <name>', "insert id column (default insert_id; 'none' when the table has none)")
    .option('--properties-column <name>', 'JSON properties column of the mixpanel layout (default properties)');
}

/**
 * The options of a command that queries BigQuery: table and mapping, the range of local dates,
 * connection, and the bytes guard. `required` false leaves --table, --from and --to optional
 * (for a command that queries only when asked to; see requireWarehouseFlags).
 */
export function addWarehouseOptions(command: Command, required = true): Command {
  addTableOptions(command, required)
    .option('--partition-column <name>', 'partition column to prune on (e.g. date or _PARTITIONTIME)')
    .addOption(new Option('--partition-type <type>', 'type of the partition column').choices(['DATE', 'TIMESTAMP']).default('DATE'));
  optionMaybeRequired(command, required, '--from <date>', "first local date (YYYY-MM-DD) in the definition's zone");
  return optionMaybeRequired(command, required, '--to <date>', 'last local date')
    .option('--project <id>', "project that runs and pays for the query (default: the table's)")
    .option('--location <location>', 'dataset location, e.g. US, EU, asia-northeast3')
    .option('--key-file <file>', 'service-account key (JSON); default: Application Default Credentials')
    .option('--api-endpoint <url>', 'another BigQuery endpoint (an emulator); no authentication is sent to it')
    .option('--max-bytes <size>', `refuse queries that would process more (maximumBytesBilled), e.g. 50GB (default ${DEFAULT_MAX_BYTES / 1024 ** 3} GiB)`)
    .option('--price-per-tib <usd>', `on-demand price used for the cost estimate (default ${DEFAULT_PRICE_PER_TIB_USD})`);
}

/** For commands whose warehouse options are optional: the ones a query cannot do without. */
export function requireWarehouseFlags(flags: Partial<WarehouseFlags>, why: string): WarehouseFlags {
  const missing = (['table', 'from', 'to'] as const).filter((name) => flags[name] === undefined).map((name) => `--${name}`);
  if (missing.length > 0) throw new UserError(`${why} needs ${missing.join(', ')}`);
  return flags as WarehouseFlags;
}

export function mappingFromFlags(flags: TableFlags): ColumnMapping {
  const mapping = presetMapping(flags.layout);
  if (flags.userColumn !== undefined) mapping.user = flags.userColumn;
  if (flags.timeColumn !== undefined) mapping.time = flags.timeColumn;
  if (flags.eventColumn !== undefined) mapping.event = flags.eventColumn;
  if (flags.insertIdColumn !== undefined) mapping.insertId = flags.insertIdColumn.toLowerCase() === 'none' ? null : flags.insertIdColumn;
  if (flags.propertiesColumn !== undefined) {
    if (mapping.layout !== 'mixpanel') throw new UserError('--properties-column belongs to the mixpanel layout');
    mapping.properties = flags.propertiesColumn;
  }
  return mapping;
}

export function warehouseRequestFrom(flags: WarehouseFlags, signal?: AbortSignal): WarehouseRequest {
  const table = parseTableId(flags.table, flags.project);
  const partition: PartitionFilter | null =
    flags.partitionColumn === undefined ? null : { column: flags.partitionColumn, type: flags.partitionType as PartitionFilter['type'] };
  let pricePerTiB: number | undefined;
  if (flags.pricePerTib !== undefined) {
    pricePerTiB = Number(flags.pricePerTib);
    if (!Number.isFinite(pricePerTiB) || pricePerTiB < 0) throw new UserError(`invalid --price-per-tib '${flags.pricePerTib}'`);
  }
  return {
    connection: {
      projectId: flags.project ?? table.project,
      ...(flags.location !== undefined ? { location: flags.location } : {}),
      ...(flags.keyFile !== undefined ? { keyFile: flags.keyFile } : {}),
      ...(flags.apiEndpoint !== undefined ? { apiEndpoint: checkApiEndpoint(flags.apiEndpoint) } : {}),
    },
    table,
    mapping: mappingFromFlags(flags),
    partition,
    from: flags.from,
    to: flags.to,
    maxBytes: flags.maxBytes === undefined ? DEFAULT_MAX_BYTES : parseByteSize(flags.maxBytes),
    ...(pricePerTiB !== undefined ? { pricePerTiB } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** An AbortSignal that fires on Ctrl+C, so a fetch cancels its BigQuery job before exiting. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    // Only a person at a terminal needs telling; a script's stderr keeps to the one-line reason.
    if (process.stderr.isTTY) process.stderr.write('cancelling…\n');
    controller.abort();
  };
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onInterrupt) };
}

/** The command-line flag of an option's property name: `excludeEvents` → `--exclude-events`. */
export function flagOf(property: string): string {
  return `--${property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
