import type { EventTimeline } from '../sessionize/event-timeline.ts';
import type { GapIndex } from '../sessionize/threshold-sweep.ts';
import type { GapHistogram, ThresholdComparison, ThresholdPreview } from './contract.ts';

/** Bins per factor of ten: fine enough to see the valley between the two humps. */
const BINS_PER_DECADE = 10;
const SMALLEST_EDGE_MS = 1000;
const LARGEST_EDGE_MS = 86_400_000;

/**
 * In-day gaps (between consecutive events of one user on one local date; 0 ms ties left out)
 * on logarithmic bins from 1 s to a day, the first bin holding everything up to 1 s.
 */
export function gapHistogram(timeline: EventTimeline): GapHistogram {
  const edges = [0];
  for (let k = 0; ; k++) {
    const edge = Math.round(SMALLEST_EDGE_MS * 10 ** (k / BINS_PER_DECADE));
    if (edge >= LARGEST_EDGE_MS) break;
    edges.push(edge);
  }
  edges.push(LARGEST_EDGE_MS);
  const counts = new Float64Array(edges.length - 1);
  const { user, day, time, length } = timeline;
  let gaps = 0;
  const perDecade = BINS_PER_DECADE / Math.LN10;
  for (let i = 1; i < length; i++) {
    if (user[i] !== user[i - 1] || day[i] !== day[i - 1]) continue;
    const gap = time[i] - time[i - 1];
    if (gap <= 0) continue;
    gaps++;
    // Estimate the bin from the logarithm, then correct for rounding at the edges.
    let bin = gap <= SMALLEST_EDGE_MS ? 0 : Math.min(edges.length - 2, 1 + Math.floor(Math.log(gap / SMALLEST_EDGE_MS) * perDecade));
    while (bin > 0 && gap <= edges[bin]) bin--;
    while (bin < edges.length - 2 && gap > edges[bin + 1]) bin++;
    counts[bin]++;
  }
  return { gaps, bins: Array.from(counts, (n, b) => ({ from_ms: edges[b], to_ms: edges[b + 1], gaps: n })) };
}

/**
 * Two thresholds side by side. The shorter one cuts at every gap the longer one cuts at, and
 * also at gaps between the two: each of the longer threshold's sessions holding such a gap is
 * split. One scan counts them.
 */
export function compareThresholds(timeline: EventTimeline, index: GapIndex, aMs: number, bMs: number): ThresholdComparison {
  const [pointA, pointB] = index.sweep([aMs, bMs]);
  const preview = (ms: number, p: typeof pointA): ThresholdPreview => ({ threshold_ms: ms, sessions: p.sessions, mean_duration_secs: p.mean_duration_secs });
  const shorter = Math.min(aMs, bMs);
  const longer = Math.max(aMs, bMs);
  const { user, day, time, length } = timeline;
  let split = 0;
  let into = 0;
  let cutsHere = 0;
  const close = () => {
    if (cutsHere > 0) {
      split++;
      into += cutsHere + 1;
    }
    cutsHere = 0;
  };
  for (let i = 1; i < length; i++) {
    const gap = time[i] - time[i - 1];
    if (user[i] !== user[i - 1] || day[i] !== day[i - 1] || gap > longer) close();
    else if (gap > shorter) cutsHere++;
  }
  if (length > 0) close();
  const longerSessions = aMs >= bMs ? pointA.sessions : pointB.sessions;
  return { a: preview(aMs, pointA), b: preview(bMs, pointB), split_sessions: split, split_into: into, unchanged: longerSessions - split };
}
