// The core's answer for a set of events: imported into a real cache (a Mixpanel export or a
// flat CSV written to a temporary folder), then the sessions and events CSV exports read back.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { SessionCache } from '../../../core/cache/session-cache.ts';
import type { SessionDefinition } from '../../../core/definition.ts';
import { exportEvents } from '../../../core/export/export-events.ts';
import { exportSessions } from '../../../core/export/export-sessions.ts';
import { importFiles } from '../../../core/import-files.ts';
import { csvRecords } from '../../support/cli.ts';
import { flatRow, toNdjson, type TestEvent } from './test-events.ts';

export interface CoreExports {
  sessions: Array<Record<string, string>>;
  events: Array<Record<string, string>>;
}

let counter = 0;

export async function coreExports(events: TestEvent[], definition: SessionDefinition, layout: 'mixpanel' | 'flat', dir: string): Promise<CoreExports> {
  const name = `core-${++counter}`;
  const file = join(dir, layout === 'mixpanel' ? `${name}.ndjson` : `${name}.csv`);
  if (layout === 'mixpanel') {
    writeFileSync(file, toNdjson(events));
  } else {
    const rows = events.map(flatRow);
    writeFileSync(file, stringify(rows, { header: true, columns: Object.keys(rows[0]) }));
  }
  const cache = SessionCache.open(join(dir, `${name}.db`), { create: true, definition });
  try {
    await importFiles(cache, { files: [file], definition });
    const sessionsCsv = join(dir, `${name}.sessions.csv`);
    const eventsCsv = join(dir, `${name}.events.csv`);
    exportSessions(cache, sessionsCsv);
    exportEvents(cache, eventsCsv);
    return { sessions: csvRecords(readFileSync(sessionsCsv, 'utf8')), events: csvRecords(readFileSync(eventsCsv, 'utf8')) };
  } finally {
    cache.close();
  }
}
