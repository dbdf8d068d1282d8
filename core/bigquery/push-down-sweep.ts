import type { SessionDefinition } from '../definition.ts';
import type { SweepPoint } from '../sessionize/threshold-sweep.ts';
import { assertBucketEdge, describeLayout } from '../sweep/bucket-layout.ts';
import { gapStatisticsFromRows, type GapStatisticsRow } from '../sweep/gap-statistics.ts';
import { sweepByDate, sweepFromStatistics } from '../sweep/statistics-sweep.ts';
import { createClient } from './connection.ts';
import {
  checkWithinGuard, DEFAULT_PRICE_PER_TIB_USD, estimateQuery, onDemandCostUsd, runQuery, selectionOf, type FetchEstimate, type FetchProgress, type WarehouseRequest,
} from './fetch-events.ts';
import { gapStatisticsQuery } from './gap-statistics-query.ts';

/** Pages of statistics rows are small (four numbers), so they are read in large pages. */
const STATISTICS_PAGE_ROWS = 50_000;

export interface PushDownSweepRequest extends WarehouseRequest {
  definition: SessionDefinition;
  thresholdsMs: number[];
  /** Also sweep each local date on its own. */
  byDate?: boolean;
  onEstimate?: (estimate: FetchEstimate) => void;
  onProgress?: (progress: FetchProgress) => void;
}

export interface PushDownSweepResult {
  time_zone: string;
  source: string;
  from: string;
  to: string;
  user_days: number;
  bytes_processed: number;
  estimated_cost_usd: number;
  thresholds: SweepPoint[];
  dates?: Array<{ local_date: string; thresholds: SweepPoint[] }>;
  note: string;
}

const DURATION_NOTE =
  'computed in BigQuery from gap statistics; durations are exact in ms (the local sweep floors each session to whole seconds), so they agree when event times are whole seconds';

/**
 * The threshold sweep of a range too large to fetch: one query returns the definition's gap
 * statistics per local date and gap bucket (core/sweep/gap-statistics.ts), from which the
 * session count and durations at every requested threshold follow, with no event leaving the
 * warehouse. Thresholds are checked against the bucket layout before anything is queried.
 */
export async function pushDownSweep(request: PushDownSweepRequest): Promise<PushDownSweepResult> {
  for (const threshold of request.thresholdsMs) assertBucketEdge(threshold);
  const query = gapStatisticsQuery(selectionOf(request, request.definition));
  const client = request.client ?? createClient(request.connection);
  const estimate = await estimateQuery(client, request, query);
  request.onEstimate?.(estimate);
  checkWithinGuard(estimate);
  const rows: GapStatisticsRow[] = [];
  const processed = await runQuery(client, request, query, {
    onRow: (row) => void rows.push(row as unknown as GapStatisticsRow),
    onProgress: (progress) => request.onProgress?.(progress),
    pageSize: STATISTICS_PAGE_ROWS,
    cancelledMessage: 'sweep cancelled: the BigQuery job was cancelled',
  });
  const statistics = gapStatisticsFromRows(rows);
  const bytes = processed || estimate.bytes;
  return {
    time_zone: request.definition.timeZone,
    source: `bigquery:${estimate.table}`,
    from: request.from,
    to: request.to,
    user_days: statistics.dates.reduce((sum, date) => sum + date.user_days, 0),
    bytes_processed: bytes,
    estimated_cost_usd: onDemandCostUsd(bytes, request.pricePerTiB ?? DEFAULT_PRICE_PER_TIB_USD),
    thresholds: sweepFromStatistics(statistics, request.thresholdsMs),
    ...(request.byDate ? { dates: sweepByDate(statistics, request.thresholdsMs) } : {}),
    note: DURATION_NOTE,
  };
}

/** The dry run of a push-down sweep. */
export async function estimatePushDownSweep(request: WarehouseRequest, definition: SessionDefinition): Promise<FetchEstimate> {
  const client = request.client ?? createClient(request.connection);
  return estimateQuery(client, request, gapStatisticsQuery(selectionOf(request, definition)));
}

/** For help texts: which thresholds a push-down sweep can answer. */
export function pushDownThresholdsHelp(): string {
  return `bucket edges only: ${describeLayout()}`;
}
