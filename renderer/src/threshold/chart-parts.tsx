// What the Threshold view's two charts share: sizes, colours, and the overlay that draws the
// threshold. The Recharts chart under it is static (its data only change with the cache); the
// threshold moves on an SVG laid over it, placed with the chart's own scales, so that a slider
// step redraws a few lines rather than the chart.
import { useEffect, type ReactNode } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale, type PlotArea } from 'recharts';
import { thresholdLabel } from './scale.ts';

export const CHART = {
  height: 256,
  margin: { top: 28, right: 20, bottom: 4, left: 0 },
  tick: { fontSize: 11, fill: '#5b6675' },
  grid: '#edf0f3',
  axis: '#c5cbd4',
  /** Gaps a session spans (up to the threshold), and gaps that start a new session: fill and edge. */
  within: '#2f5fd0',
  withinFill: '#d6e0f7',
  cut: '#d9822b',
  cutFill: '#f8e0c6',
  threshold: '#18202c',
  stored: '#8a94a3',
  curve: '#2f5fd0',
  valley: '#e4f1e8',
} as const;

/** Where the chart draws: data → pixels on both axes, and the plot area. */
export interface Geometry {
  x: (value: number) => number;
  y: (value: number) => number;
  plot: PlotArea;
}

/** Inside a chart: hands its scales and plot area out whenever they change (a resize, new data). */
export function GeometryProbe({ onChange }: { onChange(geometry: Geometry | null): void }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const plot = usePlotArea();
  useEffect(() => {
    if (xScale === undefined || yScale === undefined || plot === undefined) return onChange(null);
    onChange({ x: (v) => xScale(v) ?? Number.NaN, y: (v) => yScale(v) ?? Number.NaN, plot });
  }, [xScale, yScale, plot, onChange]);
  return null;
}

/** The chart and its overlay, stacked. */
export function ChartStack({ chart, overlay, className }: { chart: ReactNode; overlay: ReactNode; className: string }) {
  return (
    <div className={`chart-stack ${className}`} style={{ height: CHART.height }}>
      {chart}
      <svg className="chart-overlay" width="100%" height={CHART.height} aria-hidden="true">
        {overlay}
      </svg>
    </div>
  );
}

/** A pixel x kept inside the plot area (a threshold off the axis sits at its edge). */
export function clampX(geometry: Geometry, px: number): number {
  const { x, width } = geometry.plot;
  return Math.min(x + width, Math.max(x, px));
}

/** The threshold's line with its value in a dark pill above it, and the stored threshold's dashed line. */
export function ThresholdMarks({ geometry, thresholdMs, storedMs, domain }: {
  geometry: Geometry;
  thresholdMs: number;
  storedMs: number;
  domain: readonly [number, number];
}) {
  const { plot } = geometry;
  const top = plot.y;
  const bottom = plot.y + plot.height;
  const tx = clampX(geometry, geometry.x(thresholdMs));
  const sx = clampX(geometry, geometry.x(storedMs));
  const showStored = storedMs !== thresholdMs && storedMs >= domain[0] && storedMs <= domain[1];
  const text = thresholdLabel(thresholdMs);
  const width = text.length * 6.4 + 14;
  // The pill stays inside the chart at either end.
  const pillX = Math.min(plot.x + plot.width + 14 - width / 2, Math.max(width / 2 + 2, tx));
  return (
    <g className="threshold-marks">
      {showStored && (
        <g className="stored-mark">
          <line x1={sx} x2={sx} y1={top} y2={bottom} stroke={CHART.stored} strokeWidth={1.25} strokeDasharray="4 3" />
          {Math.abs(sx - tx) > width / 2 + 22 && (
            <text x={sx} y={top - 9} textAnchor="middle" fill={CHART.stored} fontSize={10.5}>
              stored
            </text>
          )}
        </g>
      )}
      <line className="threshold-line" x1={tx} x2={tx} y1={top} y2={bottom} stroke={CHART.threshold} strokeWidth={1.75} />
      <g className="threshold-tag">
        <rect x={pillX - width / 2} y={top - 21} width={width} height={17} rx={8.5} fill={CHART.threshold} />
        <text x={pillX} y={top - 9} textAnchor="middle" fill="#fff" fontSize={11} fontWeight={600}>
          {text}
        </text>
      </g>
    </g>
  );
}
