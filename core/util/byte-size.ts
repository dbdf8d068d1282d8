import { UserError } from './user-error.ts';

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** Parses `1000000`, `500MB`, `10GiB`, `1.5 TB` into bytes (whole). */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new UserError(`invalid size '${text}': use bytes or a unit such as 500MB or 10GiB`);
  const bytes = Math.floor(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UserError(`invalid size '${text}'`);
  return bytes;
}
