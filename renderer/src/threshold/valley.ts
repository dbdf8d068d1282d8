import type { GapHistogram } from '../../../core/api/contract.ts';

/** The low point between the two humps of the gap histogram: where a threshold naturally cuts. */
export interface Valley {
  from_ms: number;
  to_ms: number;
  /** The middle of the valley on the log axis. */
  at_ms: number;
}

/**
 * The deepest valley of the gap histogram: in-session gaps (seconds to minutes) make one hump,
 * the breaks between visits (hours) another. Bins are smoothed over three neighbours; a bin is a
 * valley by how far it lies below the lower of the highest bins on either side of it. None when
 * the histogram has no second hump worth the name (under 2% of the highest bin, or a dip of
 * less than half).
 */
export function findValley(histogram: GapHistogram): Valley | null {
  // The first bin (0 ms up to 1 s) is not on the log axis; it takes no part.
  const bins = histogram.bins.filter((b) => b.from_ms > 0);
  const n = bins.length;
  if (n < 5) return null;
  const smooth = bins.map((_, i) => {
    let sum = 0;
    let weight = 0;
    for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) {
      const w = j === i ? 2 : 1;
      sum += bins[j].gaps * w;
      weight += w;
    }
    return sum / weight;
  });
  const highest = Math.max(...smooth);
  if (highest <= 0) return null;
  const leftMax: number[] = [];
  let running = 0;
  for (let i = 0; i < n; i++) {
    leftMax.push(running);
    running = Math.max(running, smooth[i]);
  }
  const rightMax: number[] = new Array<number>(n).fill(0);
  running = 0;
  for (let i = n - 1; i >= 0; i--) {
    rightMax[i] = running;
    running = Math.max(running, smooth[i]);
  }
  let best = -1;
  let bestDepth = 0;
  let bestShoulder = 0;
  for (let i = 1; i < n - 1; i++) {
    const shoulder = Math.min(leftMax[i], rightMax[i]);
    const depth = shoulder - smooth[i];
    if (shoulder < highest * 0.02 || smooth[i] > shoulder * 0.5) continue;
    if (depth > bestDepth) {
      bestDepth = depth;
      bestShoulder = shoulder;
      best = i;
    }
  }
  if (best === -1) return null;
  // The floor: the neighbours within a tenth of the dip's depth of its lowest bin; its middle is the cut.
  const ceiling = smooth[best] + (bestShoulder - smooth[best]) * 0.1;
  let first = best;
  let last = best;
  while (first > 0 && smooth[first - 1] <= ceiling) first--;
  while (last < n - 1 && smooth[last + 1] <= ceiling) last++;
  const from = bins[first].from_ms;
  const to = bins[last].to_ms;
  return { from_ms: from, to_ms: to, at_ms: Math.sqrt(from * to) };
}
