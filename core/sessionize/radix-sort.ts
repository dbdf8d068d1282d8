const BITS = 16;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

/**
 * Returns row indices ordered by `key` (integers, |key| < 2^53), stable: an LSD radix sort in
 * 16-bit digits, skipping digits every key shares. Linear in the number of rows, so a
 * shuffled file sorts as fast as a time-ordered one.
 */
export function radixOrder(key: Float64Array, n: number): Uint32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = key[i];
    if (k < min) min = k;
    if (k > max) max = k;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2 || max === min) return order;
  // Offsets from the minimum, split into two 32-bit halves.
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const offset = key[i] - min;
    const low = offset >>> 0; // ToUint32: offset mod 2^32, exact for integers below 2^53
    lo[i] = low;
    hi[i] = (offset - low) / 4294967296;
  }
  const span = max - min;
  let scratch = new Uint32Array(n);
  const counts = new Uint32Array(RADIX);
  const passes: Array<[Uint32Array, number]> = [];
  for (let shift = 0; shift < 32 && 2 ** shift <= span; shift += BITS) passes.push([lo, shift]);
  for (let shift = 0; shift < 32 && 2 ** (32 + shift) <= span; shift += BITS) passes.push([hi, shift]);
  for (let p = 0; p < passes.length; p++) {
    const half = passes[p][0];
    const shift = passes[p][1];
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(half[i] >>> shift) & MASK]++;
    if (counts[(half[0] >>> shift) & MASK] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const row = order[i];
      scratch[counts[(half[row] >>> shift) & MASK]++] = row;
    }
    const swap = order;
    order = scratch;
    scratch = swap;
  }
  return order;
}
