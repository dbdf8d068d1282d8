// Cancelling an import while it reads (the app's Cancel button): the import stops with a one-line
// reason and the cache is exactly as it was — for CSV (one thread or two) and for NDJSON.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SessionCache } from '../core/cache/session-cache.ts';
import { defaultDefinition } from '../core/definition.ts';
import { exportSessions } from '../core/export/export-sessions.ts';
import { importFiles } from '../core/import-files.ts';
import { ImportCancelled } from '../core/sources/batch-builder.ts';
import { tempDir } from './support/cli.ts';

const dir = tempDir('import-cancel-');

function csvFile(name: string, rows: number): string {
  const lines = ['user_id,time,event,country'];
  for (let i = 0; i < rows; i++) lines.push(`u${i % 997},${new Date(Date.UTC(2025, 2, 1) + i * 7_000).toISOString()},open,DE`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function ndjsonFile(name: string, rows: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(JSON.stringify({ event: 'open', properties: { distinct_id: `u${i % 997}`, time: Date.UTC(2025, 2, 1) + i * 7_000, $insert_id: `i${i}` } }));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function sessionsText(cache: SessionCache): string {
  const out = join(dir, `sessions-${Math.random().toString(36).slice(2)}.csv`);
  exportSessions(cache, out);
  return readFileSync(out, 'utf8');
}

describe('a cancelled import', () => {
  const cases: Array<[string, () => string]> = [
    ['CSV read on one thread', () => csvFile('small.csv', 60_000)],
    ['CSV read on two threads', () => csvFile('large.csv', 950_000)],
    ['Mixpanel NDJSON', () => ndjsonFile('events.ndjson', 60_000)],
  ];
  for (const [name, make] of cases) {
    test(`${name}: stops with one line and leaves the cache as it was`, async () => {
      const file = make();
      if (name.includes('two threads')) assert.ok(statSync(file).size >= 32 << 20, 'large enough to be read on two threads');
      const cache = SessionCache.open(join(dir, `${name.replace(/\W/g, '')}.db`), { create: true, definition: defaultDefinition() });
      try {
        await importFiles(cache, { files: [csvFile(`before-${name.replace(/\W/g, '')}.csv`, 500)] });
        const before = sessionsText(cache);
        const controller = new AbortController();
        let progressAfterCancel = 0;
        await assert.rejects(
          importFiles(cache, {
            files: [file],
            signal: controller.signal,
            onProgress: (p) => {
              if (controller.signal.aborted) progressAfterCancel++;
              // Cancel as soon as the first bytes are read: the rest of the file must not be needed.
              if (p.phase === 'reading' && p.bytesRead > 0) controller.abort();
            },
          }),
          (error: unknown) => error instanceof ImportCancelled && error.message === 'import cancelled; the cache is unchanged',
        );
        assert.equal(sessionsText(cache), before);
        assert.ok(progressAfterCancel < 40, `reading went on after the cancel (${progressAfterCancel} progress reports)`);
        // The cache still takes the same file afterwards.
        const summary = await importFiles(cache, { files: [file] });
        assert.ok(summary.imported > 0);
      } finally {
        cache.close();
      }
    });
  }
});
