import { InvalidArgumentError, type Command } from 'commander';
import { exportEvents } from '../export/export-events.ts';
import { exportSessions } from '../export/export-sessions.ts';
import { writeDbtProject } from '../export/dbt/dbt-project.ts';
import { MAX_LOOKBACK_DAYS } from '../export/dbt/project-vars.ts';
import { UserError } from '../util/user-error.ts';
import { addTableOptions, flagOf, mappingFromFlags, type TableFlags } from './bigquery-options.ts';
import { openForReading } from './cache-access.ts';

const DEFAULT_LOOKBACK_DAYS = 3;

interface ExportFlags extends Partial<TableFlags> {
  db: string;
  out: string;
  lookbackDays: number;
}

function lookbackDays(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > MAX_LOOKBACK_DAYS) {
    throw new InvalidArgumentError(`expected a whole number of days from 0 to ${MAX_LOOKBACK_DAYS}`);
  }
  return n;
}

/** Options that describe the warehouse table, which only the dbt model reads. */
const DBT_ONLY = ['table', 'userColumn', 'timeColumn', 'eventColumn', 'insertIdColumn', 'propertiesColumn'] as const;

/** `export sessions|events|dbt`: CSVs of the cache (SPEC §2), or a dbt project of its definition. */
export function registerExportCommand(program: Command): void {
  addTableOptions(
    program
      .command('export')
      .description("export sessions or events (the journey table) as CSV, or the cache's definition as a dbt project")
      .argument('<what>', 'sessions, events or dbt')
      .requiredOption('--db <cache>', 'cache file')
      .requiredOption('--out <path>', 'CSV file to write (dbt: the folder of the project)')
      .option('--lookback-days <n>', 'dbt: days before today that each incremental run recomputes, for late events', lookbackDays, DEFAULT_LOOKBACK_DAYS),
    false,
  ).action((what: string, flags: ExportFlags) => {
    if (what === 'dbt') return exportDbt(flags);
    if (what !== 'sessions' && what !== 'events') throw new UserError(`export what? use 'sessions', 'events' or 'dbt', not '${what}'`);
    const misplaced = DBT_ONLY.find((name) => flags[name] !== undefined);
    if (misplaced !== undefined) throw new UserError(`${flagOf(misplaced)} goes with 'export dbt'`);
    const cache = openForReading(flags.db);
    try {
      const rows = what === 'sessions' ? exportSessions(cache, flags.out) : exportEvents(cache, flags.out);
      process.stderr.write(`wrote ${rows} ${what} to ${flags.out}\n`);
    } finally {
      cache.close();
    }
  });
}

function exportDbt(flags: ExportFlags): void {
  if (flags.table === undefined) throw new UserError("'export dbt' needs --table: the warehouse table the model reads (PROJECT.DATASET.TABLE)");
  const mapping = mappingFromFlags(flags as TableFlags);
  const cache = openForReading(flags.db);
  const definition = cache.definition;
  cache.close();
  const { files } = writeDbtProject({ definition, mapping, source: flags.table, lookbackDays: flags.lookbackDays, outDir: flags.out });
  process.stderr.write(`wrote ${files.length} files of a dbt project to ${flags.out}\n`);
}
