import { memo, useCallback, useId, useMemo, useRef, useState } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { GapHistogram } from '../../../core/api/contract.ts';
import { count } from '../format.ts';
import { CHART, ChartStack, clampX, GeometryProbe, ThresholdMarks, type Geometry } from './chart-parts.tsx';
import { approxLabel, axisLabel, DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './scale.ts';
import type { Valley } from './valley.ts';

const X_TICKS = [SECOND_MS, 10 * SECOND_MS, MINUTE_MS, 10 * MINUTE_MS, HOUR_MS, 6 * HOUR_MS, DAY_MS];
const X_DOMAIN = [SECOND_MS, DAY_MS] as const;

type Bin = GapHistogram['bins'][number];

interface Point {
  x: number;
  /** Gaps in the bin starting here, on the y scale (log10(1 + n) when counts are on a log scale). */
  y: number;
  bin: Bin;
}

/** A count as the y axis draws it: as is, or log10(1 + n) so that 0 stays 0. */
const yOf = (n: number, log: boolean) => (log ? Math.log10(1 + n) : n);

/** The bins on the log axis (the first, 0 to 1 s, is left out), as the steps of an area. */
function series(histogram: GapHistogram, log: boolean): Point[] {
  const bins = histogram.bins.filter((b) => b.from_ms >= X_DOMAIN[0]);
  const points: Point[] = bins.map((bin) => ({ x: bin.from_ms, y: yOf(bin.gaps, log), bin }));
  const last = bins[bins.length - 1];
  if (last !== undefined) points.push({ x: last.to_ms, y: 0, bin: last });
  return points;
}

function logTicks(max: number): number[] {
  const ticks = [0];
  for (let n = 1; yOf(n, true) <= max * 1.0001; n *= 10) ticks.push(yOf(n, true));
  return ticks;
}

interface Props {
  histogram: GapHistogram;
  thresholdMs: number;
  storedMs: number;
  valley: Valley | null;
  logCounts: boolean;
}

/**
 * Inter-event gaps (within a user's local day) on a log time axis. The gaps up to the threshold
 * (spanned by a session) are blue; the longer ones (each starting a new session) orange: the
 * orange copy of the histogram is drawn on the overlay, clipped at the threshold.
 */
export function GapHistogramChart({ histogram, thresholdMs, storedMs, valley, logCounts }: Props) {
  const [geometry, setGeometry] = useState<Geometry | null>(null);
  const data = useMemo(() => series(histogram, logCounts), [histogram, logCounts]);
  const clip = `${useId()}-cut`;
  const threshold = useRef(thresholdMs);
  threshold.current = thresholdMs;

  const cutPath = useMemo(() => (geometry === null ? null : stepPath(data, geometry)), [data, geometry]);
  const tx = geometry === null ? 0 : clampX(geometry, geometry.x(thresholdMs));

  return (
    <ChartStack
      className="gap-chart"
      chart={<StaticHistogram data={data} histogram={histogram} valley={valley} logCounts={logCounts} threshold={threshold} onGeometry={setGeometry} />}
      overlay={
        geometry !== null &&
        cutPath !== null && (
          <>
            <defs>
              <clipPath id={clip}>
                <rect x={tx} y={0} width={Math.max(0, geometry.plot.x + geometry.plot.width - tx)} height={CHART.height} />
              </clipPath>
            </defs>
            <g className="cut-area" clipPath={`url(#${clip})`}>
              <path d={cutPath.fill} fill={CHART.cutFill} />
              <path d={cutPath.line} fill="none" stroke={CHART.cut} strokeWidth={1.25} />
            </g>
            <ThresholdMarks geometry={geometry} thresholdMs={thresholdMs} storedMs={storedMs} domain={X_DOMAIN} />
          </>
        )
      }
    />
  );
}

/** The histogram's steps in pixels: the closed area to fill, and its top edge to stroke. */
function stepPath(points: Point[], geometry: Geometry): { fill: string; line: string } | null {
  if (points.length < 2) return null;
  const base = geometry.y(0);
  const line: string[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const x0 = geometry.x(points[i].x);
    const x1 = geometry.x(points[i + 1].x);
    const y = geometry.y(points[i].y);
    if (![x0, x1, y, base].every(Number.isFinite)) return null;
    line.push(`${i === 0 ? 'M' : 'L'}${x0},${y}`, `L${x1},${y}`);
  }
  const first = geometry.x(points[0].x);
  const last = geometry.x(points[points.length - 1].x);
  const top = line.join('');
  return { fill: `M${first},${base}L${top.slice(1)}L${last},${base}Z`, line: `${top}L${last},${base}` };
}

/** The chart itself: redrawn only when the data, the count scale or the size change. */
const StaticHistogram = memo(function StaticHistogram({ data, histogram, valley, logCounts, threshold, onGeometry }: {
  data: Point[];
  histogram: GapHistogram;
  valley: Valley | null;
  logCounts: boolean;
  threshold: { current: number };
  onGeometry(geometry: Geometry | null): void;
}) {
  const maxY = useMemo(() => Math.max(1, ...data.map((p) => p.y)), [data]);
  const yLabel = useCallback((value: number) => (logCounts ? compact(Math.round(10 ** value - 1)) : compact(value)), [logCounts]);
  return (
    <ResponsiveContainer width="100%" height={CHART.height}>
      <AreaChart data={data} margin={CHART.margin} accessibilityLayer={false}>
        <CartesianGrid stroke={CHART.grid} vertical={false} />
        <XAxis
          dataKey="x"
          type="number"
          scale="log"
          domain={X_DOMAIN as unknown as [number, number]}
          ticks={X_TICKS}
          tickFormatter={axisLabel}
          tick={CHART.tick}
          tickLine={false}
          axisLine={{ stroke: CHART.axis }}
        />
        <YAxis
          domain={[0, logCounts ? Math.ceil(maxY) : 'auto']}
          ticks={logCounts ? logTicks(maxY) : undefined}
          tickFormatter={yLabel}
          tick={CHART.tick}
          tickLine={false}
          axisLine={false}
          width={44}
        />
        {valley !== null && <ReferenceArea x1={valley.from_ms} x2={valley.to_ms} fill={CHART.valley} fillOpacity={0.7} ifOverflow="hidden" />}
        <Area
          type="stepAfter"
          dataKey="y"
          className="within-area"
          stroke={CHART.within}
          strokeWidth={1.25}
          fill={CHART.withinFill}
          fillOpacity={1}
          isAnimationActive={false}
          activeDot={false}
        />
        <Tooltip
          cursor={{ stroke: CHART.axis, strokeDasharray: '2 2' }}
          isAnimationActive={false}
          content={({ active, payload }) => {
            const point = active ? (payload?.[0]?.payload as Point | undefined) : undefined;
            if (point === undefined) return null;
            const { bin } = point;
            const at = threshold.current;
            const share = histogram.gaps > 0 ? bin.gaps / histogram.gaps : 0;
            const side = bin.to_ms <= at ? 'kept inside a session' : bin.from_ms >= at ? 'each start a new session' : 'split by the threshold';
            return (
              <div className="chart-tip">
                <div className="chart-tip-title">
                  {approxLabel(bin.from_ms)} – {approxLabel(bin.to_ms)}
                </div>
                <div>
                  <strong>{count(bin.gaps)}</strong> gaps ({(share * 100).toFixed(1)}%)
                </div>
                <div className="muted">{side}</div>
              </div>
            );
          }}
        />
        <GeometryProbe onChange={onGeometry} />
      </AreaChart>
    </ResponsiveContainer>
  );
});

/** 1,234 → 1.2k; 12,000 → 12k. */
function compact(n: number): string {
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(1))}M`;
  if (n >= 1000) return `${Number((n / 1000).toFixed(1))}k`;
  return String(Math.round(n));
}
