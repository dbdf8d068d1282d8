import { closeSync, openSync, readSync } from 'node:fs';
import Papa from 'papaparse';

const SCAN_CHUNK = 1 << 22;
/** The reading thread takes a little more than half: the second thread starts later. */
const FIRST_PART_SHARE = 0.53;

export interface CsvSplit {
  header: string[];
  /** Byte offset where the second part starts: just after a line end outside any quoted field. */
  offset: number;
}

/**
 * Where to cut an uncompressed CSV into two parts that parse independently: at a line end near
 * the middle with an even number of quote characters before it (RFC 4180 doubles quotes inside
 * quoted fields, so an even count means no field is open there). Null when no such cut exists.
 * Only quotes are counted (by native search): the second part's line numbers are fixed up
 * once the first part has been read, so no line needs counting here.
 */
export function findCsvSplit(path: string, size: number): CsvSplit | null {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SCAN_CHUNK);
    const head = buffer.subarray(0, readSync(fd, buffer, 0, Math.min(SCAN_CHUNK, size), 0)).toString('utf8');
    const parsedHeader = Papa.parse<string[]>(head, { delimiter: ',', preview: 1 }).data[0];
    if (!parsedHeader) return null;
    let quotes = 0;
    let position = 0;
    const target = Math.floor(size * FIRST_PART_SHARE);
    while (position < size) {
      const read = readSync(fd, buffer, 0, Math.min(SCAN_CHUNK, size - position), position);
      if (read <= 0) return null;
      const chunk = buffer.subarray(0, read);
      // Before the target only the quotes matter; from it on, the first line end with an even count.
      const from = Math.max(0, target - position - 1);
      for (let q = chunk.indexOf(0x22); q !== -1 && q < from; q = chunk.indexOf(0x22, q + 1)) quotes++;
      for (let i = from; i < read; i++) {
        const c = chunk[i];
        if (c === 0x22) quotes++;
        else if (c === 0x0a && quotes % 2 === 0 && position + i + 1 < size) return { header: parsedHeader, offset: position + i + 1 };
      }
      position += read;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

const SAMPLE_BYTES = 1 << 20;

/**
 * About how many lines a file holds, from the line ends in its first MiB (rows are alike in an
 * event export); at least one per 4 KiB, so that a first MiB of long lines cannot hide a file of
 * short ones from the memory budget by much.
 */
export function estimateCsvLines(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const sample = Buffer.allocUnsafe(Math.min(SAMPLE_BYTES, size));
    const read = readSync(fd, sample, 0, sample.length, 0);
    let lines = 0;
    for (let at = sample.indexOf(0x0a); at !== -1 && at < read; at = sample.indexOf(0x0a, at + 1)) lines++;
    return Math.max((size * lines) / Math.max(read, 1), size / 4096);
  } finally {
    closeSync(fd);
  }
}
