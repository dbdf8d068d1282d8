import { closeSync, openSync, readSync } from 'node:fs';
import Papa from 'papaparse';

const SCAN_CHUNK = 1 << 22;

export interface CsvSplit {
  header: string[];
  /** Byte offset where the second part starts: just after a line end outside any quoted field. */
  offset: number;
  /** Physical line number of the second part's first row. */
  firstLine: number;
}

/**
 * Where to cut an uncompressed CSV into two parts that parse independently: at a line end near
 * the middle with an even number of quote characters before it (RFC 4180 doubles quotes inside
 * quoted fields, so an even count means no field is open there). Null when no such cut exists.
 */
export function findCsvSplit(path: string, size: number): CsvSplit | null {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SCAN_CHUNK);
    const head = buffer.subarray(0, readSync(fd, buffer, 0, Math.min(SCAN_CHUNK, size), 0)).toString('utf8');
    const parsedHeader = Papa.parse<string[]>(head, { delimiter: ',', preview: 1 }).data[0];
    if (!parsedHeader) return null;
    let quotes = 0;
    let newlines = 0;
    let position = 0;
    const target = Math.floor(size / 2);
    while (position < size) {
      const read = readSync(fd, buffer, 0, Math.min(SCAN_CHUNK, size - position), position);
      if (read <= 0) return null;
      for (let i = 0; i < read; i++) {
        const c = buffer[i];
        if (c === 0x22) quotes++;
        else if (c === 0x0a) {
          newlines++;
          if (position + i + 1 >= target && quotes % 2 === 0 && position + i + 1 < size) {
            return { header: parsedHeader, offset: position + i + 1, firstLine: newlines + 1 };
          }
        }
      }
      position += read;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}
