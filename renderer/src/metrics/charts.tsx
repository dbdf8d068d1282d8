// The Metrics view's Recharts charts: a per-day chart (bars or lines, with an optional dashed
// line at the range's figure), the duration histogram, and the breakdown's horizontal bars.
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  countTick, countTicks, durationTick, durationTicks, formatValue, longDate, shareTick, shareTicks, shortDate, type DataRow, type ValueKind,
} from './series.ts';

export const CHART_HEIGHT = 210;

export const LOOK = {
  tick: { fontSize: 11, fill: '#5b6675' },
  grid: '#edf0f3',
  axis: '#c5cbd4',
  reference: '#8a94a3',
} as const;

/** A series of a chart: a column of its rows, drawn as bars or a line. */
export interface Series {
  key: string;
  label: string;
  color: string;
  shape: 'bar' | 'line';
}

/** The y axis of a value kind: its ticks, their labels, its width. */
function yAxisOf(kind: ValueKind, max: number) {
  switch (kind) {
    case 'duration': {
      const ticks = durationTicks(max);
      return { ticks, domain: [0, ticks[ticks.length - 1]] as [number, number], format: durationTick, width: 54 };
    }
    case 'share': {
      const ticks = shareTicks(max);
      return { ticks, domain: [0, ticks[ticks.length - 1]] as [number, number], format: shareTick, width: 40 };
    }
    default: {
      const ticks = countTicks(max);
      return { ticks, domain: [0, ticks[ticks.length - 1]] as [number, number], format: countTick, width: 44 };
    }
  }
}

/** The largest value of the series' columns (0 when none). */
function maxOf(rows: DataRow[], keys: string[]): number {
  let max = 0;
  for (const row of rows) {
    for (const key of keys) {
      const v = row[key];
      if (typeof v === 'number' && v > max) max = v;
    }
  }
  return max;
}

interface DayChartProps {
  rows: DataRow[];
  series: Series[];
  kind: ValueKind;
  /** A dashed line across at this value (the range's figure), with its label. */
  reference: { value: number; label: string } | null;
}

/** Values by local start date: bars or lines on a date axis, one point per day. */
export const DayChart = memo(function DayChart({ rows, series, kind, reference }: DayChartProps) {
  const y = useMemo(() => yAxisOf(kind, Math.max(maxOf(rows, series.map((s) => s.key)), reference?.value ?? 0)), [kind, rows, series, reference]);
  const dots = rows.length <= 62;
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ComposedChart data={rows} margin={{ top: 12, right: 14, bottom: 0, left: 0 }} accessibilityLayer={false} barCategoryGap="22%">
        <CartesianGrid stroke={LOOK.grid} vertical={false} />
        <XAxis
          dataKey="start_date"
          tickFormatter={shortDate}
          tick={LOOK.tick}
          tickLine={false}
          axisLine={{ stroke: LOOK.axis }}
          interval={Math.max(0, Math.ceil(rows.length / 8) - 1)}
        />
        <YAxis
          domain={y.domain}
          ticks={y.ticks}
          tickFormatter={y.format}
          allowDecimals={kind !== 'count'}
          tick={LOOK.tick}
          tickLine={false}
          axisLine={false}
          width={y.width}
        />
        {series.map((s) =>
          s.shape === 'bar' ? (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} radius={[2, 2, 0, 0]} maxBarSize={32} isAnimationActive={false} />
          ) : (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              type="monotone"
              stroke={s.color}
              strokeWidth={2}
              dot={dots ? { r: 2.5, fill: s.color, stroke: s.color, strokeWidth: 0 } : false}
              activeDot={{ r: 4, stroke: '#fff', strokeWidth: 1.5 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          ),
        )}
        {reference !== null && (
          <ReferenceLine
            y={reference.value}
            stroke={LOOK.reference}
            strokeDasharray="4 3"
            strokeWidth={1.25}
            ifOverflow="extendDomain"
          />
        )}
        <Tooltip
          cursor={series.some((s) => s.shape === 'bar') ? { fill: 'rgb(47 95 208 / 0.06)', stroke: 'none' } : { stroke: LOOK.axis, strokeDasharray: '2 2' }}
          isAnimationActive={false}
          content={({ active, payload }) => {
            const row = active ? (payload?.[0]?.payload as DataRow | undefined) : undefined;
            if (row === undefined) return null;
            return (
              <div className="m-tip">
                <div className="m-tip-title">{longDate(String(row.start_date))}</div>
                {series.map((s) => (
                  <div key={s.key} className="m-tip-row">
                    <span className={`m-swatch ${s.shape}`} style={{ color: s.color }} aria-hidden="true" />
                    <span>{s.label}</span>
                    <strong>{formatValue(kind, row[s.key] ?? null)}</strong>
                  </div>
                ))}
                {typeof row.sessions === 'number' && !series.some((s) => s.key === 'sessions') && (
                  <div className="m-tip-note">{formatValue('count', row.sessions)} sessions</div>
                )}
              </div>
            );
          }}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
});

/** Sessions by duration bin: one bar per bin, labelled `1–2m`. */
export const HistogramChart = memo(function HistogramChart({ rows, color, total }: { rows: DataRow[]; color: string; total: number }) {
  const y = useMemo(() => yAxisOf('count', maxOf(rows, ['sessions'])), [rows]);
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={rows} margin={{ top: 12, right: 14, bottom: 0, left: 0 }} accessibilityLayer={false} barCategoryGap="14%">
        <CartesianGrid stroke={LOOK.grid} vertical={false} />
        <XAxis dataKey="duration" tick={LOOK.tick} tickLine={false} axisLine={{ stroke: LOOK.axis }} interval={0} />
        <YAxis domain={y.domain} ticks={y.ticks} tickFormatter={y.format} tick={LOOK.tick} tickLine={false} axisLine={false} width={y.width} />
        <Bar dataKey="sessions" name="Sessions" fill={color} radius={[2, 2, 0, 0]} maxBarSize={56} isAnimationActive={false} />
        <Tooltip
          cursor={{ fill: 'rgb(47 95 208 / 0.06)', stroke: 'none' }}
          isAnimationActive={false}
          content={({ active, payload }) => {
            const row = active ? (payload?.[0]?.payload as DataRow | undefined) : undefined;
            if (row === undefined) return null;
            const n = Number(row.sessions);
            return (
              <div className="m-tip">
                <div className="m-tip-title">{row.to_secs === null ? `${row.duration} long` : `Lasting ${row.duration}`}</div>
                <div className="m-tip-row">
                  <span className="m-swatch bar" style={{ color }} aria-hidden="true" />
                  <span>Sessions</span>
                  <strong>{formatValue('count', n)}</strong>
                </div>
                <div className="m-tip-note">{total > 0 ? `${((n / total) * 100).toFixed(1)}% of the range’s sessions` : ''}</div>
              </div>
            );
          }}
        />
      </BarChart>
    </ResponsiveContainer>
  );
});

/** One metric per attribute value, as horizontal bars, the largest first. */
export const BreakdownChart = memo(function BreakdownChart({ rows, valueKey, label, kind, color }: {
  rows: DataRow[];
  valueKey: string;
  label: string;
  kind: ValueKind;
  color: string;
}) {
  const y = useMemo(() => yAxisOf(kind, maxOf(rows, [valueKey])), [kind, rows, valueKey]);
  const height = Math.max(CHART_HEIGHT, rows.length * 26 + 34);
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 18, bottom: 0, left: 4 }} accessibilityLayer={false} barCategoryGap="24%">
        <CartesianGrid stroke={LOOK.grid} horizontal={false} />
        <XAxis type="number" domain={y.domain} ticks={y.ticks} tickFormatter={y.format} tick={LOOK.tick} tickLine={false} axisLine={{ stroke: LOOK.axis }} />
        <YAxis type="category" dataKey="shown" tick={LOOK.tick} tickLine={false} axisLine={false} width={92} interval={0} />
        <Bar dataKey={valueKey} name={label} fill={color} radius={[0, 2, 2, 0]} maxBarSize={18} isAnimationActive={false} />
        <Tooltip
          cursor={{ fill: 'rgb(47 95 208 / 0.06)', stroke: 'none' }}
          isAnimationActive={false}
          content={({ active, payload }) => {
            const row = active ? (payload?.[0]?.payload as DataRow | undefined) : undefined;
            if (row === undefined) return null;
            return (
              <div className="m-tip">
                <div className="m-tip-title">{String(row.shown)}</div>
                <div className="m-tip-row">
                  <span className="m-swatch bar" style={{ color }} aria-hidden="true" />
                  <span>{label}</span>
                  <strong>{formatValue(kind, row[valueKey] ?? null)}</strong>
                </div>
                {valueKey !== 'sessions' && <div className="m-tip-note">{formatValue('count', row.sessions ?? null)} sessions</div>}
              </div>
            );
          }}
        />
      </BarChart>
    </ResponsiveContainer>
  );
});
