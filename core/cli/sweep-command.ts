import type { Command } from 'commander';
import { defaultDefinition, parseEventList, validateDefinition, type SessionDefinition } from '../definition.ts';
import { estimatePushDownSweep, pushDownSweep, pushDownThresholdsHelp } from '../bigquery/push-down-sweep.ts';
import { EventTimeline } from '../sessionize/event-timeline.ts';
import { GapIndex, type SweepPoint } from '../sessionize/threshold-sweep.ts';
import { formatDurationMs, parseDurationMs } from '../time/duration.ts';
import { UserError } from '../util/user-error.ts';
import { addWarehouseOptions, flagOf, interruptSignal, requireWarehouseFlags, warehouseRequestFrom, type WarehouseFlags } from './bigquery-options.ts';
import { openForReading, storedDefinition } from './cache-access.ts';
import { estimateLine, reportEstimate } from './fetch-command.ts';

interface SweepFlags extends Partial<WarehouseFlags> {
  db?: string;
  thresholds: string;
  json?: boolean;
  bigquery?: boolean;
  dryRun?: boolean;
  byDate?: boolean;
  tz?: string;
  excludeEvents?: string;
}

/** Options that only make sense when the sweep runs in BigQuery. */
const WAREHOUSE_ONLY = ['table', 'from', 'to', 'tz', 'excludeEvents', 'dryRun', 'byDate', 'apiEndpoint', 'keyFile', 'maxBytes'] as const;

/** `sweep`: session count and mean duration at several thresholds, from the cache or pushed down to BigQuery. */
export function registerSweepCommand(program: Command): void {
  addWarehouseOptions(
    program
      .command('sweep')
      .description('session count and mean duration at each of several thresholds (--bigquery: computed in the warehouse)')
      .option('--db <cache>', 'cache file (with --bigquery: optional, supplies the definition)')
      .requiredOption('--thresholds <list>', 'thresholds: DUR,DUR,...')
      .option('--json', 'print JSON')
      .option('--bigquery', `sweep local dates --from..--to of a BigQuery table without fetching its events (thresholds: ${pushDownThresholdsHelp()})`)
      .option('--dry-run', 'with --bigquery: only report the bytes the query would process and its cost')
      .option('--by-date', 'with --bigquery: also sweep each local date on its own')
      .option('--tz <zone>', "with --bigquery: IANA zone of local dates (default: the cache's, else UTC)")
      .option('--exclude-events <list>', "with --bigquery: event names that take no part in sessions (default: the cache's)"),
    false,
  ).action(async (flags: SweepFlags) => {
    const thresholds = flags.thresholds.split(',').filter((t) => t.trim() !== '').map(parseDurationMs);
    if (thresholds.length === 0) throw new UserError('--thresholds needs at least one duration');
    if (flags.bigquery) await warehouseSweep(flags, thresholds);
    else localSweep(flags, thresholds);
  });
}

function localSweep(flags: SweepFlags, thresholds: number[]): void {
  const misplaced = WAREHOUSE_ONLY.filter((name) => flags[name] !== undefined);
  if (misplaced.length > 0) throw new UserError(`${flagOf(misplaced[0])} goes with --bigquery`);
  if (flags.db === undefined) throw new UserError('sweep needs --db CACHE (or --bigquery with --table, --from and --to)');
  const cache = openForReading(flags.db);
  try {
    const points = new GapIndex(EventTimeline.load(cache)).sweep(thresholds);
    printSweep({ time_zone: cache.definition.timeZone, thresholds: points }, flags.json === true);
  } finally {
    cache.close();
  }
}

async function warehouseSweep(flags: SweepFlags, thresholds: number[]): Promise<void> {
  const warehouse = requireWarehouseFlags(flags, 'sweep --bigquery');
  const definition = sweepDefinition(flags);
  const interrupt = interruptSignal();
  try {
    const request = warehouseRequestFrom(warehouse, interrupt.signal);
    if (flags.dryRun) {
      const estimate = await estimatePushDownSweep(request, definition);
      const { sql: _sql, ...fields } = estimate;
      process.stdout.write(flags.json ? `${JSON.stringify({ dry_run: true, ...fields })}\n` : `${estimateLine(estimate)}\nnothing queried (dry run)\n`);
      return;
    }
    const result = await pushDownSweep({
      ...request,
      definition,
      thresholdsMs: thresholds,
      byDate: flags.byDate === true,
      onEstimate: (estimate) => reportEstimate(estimate, flags.json === true),
    });
    printSweep(result, flags.json === true);
  } finally {
    interrupt.dispose();
  }
}

/** The definition a warehouse sweep uses: the cache's when --db is given, with --tz and --exclude-events applied. */
function sweepDefinition(flags: SweepFlags): SessionDefinition {
  const stored = flags.db === undefined ? defaultDefinition() : storedDefinition(flags.db);
  return validateDefinition({
    ...stored,
    timeZone: flags.tz ?? stored.timeZone,
    excludedEvents: flags.excludeEvents === undefined ? stored.excludedEvents : parseEventList(flags.excludeEvents),
  });
}

function printSweep(result: { time_zone: string; thresholds: SweepPoint[]; dates?: Array<{ local_date: string; thresholds: SweepPoint[] }> }, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const lines = (points: SweepPoint[], indent: string) =>
    points.map(
      (p) => `${indent}${formatDurationMs(p.threshold_secs * 1000).padStart(8)}  ${String(p.sessions).padStart(10)} sessions  mean ${p.mean_duration_secs.toFixed(1)} s`,
    );
  const out = lines(result.thresholds, '');
  for (const date of result.dates ?? []) out.push(date.local_date, ...lines(date.thresholds, '  '));
  process.stdout.write(`${out.join('\n')}\n`);
}
