import { memo, useCallback, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SweepResult } from '../../../core/api/contract.ts';
import { count, duration } from '../format.ts';
import { CHART, ChartStack, clampX, GeometryProbe, ThresholdMarks, type Geometry } from './chart-parts.tsx';
import { axisLabel, CURVE_TICKS_MS, nearestStep, SLIDER_MAX_MS, SLIDER_MIN_MS, thresholdLabel } from './scale.ts';
import type { Valley } from './valley.ts';

const X_DOMAIN = [SLIDER_MIN_MS, SLIDER_MAX_MS] as const;

interface Point {
  x: number;
  sessions: number;
  mean: number;
}

interface Props {
  sweep: SweepResult;
  thresholdMs: number;
  storedMs: number;
  valley: Valley | null;
  /** A click on the curve asks for the threshold there. */
  onPick(ms: number): void;
}

/** Sessions versus threshold, 1 minute to 4 hours on a log axis; the threshold shown (with its point) and the stored one marked. */
export function SweepChart({ sweep, thresholdMs, storedMs, valley, onPick }: Props) {
  const [geometry, setGeometry] = useState<Geometry | null>(null);
  const data = useMemo<Point[]>(
    () =>
      sweep.points
        .filter((p) => p.threshold_secs * 1000 >= SLIDER_MIN_MS && p.threshold_secs * 1000 <= SLIDER_MAX_MS)
        .map((p) => ({ x: p.threshold_secs * 1000, sessions: p.sessions, mean: p.mean_duration_secs })),
    [sweep],
  );
  const dotY = interpolate(data, thresholdMs);
  const inRange = thresholdMs >= SLIDER_MIN_MS && thresholdMs <= SLIDER_MAX_MS;
  return (
    <ChartStack
      className="sweep-chart"
      chart={<StaticSweep data={data} valley={valley} onPick={onPick} onGeometry={setGeometry} />}
      overlay={
        geometry !== null && (
          <>
            <ThresholdMarks geometry={geometry} thresholdMs={thresholdMs} storedMs={storedMs} domain={X_DOMAIN} />
            {dotY !== null && inRange && (
              <circle
                className="threshold-dot"
                cx={clampX(geometry, geometry.x(thresholdMs))}
                cy={geometry.y(dotY)}
                r={4.5}
                fill="#fff"
                stroke={CHART.threshold}
                strokeWidth={2}
              />
            )}
          </>
        )
      }
    />
  );
}

const StaticSweep = memo(function StaticSweep({ data, valley, onPick, onGeometry }: {
  data: Point[];
  valley: Valley | null;
  onPick(ms: number): void;
  onGeometry(geometry: Geometry | null): void;
}) {
  const onClick = useCallback(
    (state: { activeLabel?: unknown }) => {
      const x = Number(state.activeLabel);
      if (Number.isFinite(x) && x > 0) onPick(nearestStep(x));
    },
    [onPick],
  );
  return (
    <ResponsiveContainer width="100%" height={CHART.height}>
      <LineChart data={data} margin={CHART.margin} accessibilityLayer={false} onClick={onClick}>
        <CartesianGrid stroke={CHART.grid} vertical={false} />
        <XAxis
          dataKey="x"
          type="number"
          scale="log"
          domain={X_DOMAIN as unknown as [number, number]}
          ticks={CURVE_TICKS_MS as number[]}
          tickFormatter={axisLabel}
          tick={CHART.tick}
          tickLine={false}
          axisLine={{ stroke: CHART.axis }}
        />
        <YAxis domain={[0, 'auto']} tickFormatter={compactCount} tick={CHART.tick} tickLine={false} axisLine={false} width={44} />
        {valley !== null && <ReferenceArea x1={valley.from_ms} x2={valley.to_ms} fill={CHART.valley} fillOpacity={0.7} ifOverflow="hidden" />}
        <Line type="monotone" dataKey="sessions" stroke={CHART.curve} strokeWidth={2} dot={false} isAnimationActive={false} activeDot={{ r: 3.5 }} />
        <Tooltip
          cursor={{ stroke: CHART.axis, strokeDasharray: '2 2' }}
          isAnimationActive={false}
          content={({ active, payload }) => {
            const point = active ? (payload?.[0]?.payload as Point | undefined) : undefined;
            if (point === undefined) return null;
            return (
              <div className="chart-tip">
                <div className="chart-tip-title">at {thresholdLabel(point.x)}</div>
                <div>
                  <strong>{count(point.sessions)}</strong> sessions
                </div>
                <div className="muted">mean {duration(point.mean)}</div>
                <div className="chart-tip-hint">click to preview</div>
              </div>
            );
          }}
        />
        <GeometryProbe onChange={onGeometry} />
      </LineChart>
    </ResponsiveContainer>
  );
});

/** Sessions at a threshold between two swept ones, read off the curve (log x); null outside it. */
function interpolate(points: Point[], ms: number): number | null {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (ms >= a.x && ms <= b.x) {
      const t = Math.log(ms / a.x) / Math.log(b.x / a.x);
      return a.sessions + (b.sessions - a.sessions) * (Number.isFinite(t) ? t : 0);
    }
  }
  return null;
}

function compactCount(n: number): string {
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(1))}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${Number((n / 1000).toFixed(1))}k`;
  return String(n);
}
