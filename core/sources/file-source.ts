import type { BatchBuilder } from './batch-builder.ts';
import { readCsvFile } from './csv-parallel.ts';
import { formatOf, type ByteProgress } from './input-stream.ts';
import { readNdjson } from './ndjson-source.ts';

/** Reads one CSV or Mixpanel NDJSON file (by extension, gzip by content) into the builder. */
export async function readEventFile(path: string, builder: BatchBuilder, onProgress?: ByteProgress): Promise<void> {
  const format = formatOf(path);
  if (format === 'csv') await readCsvFile(path, builder, onProgress);
  else await readNdjson(path, builder, onProgress);
}
