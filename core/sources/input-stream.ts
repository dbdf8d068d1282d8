import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../util/user-error.ts';

export type FileFormat = 'csv' | 'ndjson';

/** Reports bytes of the file read so far (compressed bytes for gzip) and the file's size. */
export type ByteProgress = (bytesRead: number, totalBytes: number) => void;

/** Opens a file as decoded UTF-8 text, gunzipping when it starts with the gzip magic bytes. */
export async function openTextStream(path: string, onProgress?: ByteProgress, range?: { start: number; end: number }): Promise<Readable> {
  const stream = await openByteStream(path, onProgress, range);
  stream.setEncoding('utf8');
  return stream;
}

/** Opens a file (or a byte range of it) as a stream of Buffers, gunzipped when it starts with the gzip magic bytes. */
export async function openByteStream(path: string, onProgress?: ByteProgress, range?: { start: number; end: number }): Promise<Readable> {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError(`${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const gzipped = await startsWithGzipMagic(path);
  // Large reads: fewer chunks to join records across, and fewer callbacks.
  const raw = createReadStream(path, { highWaterMark: 4 << 20, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
  if (onProgress) {
    let read = range ? range.start : 0;
    raw.on('data', (chunk) => {
      read += (chunk as Buffer).length;
      onProgress(read, size);
    });
  }
  if (!gzipped) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  return gunzip;
}

export async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The format by extension (`.csv`, `.ndjson`, `.jsonl`, `.json`, each optionally `.gz`). */
export function formatOf(path: string): FileFormat {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl') || name.endsWith('.json')) return 'ndjson';
  throw new UserError(`${path}: unknown file type (use .csv, .ndjson, .jsonl or .json, optionally .gz)`);
}

/** Turns a stream failure (corrupt gzip, I/O error) into a one-line user error naming the file. */
export function describeStreamError(path: string, error: unknown): UserError {
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new UserError(`${path}: corrupt or truncated gzip data (${e.message})`);
  }
  return new UserError(`${path}: ${e?.message ?? String(error)}`);
}
