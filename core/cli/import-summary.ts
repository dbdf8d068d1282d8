import type { ImportSummary } from '../import-files.ts';

export function printImportSummary(summary: ImportSummary, json: boolean): void {
  const { rejections, ...counts } = summary;
  if (json) {
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  const lines = [
    `imported ${counts.imported} events (${counts.duplicates} duplicates, ${counts.rejected} rejected, ${counts.out_of_range} out of range)`,
    `${counts.days} local dates touched; the cache holds ${counts.events} events in ${counts.sessions} sessions`,
  ];
  if (counts.definition_changed) lines.push('the definition changed: the whole cache was re-sessionized');
  for (const r of rejections.slice(0, 5)) lines.push(`rejected ${r.file}:${r.line}: ${r.reason}`);
  if (rejections.length > 5) lines.push(`… and ${counts.rejected - 5} more rejected rows (write them all with --rejects FILE)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
