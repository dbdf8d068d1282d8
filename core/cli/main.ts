import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SessionCache } from '../cache/session-cache.ts';
import { defaultDefinition, definitionsEqual } from '../definition.ts';
import { applyDefinition, importFiles } from '../import-files.ts';
import { previewMetrics, storedMetrics, type MetricsReport } from '../metrics/session-metrics.ts';
import { DEMO_DEFAULTS } from '../sources/demo-generator.ts';
import { formatDurationMs, parseDurationMs } from '../time/duration.ts';
import { isUserError, UserError } from '../util/user-error.ts';
import { openForReading, withCreatedCache } from './cache-access.ts';
import { printImportSummary } from './import-summary.ts';
import { registerExportCommand } from './export-command.ts';
import { registerFetchCommand } from './fetch-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerSweepCommand } from './sweep-command.ts';
import { addDefinitionOptions, definitionWithFlags, type DefinitionFlags } from './definition-options.ts';
import { importProgressBar } from './progress.ts';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function printMetrics(report: MetricsReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const fmt = (n: number | null) => (n === null ? '-' : Number.isInteger(n) ? String(n) : n.toFixed(1));
  const header = ['start_date', 'sessions', 'users', 'avg_time_per_user_s', 'avg_first_session_s', 'median_s', 'p90_s', 'bounce'];
  const rows = report.days.map((d) => [
    d.start_date, fmt(d.sessions), fmt(d.users), fmt(d.avg_session_time_per_user), fmt(d.avg_first_session_secs),
    fmt(d.median_duration_secs), fmt(d.p90_duration_secs), `${(d.bounce_share * 100).toFixed(1)}%`,
  ]);
  const t = report.totals;
  rows.push([
    'all', fmt(t.sessions), fmt(t.users), fmt(t.avg_session_time_per_user), fmt(t.avg_first_session_secs),
    fmt(t.median_duration_secs), fmt(t.p90_duration_secs), `${(t.bounce_share * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const title = `threshold ${report.threshold}${report.preview ? ' (preview, not stored)' : ''}, dates in ${report.time_zone}`;
  process.stdout.write(`${title}\n${line(header)}\n${rows.map(line).join('\n')}\n`);
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('session-explorer')
    .version(packageVersion(), '-v, --version')
    .description('Sessionize product-analytics events into a local SQLite cache; explore and export sessions.')
    .configureOutput({ outputError: (text, write) => write(text.split('\n')[0] + '\n') });

  addDefinitionOptions(
    program
      .command('import')
      .description('import CSV or Mixpanel NDJSON files (optionally gzipped) into a cache')
      .argument('<files...>', 'event files (.csv, .ndjson, .jsonl, .json, optionally .gz)')
      .requiredOption('--db <cache>', 'cache file (created when missing)')
      .option('--from <date>', 'first local date (YYYY-MM-DD) the files are authoritative for')
      .option('--to <date>', 'last local date the files are authoritative for')
      .option('--rejects <file>', 'write every rejected row (file, line, reason, row) to this CSV')
      .option('--json', 'print the summary as one JSON object'),
  ).action(async (files: string[], options: DefinitionFlags & { db: string; from?: string; to?: string; rejects?: string; json?: boolean }) => {
    if ((options.from === undefined) !== (options.to === undefined)) throw new UserError('--from and --to go together');
    await withCreatedCache(options.db, definitionWithFlags(defaultDefinition(), options), async (cache) => {
    const progress = importProgressBar();
    try {
      const summary = await importFiles(cache, {
        files,
        range: options.from !== undefined ? { from: options.from, to: options.to! } : null,
        definition: definitionWithFlags(cache.definition, options),
        rejectsPath: options.rejects,
        onProgress: progress.update,
      });
      progress.stop();
      printImportSummary(summary, options.json === true);
    } finally {
      progress.stop();
    }
    });
  });

  registerFetchCommand(program);

  addDefinitionOptions(
    program
      .command('sessionize')
      .description('re-sessionize the whole cache, applying any definition options given')
      .requiredOption('--db <cache>', 'cache file'),
  ).action((options: DefinitionFlags & { db: string }) => {
    const cache = SessionCache.open(options.db);
    try {
      const definition = definitionWithFlags(cache.definition, options);
      const changed = !definitionsEqual(definition, cache.definition);
      applyDefinition(cache, definition);
      const sessions = cache.db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
      process.stdout.write(
        `${sessions} sessions at threshold ${formatDurationMs(definition.thresholdMs)}, dates in ${definition.timeZone}${changed ? ' (definition updated)' : ''}\n`,
      );
    } finally {
      cache.close();
    }
  });

  registerExportCommand(program);

  program
    .command('metrics')
    .description('session metrics per local start date (a --threshold previews and persists nothing)')
    .requiredOption('--db <cache>', 'cache file')
    .option('--threshold <dur>', 'preview at this inactivity threshold')
    .option('--json', 'print JSON')
    .action((options: { db: string; threshold?: string; json?: boolean }) => {
      const cache = openForReading(options.db);
      try {
        const report =
          options.threshold === undefined ? storedMetrics(cache) : previewMetrics(cache, parseDurationMs(options.threshold));
        printMetrics(report, options.json === true);
      } finally {
        cache.close();
      }
    });

  registerSweepCommand(program);

  addDefinitionOptions(
    program
      .command('demo')
      .description('generate realistic demo events into a cache')
      .requiredOption('--db <cache>', 'cache file (created when missing)')
      .option('--users <n>', 'number of users', positiveInteger, DEMO_DEFAULTS.users)
      .option('--days <d>', 'number of days', positiveInteger, DEMO_DEFAULTS.days)
      .option('--seed <s>', 'random seed', integer, DEMO_DEFAULTS.seed)
      .option('--json', 'print the summary as one JSON object'),
  ).action(async (options: DefinitionFlags & { db: string; users: number; days: number; seed: number; json?: boolean }) => {
    await withCreatedCache(options.db, definitionWithFlags(defaultDefinition(), options), async (cache) => {
      const summary = await importFiles(cache, {
        files: [],
        demo: { users: options.users, days: options.days, seed: options.seed },
        definition: definitionWithFlags(cache.definition, options),
      });
      printImportSummary(summary, options.json === true);
    });
  });

  registerServeCommand(program);

  return program;
}

/** An internal error's message may span lines; the CLI contract is one line. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isUserError(error)) {
      process.stderr.write(`session-explorer: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`session-explorer: internal error: ${oneLine(message)}\n`);
    if (process.env.SESSION_EXPLORER_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 70;
  }
}
