import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { UserError } from '../util/user-error.ts';
import type { BatchBuilder } from './batch-builder.ts';
import { readCsv } from './csv-source.ts';
import { estimateCsvLines, findCsvSplit } from './csv-split.ts';
import type { CsvWorkerInput } from './csv-worker.ts';
import { startsWithGzipMagic, type ByteProgress } from './input-stream.ts';

/** Below this size a second thread costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 << 20;
/** Room for rows shorter than those of the file's first MiB. */
const ESTIMATE_MARGIN = 1.25;

/**
 * Reads a large uncompressed CSV on two cores: this thread parses the first half while a
 * worker parses the second, then the worker's rows are merged in. Everything else, any file
 * that cannot be cut safely, and any file whose rows may not fit the import's memory budget
 * (the worker holds its half until it is done) is read in one stream.
 */
export async function readCsvFile(
  path: string,
  builder: BatchBuilder,
  onProgress?: ByteProgress,
  parallelMinBytes = PARALLEL_MIN_BYTES,
): Promise<void> {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    await readCsv(path, builder, onProgress); // reports the error in its own words
    return;
  }
  const parallel =
    size >= parallelMinBytes && !(await startsWithGzipMagic(path)) && builder.fitsInMemory(estimateCsvLines(path, size) * ESTIMATE_MARGIN);
  const split = parallel ? findCsvSplit(path, size) : null;
  if (split === null) {
    await readCsv(path, builder, onProgress);
    return;
  }

  let firstBytes = 0;
  let secondBytes = split.offset;
  const report = () => onProgress?.(firstBytes + (secondBytes - split.offset), size);
  const input: CsvWorkerInput = {
    path,
    // Numbered from 1 here; renumbered once the first part's line count is known.
    part: { start: split.offset, end: size, header: split.header, firstLine: 1 },
    definition: builder.definition,
    timeZone: builder.calendar.zone,
    range: builder.range,
  };
  const worker = new Worker(new URL('./csv-worker.ts', import.meta.url), { workerData: input });
  const second = new Promise<Parameters<BatchBuilder['absorb']>[0]>((resolve, reject) => {
    worker.on('message', (message) => {
      if (message.kind === 'progress') {
        secondBytes = message.bytesRead;
        report();
      } else if (message.kind === 'done') resolve(message);
      else reject(message.name === 'UserError' ? new UserError(message.message) : new Error(message.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the CSV reader thread stopped (exit ${code})`)));
  });
  // If the first half fails, the worker is stopped and its outcome no longer matters.
  second.catch(() => {});
  try {
    const secondFirstLine = await readCsv(path, builder, (bytes) => {
      firstBytes = bytes;
      report();
    }, { start: 0, end: split.offset, header: null, firstLine: 1 });
    const part = await second;
    for (const rejection of part.rejections) rejection.line += secondFirstLine - 1;
    builder.absorb(part);
  } finally {
    await worker.terminate();
  }
}
