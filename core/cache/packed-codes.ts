/**
 * The `codes` blob of a user-day: integer columns (name keys, session ordinals, id lengths,
 * attribute keys; all >= -1) packed at the width each needs. Most values are small, so
 * an import writes (and later commits and checkpoints) a fraction of the bytes that 32 bits
 * per value would take.
 *
 * Layout: column count (uint16 LE), one width byte per column (1, 2 or 4), then the columns in
 * order, each of `n` values: widths 1 and 2 hold value + 1 unsigned (so -1 is 0), width 4 the
 * value as int32 LE. `n` follows from the blob's length.
 */

function widthOf(values: Int32Array): number {
  let min = 0;
  let max = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v > max) max = v;
    else if (v < min) min = v;
  }
  if (min < -1) return 4;
  return max < 255 ? 1 : max < 65535 ? 2 : 4;
}

/** Packs equally long columns into one blob. */
export function packCodes(columns: Int32Array[]): Buffer {
  const count = columns.length;
  const n = count === 0 ? 0 : columns[0].length;
  const widths = columns.map(widthOf);
  const out = Buffer.allocUnsafe(2 + count + n * widths.reduce((sum, w) => sum + w, 0));
  out[0] = count & 0xff;
  out[1] = count >>> 8;
  let at = 2 + count;
  for (let c = 0; c < count; c++) {
    const values = columns[c];
    const w = widths[c];
    out[2 + c] = w;
    if (w === 1) {
      for (let k = 0; k < n; k++) out[at++] = values[k] + 1;
    } else if (w === 2) {
      for (let k = 0; k < n; k++) {
        const v = values[k] + 1;
        out[at++] = v & 0xff;
        out[at++] = v >>> 8;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const v = values[k];
        out[at++] = v & 0xff;
        out[at++] = (v >>> 8) & 0xff;
        out[at++] = (v >>> 16) & 0xff;
        out[at++] = v >>> 24;
      }
    }
  }
  return out;
}

/** The number of columns in a packed blob. */
export function packedColumnCount(codes: Uint8Array): number {
  return codes[0] | (codes[1] << 8);
}

/** Column `c` of a packed blob. */
export function unpackColumn(codes: Uint8Array, c: number): Int32Array {
  const count = packedColumnCount(codes);
  let rowBytes = 0;
  let at = 2 + count;
  for (let j = 0; j < count; j++) rowBytes += codes[2 + j];
  const n = rowBytes === 0 ? 0 : (codes.length - 2 - count) / rowBytes;
  for (let j = 0; j < c; j++) at += codes[2 + j] * n;
  const w = codes[2 + c];
  const values = new Int32Array(n);
  if (w === 1) {
    for (let k = 0; k < n; k++) values[k] = codes[at++] - 1;
  } else if (w === 2) {
    for (let k = 0; k < n; k++, at += 2) values[k] = (codes[at] | (codes[at + 1] << 8)) - 1;
  } else {
    for (let k = 0; k < n; k++, at += 4) values[k] = codes[at] | (codes[at + 1] << 8) | (codes[at + 2] << 16) | (codes[at + 3] << 24);
  }
  return values;
}
