import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { defaultDefinition } from '../definition.ts';
import { estimateFetch, fetchIntoCache, formatBytes, type FetchEstimate, type FetchProgress } from '../bigquery/fetch-events.ts';
import { storedDefinition, withCreatedCache } from './cache-access.ts';
import { addDefinitionOptions, definitionWithFlags, type DefinitionFlags } from './definition-options.ts';
import { addWarehouseOptions, interruptSignal, warehouseRequestFrom, type WarehouseFlags } from './bigquery-options.ts';
import { printImportSummary } from './import-summary.ts';

type FetchFlags = WarehouseFlags & DefinitionFlags & { db: string; dryRun?: boolean; rejects?: string; json?: boolean };

export function estimateLine(estimate: FetchEstimate): string {
  return `BigQuery will process ${formatBytes(estimate.bytes)} (estimated on-demand cost $${estimate.estimated_cost_usd.toFixed(4)}; --max-bytes ${formatBytes(estimate.max_bytes)})`;
}

/**
 * The estimate before a query runs. It belongs to the report on stdout (a JSON report carries
 * bytes and cost itself): stderr holds nothing but a failure's one-line reason (SPEC §3).
 */
export function reportEstimate(estimate: FetchEstimate, json: boolean): void {
  if (!json) process.stdout.write(`${estimateLine(estimate)}\n`);
  else if (process.stderr.isTTY) process.stderr.write(`${estimateLine(estimate)}\n`);
}

/** `fetch bigquery`: a dry run, then the range's events into the cache (SPEC §3). */
export function registerFetchCommand(program: Command): void {
  const fetch = program.command('fetch').description('fetch an event range from a warehouse into the cache');
  addDefinitionOptions(
    addWarehouseOptions(
      fetch
        .command('bigquery')
        .description('fetch local dates --from..--to of a BigQuery table into the cache (replacing those dates)')
        .requiredOption('--db <cache>', 'cache file (created when missing)'),
    )
      .option('--dry-run', 'only report the bytes the query would process and its estimated cost')
      .option('--rejects <file>', 'write every rejected row (source, row number, reason, row) to this CSV')
      .option('--json', 'print the summary as one JSON object'),
  ).action(async (flags: FetchFlags) => {
    const interrupt = interruptSignal();
    try {
      const request = warehouseRequestFrom(flags, interrupt.signal);
      if (flags.dryRun) {
        // A dry run reads the stored definition (for its zone) but never creates or changes a cache.
        const stored = existsSync(flags.db) ? storedDefinition(flags.db) : defaultDefinition();
        const estimate = await estimateFetch(request, definitionWithFlags(stored, flags));
        const { sql: _sql, ...fields } = estimate;
        process.stdout.write(flags.json ? `${JSON.stringify({ dry_run: true, ...fields })}\n` : `${estimateLine(estimate)}\nnothing fetched (dry run)\n`);
        return;
      }
      await withCreatedCache(flags.db, definitionWithFlags(defaultDefinition(), flags), async (cache) => {
        const progress = fetchProgressBar();
        try {
          const summary = await fetchIntoCache(cache, {
            ...request,
            definition: definitionWithFlags(cache.definition, flags),
            rejectsPath: flags.rejects,
            onEstimate: (estimate) => reportEstimate(estimate, flags.json === true),
            onProgress: progress.update,
          });
          progress.stop();
          if (flags.json) {
            const { rejections: _r, ...counts } = summary;
            process.stdout.write(`${JSON.stringify(counts)}\n`);
          } else {
            printImportSummary(summary, false);
            process.stdout.write(`BigQuery processed ${formatBytes(summary.bytes_processed)}\n`);
          }
        } finally {
          progress.stop();
        }
      });
    } finally {
      interrupt.dispose();
    }
  });
}

/** Rows (and bytes) read of the query's result, on a terminal only. */
function fetchProgressBar(): { update: (p: FetchProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {phase} [{bar}] {percentage}% | {value}/{total} rows | {bytes} of {totalBytes}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (p.phase === 'reading') {
        if (!started) bar.start(p.totalRows, 0, { phase: 'reading', bytes: '', totalBytes: '' });
        started = true;
        bar.update(p.rows, { phase: 'reading', bytes: formatBytes(p.bytes), totalBytes: formatBytes(p.totalBytes) });
      } else if (p.phase === 'writing') {
        if (started) bar.stop();
        started = false;
        process.stderr.write(' writing the cache…\n');
      } else if (p.phase === 'querying') {
        process.stderr.write(' running the query…\n');
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
