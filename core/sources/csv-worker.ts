import { parentPort, workerData } from 'node:worker_threads';
import type { SessionDefinition } from '../definition.ts';
import { Dictionary } from '../model/dictionary.ts';
import { ZoneCalendar } from '../time/zone-calendar.ts';
import { BatchBuilder, type DayRange } from './batch-builder.ts';
import { readCsv, type CsvPart } from './csv-source.ts';

/** Reads one part of a CSV into a batch with its own dictionaries, on a second core. */
export interface CsvWorkerInput {
  path: string;
  part: CsvPart;
  definition: SessionDefinition;
  /** The zone local days are computed in (the builder's calendar). */
  timeZone: string;
  range: DayRange | null;
}

const input = workerData as CsvWorkerInput;
const users = new Dictionary();
const strings = new Dictionary();
const builder = new BatchBuilder(input.definition, new ZoneCalendar(input.timeZone), users, strings, input.range);
try {
  await readCsv(input.path, builder, (bytesRead) => parentPort!.postMessage({ kind: 'progress', bytesRead }), input.part);
  const batch = builder.batch;
  const columns = {
    user: batch.user.view(),
    time: batch.time.view(),
    day: batch.day.view(),
    name: batch.name.view(),
    attrs: batch.attrs.map((c) => c.view()),
  };
  const insertId = batch.insertId.parts();
  parentPort!.postMessage(
    {
      kind: 'done',
      columns,
      insertId,
      props: batch.props,
      users: users.values,
      strings: strings.values,
      counts: builder.counts,
      rejections: builder.rejections,
    },
    [insertId.bytes.buffer, insertId.start.buffer, insertId.size.buffer, columns.user.buffer, columns.time.buffer, columns.day.buffer, columns.name.buffer, ...columns.attrs.map((a) => a.buffer)] as ArrayBuffer[],
  );
} catch (error) {
  const e = error as Error;
  parentPort!.postMessage({ kind: 'failed', name: e.name, message: e.message });
}
