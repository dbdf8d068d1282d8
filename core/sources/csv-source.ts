import type { BatchBuilder } from './batch-builder.ts';
import { CsvLexer } from './csv-lexer.ts';
import { CsvRows } from './csv-rows.ts';
import { describeStreamError, openByteStream, type ByteProgress } from './input-stream.ts';

/** A byte range of a CSV file read on its own: rows only, with the file's header given. */
export interface CsvPart {
  start: number;
  end: number;
  /** The file's header, for a part that does not start with it. */
  header: string[] | null;
  /** The physical line number of the part's first row. */
  firstLine: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Streams an RFC 4180 CSV (header row, UTF-8, optional BOM, CRLF or LF, optionally gzipped),
 * or one part of it. Returns the physical line number after the last line read.
 */
export async function readCsv(path: string, builder: BatchBuilder, onProgress?: ByteProgress, part?: CsvPart): Promise<number> {
  const input = await openByteStream(path, onProgress, part);
  const rows = new CsvRows(path, builder, part?.header ?? null, part ? part.firstLine : 1);
  const lexer = new CsvLexer((record) => rows.take(record));
  let atStart = part === undefined || part.start === 0;
  // Errors of the stream (I/O, corrupt gzip) are described; errors of the rows pass as they are.
  let inStream = true;
  try {
    for await (const data of input) {
      inStream = false;
      rows.settle();
      builder.checkpoint();
      let chunk = data as Buffer;
      if (atStart && chunk.length >= 3 && UTF8_BOM.every((b, i) => chunk[i] === b)) chunk = chunk.subarray(3);
      atStart = false;
      lexer.feed(chunk);
      inStream = true;
    }
    inStream = false;
    lexer.end();
    rows.end();
  } catch (error) {
    throw inStream ? describeStreamError(path, error) : error;
  }
  return rows.nextLine;
}
