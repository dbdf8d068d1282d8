import { formatDurationMs } from '../time/duration.ts';
import { UserError } from '../util/user-error.ts';

/**
 * How the push-down sweep buckets in-day gaps. A gap of `g` ms is identified by its length in
 * whole seconds rounded up, `s = ceil(g / 1000)`; a bucket is named by its upper edge `E` and
 * holds the gaps with `previous edge < s <= E`. Edges are every second up to 1 h (where the
 * usual thresholds are), every 10 s up to 4 h, and every 60 s beyond: about 5,900 buckets for
 * a 25-hour local day, few enough to return per local date. The last step has no upper bound,
 * so no gap, however long (a zone's historical offset change can make a day longer than 25 h),
 * falls outside the layout.
 *
 * Why thresholds on an edge are exact: for whole seconds T, `g > T * 1000 ms` ⇔ `s > T`; and when
 * T is an edge, `s > T` ⇔ the gap's bucket edge is `> T` (a bucket above T starts above T, a
 * bucket at or below T ends at or below T). A threshold between two edges splits a bucket, and
 * the aggregates cannot say on which side its gaps lie.
 */
export interface BucketStep {
  /** The step applies to edges up to and including this many seconds. */
  upToSecs: number;
  stepSecs: number;
}

export const BUCKET_STEPS: readonly BucketStep[] = [
  { upToSecs: 3_600, stepSecs: 1 },
  { upToSecs: 14_400, stepSecs: 10 },
  { upToSecs: Infinity, stepSecs: 60 },
];

/** Each step's upper bound is a multiple of the next step, so edges continue without a seam. */
function stepFor(secs: number): BucketStep {
  for (const step of BUCKET_STEPS) if (secs <= step.upToSecs) return step;
  return BUCKET_STEPS[BUCKET_STEPS.length - 1];
}

/** A gap's length in whole seconds, rounded up: the identity the buckets use (0 for a tie). */
export function gapSeconds(gapMs: number): number {
  return Math.ceil(gapMs / 1000);
}

/** The upper edge of the bucket of a gap of `secs` whole seconds (see gapSeconds). */
export function bucketEdgeSecs(secs: number): number {
  const { stepSecs } = stepFor(secs);
  return Math.ceil(secs / stepSecs) * stepSecs;
}

/** Whether `secs` is an edge of the layout (0, the bound below the first bucket, is one). */
export function isBucketEdge(secs: number): boolean {
  return Number.isSafeInteger(secs) && secs >= 0 && secs % stepFor(secs).stepSecs === 0;
}

/** The edges nearest a threshold that is not one: the largest below it and the smallest above. */
export function nearestEdgesMs(thresholdMs: number): { below: number; above: number } {
  const secs = thresholdMs / 1000;
  // A position between edges lies strictly inside one step's range, whose step tells the spacing.
  const { stepSecs } = stepFor(Math.ceil(secs));
  return { below: Math.floor(secs / stepSecs) * stepSecs * 1000, above: Math.ceil(secs / stepSecs) * stepSecs * 1000 };
}

/** A one-line description of the layout, for messages and documentation. */
export function describeLayout(): string {
  const parts = BUCKET_STEPS.map((step) =>
    step.upToSecs === Infinity ? `every ${step.stepSecs} s beyond` : `every ${step.stepSecs} s up to ${formatDurationMs(step.upToSecs * 1000)}`,
  );
  return parts.join(', ');
}

/**
 * Checks that a threshold can be answered exactly from the bucketed statistics; otherwise a
 * UserError naming the nearest edges, so the user can pick one.
 */
export function assertBucketEdge(thresholdMs: number): void {
  if (!Number.isFinite(thresholdMs) || thresholdMs < 0) {
    throw new UserError('a sweep threshold must be a non-negative duration');
  }
  if (thresholdMs % 1000 === 0 && isBucketEdge(thresholdMs / 1000)) return;
  const { below, above } = nearestEdgesMs(thresholdMs);
  throw new UserError(
    `threshold ${formatDurationMs(thresholdMs)} is not a bucket edge of the warehouse sweep; ` +
      `the nearest are ${formatDurationMs(below)} and ${formatDurationMs(above)} (edges are ${describeLayout()})`,
  );
}
