import { useMemo, useState } from 'react';
import type { AppMetrics, CacheSummary } from '../../../core/api/contract.ts';
import { plural } from '../format.ts';
import { previewParam, useExplorer } from '../frame/explorer.tsx';
import { thresholdLabel } from '../threshold/scale.ts';
import { ChartFigure, RowsTable } from './ChartFigure.tsx';
import { BreakdownChart, DayChart, HistogramChart, type Series } from './charts.tsx';
import { RangeFields, ThresholdField, type Range } from './Controls.tsx';
import { Headline } from './Headline.tsx';
import type { LegendKey } from './save.ts';
import { binLabel, dayPoints, durationText, fileStem, rangeText, shareText, type ChartTable, type DataColumn, type DataRow, type ValueKind } from './series.ts';
import { useMetrics } from './use-metrics.ts';
import './metrics.css';
import { ErrorState } from '../frame/ErrorState.tsx';

const COLOR = {
  sessions: '#2f5fd0',
  users: '#0f7f8a',
  perUser: '#2f5fd0',
  first: '#7048c8',
  median: '#2f5fd0',
  p90: '#d9822b',
  bounce: '#c0487a',
  histogram: '#5479d9',
  breakdown: '#2f5fd0',
} as const;

/** A per-day chart: its title, what it shows, its series, and the range's figure drawn across it. */
interface DayChartSpec {
  title: string;
  subtitle: string;
  kind: ValueKind;
  series: Series[];
  reference?: (totals: AppMetrics['totals']) => number | null;
  /** Shown instead of the chart when no day has a value. */
  none: string;
}

const DAY_CHARTS: DayChartSpec[] = [
  {
    title: 'Sessions per day',
    subtitle: 'Sessions by local start date',
    kind: 'count',
    series: [{ key: 'sessions', label: 'Sessions', color: COLOR.sessions, shape: 'bar' }],
    none: 'No sessions in this range',
  },
  {
    title: 'Users per day',
    subtitle: 'Distinct users with a session starting that day',
    kind: 'count',
    series: [{ key: 'users', label: 'Users', color: COLOR.users, shape: 'bar' }],
    none: 'No users in this range',
  },
  {
    title: 'Average session time per user per day',
    subtitle: 'The day’s total session time ÷ the day’s users; dashed: the range’s figure',
    kind: 'duration',
    series: [{ key: 'avg_session_time_per_user', label: 'Avg session time per user', color: COLOR.perUser, shape: 'line' }],
    reference: (t) => t.avg_session_time_per_user,
    none: 'No sessions in this range',
  },
  {
    title: 'Average first-session duration per day',
    subtitle: 'Mean duration of users’ first sessions (session 1) starting that day',
    kind: 'duration',
    series: [{ key: 'avg_first_session_secs', label: 'Avg first-session duration', color: COLOR.first, shape: 'line' }],
    reference: (t) => t.avg_first_session_secs,
    none: 'No first sessions in this range',
  },
  {
    title: 'Median and p90 session duration per day',
    subtitle: 'Half of the day’s sessions are shorter than the median, nine in ten shorter than p90',
    kind: 'duration',
    series: [
      { key: 'median_duration_secs', label: 'Median', color: COLOR.median, shape: 'line' },
      { key: 'p90_duration_secs', label: 'P90', color: COLOR.p90, shape: 'line' },
    ],
    none: 'No sessions in this range',
  },
  {
    title: 'Bounce share per day',
    subtitle: 'Share of the day’s sessions with a single event; dashed: the range’s share',
    kind: 'share',
    series: [{ key: 'bounce_share', label: 'Bounce share', color: COLOR.bounce, shape: 'line' }],
    reference: (t) => t.bounce_share,
    none: 'No sessions in this range',
  },
];

/** What the breakdown's bars may show, per attribute value. */
const BREAKDOWN_METRICS: Array<{ key: string; label: string; short: string; kind: ValueKind }> = [
  { key: 'sessions', label: 'Sessions', short: 'Sessions', kind: 'count' },
  { key: 'users', label: 'Users', short: 'Users', kind: 'count' },
  { key: 'avg_session_time_per_user', label: 'Avg session time per user per day', short: 'Time / user / day', kind: 'duration' },
  { key: 'avg_first_session_secs', label: 'Avg first-session duration', short: 'First session', kind: 'duration' },
  { key: 'median_duration_secs', label: 'Median duration', short: 'Median', kind: 'duration' },
  { key: 'p90_duration_secs', label: 'P90 duration', short: 'P90', kind: 'duration' },
  { key: 'bounce_share', label: 'Bounce share', short: 'Bounce', kind: 'share' },
];
/** Values drawn as bars (all of them are in the table and the CSV). */
const BREAKDOWN_BARS = 12;

/** The view's choices, kept while another tab is shown (the view unmounts meanwhile). */
interface Choices {
  path: string;
  /** Null: the cache's first or last date. */
  from: string | null;
  to: string | null;
  breakdown: string | null;
  breakdownMetric: string;
}
let kept: Choices | null = null;

/** The Metrics view: headline figures, per-day charts, the duration histogram and a breakdown, over a date range. */
export function MetricsView() {
  const { summary } = useExplorer();
  if (summary === null) {
    return (
      <div className="empty-state">
        <h2>No data yet</h2>
        <p>Open the demo data, or import event files, from the Data panel to see session metrics.</p>
      </div>
    );
  }
  if (summary.first_date === null || summary.last_date === null || summary.sessions === 0) {
    return (
      <div className="empty-state">
        <h2>The cache holds no sessions</h2>
        <p>Import event files from the Data panel: the metrics are computed from their sessions.</p>
      </div>
    );
  }
  return <MetricsExplorer summary={summary} full={{ from: summary.first_date, to: summary.last_date }} />;
}

function MetricsExplorer({ summary, full }: { summary: CacheSummary; full: Range }) {
  const explorer = useExplorer();
  const { host, version, thresholdMs, setPreviewMs } = explorer;
  const storedMs = summary.definition.threshold_ms;
  const attributes = useMemo(() => summary.definition.attributes.map((a) => a.name), [summary]);

  const [choices, setChoicesState] = useState<Choices>(() =>
    kept !== null && kept.path === summary.path
      ? kept
      : { path: summary.path, from: null, to: null, breakdown: null, breakdownMetric: 'sessions' },
  );
  const choose = (patch: Partial<Choices>) =>
    setChoicesState((old) => {
      const next = { ...old, ...patch, path: summary.path };
      kept = next;
      return next;
    });

  const range: Range = { from: choices.from ?? full.from, to: choices.to ?? full.to };
  const rangeOk = isDate(range.from) && isDate(range.to) && range.from <= range.to;
  const breakdown = choices.breakdown !== null && attributes.includes(choices.breakdown) ? choices.breakdown : (attributes[0] ?? null);
  const preview = previewParam(explorer);
  const metrics = useMetrics(host.api, `${summary.path}|${version}`, rangeOk ? { ...preview, from: range.from, to: range.to, breakdown } : null);
  const value = metrics.value;

  const setRange = (patch: Partial<Range> | null) => {
    if (patch === null) return choose({ from: null, to: null });
    const next: Partial<Choices> = {};
    if (patch.from !== undefined) next.from = patch.from === '' || patch.from === full.from ? null : patch.from;
    if (patch.to !== undefined) next.to = patch.to === '' || patch.to === full.to ? null : patch.to;
    choose(next);
  };
  const showAll = () => choose({ from: null, to: null });

  const loading = value === null;
  const shownFrom = value?.from ?? range.from;
  const shownTo = value?.to ?? range.to;
  const context = value === null ? '' : contextLine(value);
  const stem = (title: string) => fileStem(title, shownFrom, shownTo);
  const noSessions = value !== null && value.totals.sessions === 0;
  const failed = value === null && metrics.error !== null;

  return (
    <div className="metrics-view">
      <div className="m-toolbar" role="group" aria-label="Metrics options">
        <RangeFields range={range} full={full} onChange={setRange} />
        <label className="field m-breakdown-field">
          <span>Breakdown by</span>
          <select value={breakdown ?? ''} onChange={(e) => choose({ breakdown: e.target.value })} disabled={attributes.length === 0}>
            {attributes.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <ThresholdField valueMs={thresholdMs} storedMs={storedMs} onCommit={(ms) => setPreviewMs(ms === storedMs ? null : ms)} />
        <p className="m-status" role="status" aria-live="polite">
          {failed ? null : metrics.updating || loading ? (
            <>
              <span className="m-spinner" aria-hidden="true" />
              {loading ? 'Computing metrics…' : 'Updating…'}
            </>
          ) : value !== null ? (
            <>
              <strong>{rangeText(shownFrom, shownTo)}</strong>
              <span className="muted">
                {value.totals.days === 0 ? 'no sessions' : `${plural(value.totals.days, 'day')} with sessions`} · {value.time_zone}
              </span>
            </>
          ) : null}
        </p>
      </div>

      {metrics.error !== null && !failed && (
        <div className="notice error m-notice" role="alert">
          The metrics could not be updated: {metrics.error}. The figures below are the previous ones.
          <button type="button" className="button small" onClick={metrics.retry}>
            Try again
          </button>
        </div>
      )}

      {failed ? (
        <ErrorState title="The metrics could not be computed" message={metrics.error ?? ''} onRetry={metrics.retry} />
      ) : (
        <div className={`m-body${metrics.updating ? ' updating' : ''}`}>
          <Headline metrics={value} />
          {noSessions ? (
            <div className="m-empty">
              <h2>
                No sessions {shownFrom === shownTo ? `on ${rangeText(shownFrom, shownTo)}` : `between ${rangeText(shownFrom, shownTo).replace(' – ', ' and ')}`}
              </h2>
              <p className="muted">The cache holds sessions from {rangeText(full.from, full.to).replace(' – ', ' to ')}.</p>
              <button type="button" className="button" onClick={showAll}>
                Show all dates
              </button>
            </div>
          ) : (
            <div className="m-charts">
              {DAY_CHARTS.map((spec) => (
                <DayFigure key={spec.title} spec={spec} value={value} context={context} stem={stem(spec.title)} />
              ))}
              <HistogramFigure value={value} context={context} stem={stem('Session duration histogram')} />
              <BreakdownFigure
                value={value}
                context={context}
                stemOf={stem}
                attribute={breakdown}
                metric={choices.breakdownMetric}
                onMetric={(breakdownMetric) => choose({ breakdownMetric })}
              />
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function DayFigure({ spec, value, context, stem }: { spec: DayChartSpec; value: AppMetrics | null; context: string; stem: string }) {
  const table = useMemo<ChartTable>(() => {
    const columns: DataColumn[] = [{ key: 'start_date', label: 'Date', kind: 'date' }, ...spec.series.map((s) => ({ key: s.key, label: s.label, kind: spec.kind }))];
    const rows: DataRow[] = value === null ? [] : dayPoints(value).map((p) => Object.fromEntries(columns.map((c) => [c.key, p[c.key as keyof typeof p]])));
    return { columns, rows };
  }, [spec, value]);
  const referenceValue = value === null || spec.reference === undefined ? null : spec.reference(value.totals);
  const reference = useMemo(
    () => (referenceValue === null ? null : { value: referenceValue, label: `range ${spec.kind === 'share' ? shareText(referenceValue) : durationText(referenceValue)}` }),
    [referenceValue, spec.kind],
  );
  const hasValues = table.rows.some((row) => spec.series.some((s) => typeof row[s.key] === 'number' && (spec.kind !== 'count' || (row[s.key] as number) > 0)));
  const legend: LegendKey[] = [
    ...spec.series.map((s) => ({ label: s.label, color: s.color, shape: s.shape })),
    ...(reference !== null ? [{ label: reference.label, color: '#8a94a3', shape: 'dash' as const }] : []),
  ];
  return (
    <ChartFigure
      title={spec.title}
      subtitle={spec.subtitle}
      table={table}
      legend={legend}
      context={context}
      stem={stem}
      loading={value === null}
      empty={hasValues ? null : spec.none}
    >
      <DayChart rows={table.rows} series={spec.series} kind={spec.kind} reference={reference} />
    </ChartFigure>
  );
}

const HISTOGRAM_COLUMNS: DataColumn[] = [
  { key: 'duration', label: 'Duration', kind: 'text' },
  { key: 'from_secs', label: 'From (s)', kind: 'count' },
  { key: 'to_secs', label: 'To (s, excl.)', kind: 'count' },
  { key: 'sessions', label: 'Sessions', kind: 'count' },
  { key: 'share', label: 'Share', kind: 'share' },
];

function HistogramFigure({ value, context, stem }: { value: AppMetrics | null; context: string; stem: string }) {
  const total = value?.totals.sessions ?? 0;
  const table = useMemo<ChartTable>(
    () => ({
      columns: HISTOGRAM_COLUMNS,
      rows: (value?.histogram ?? []).map((bin) => ({
        duration: binLabel(bin.from_secs, bin.to_secs),
        from_secs: bin.from_secs,
        to_secs: bin.to_secs,
        sessions: bin.sessions,
        share: total === 0 ? 0 : bin.sessions / total,
      })),
    }),
    [value, total],
  );
  return (
    <ChartFigure
      title="Session duration histogram"
      subtitle="Sessions by duration; 0s: sessions whose events share one instant (bounces, mostly)"
      table={table}
      legend={[{ label: 'Sessions', color: COLOR.histogram, shape: 'bar' }]}
      context={context}
      stem={stem}
      loading={value === null}
      empty={null}
      wide
    >
      <HistogramChart rows={table.rows} color={COLOR.histogram} total={total} />
    </ChartFigure>
  );
}

function BreakdownFigure({ value, context, stemOf, attribute, metric, onMetric }: {
  value: AppMetrics | null;
  context: string;
  stemOf(title: string): string;
  attribute: string | null;
  metric: string;
  onMetric(key: string): void;
}) {
  const chosen = BREAKDOWN_METRICS.find((m) => m.key === metric) ?? BREAKDOWN_METRICS[0];
  const name = value?.breakdown?.attribute ?? attribute ?? 'attribute';
  const table = useMemo<ChartTable>(() => {
    const columns: DataColumn[] = [{ key: name, label: name, kind: 'text' }, ...BREAKDOWN_METRICS.map((m) => ({ key: m.key, label: m.short, kind: m.kind }))];
    const rows: DataRow[] = (value?.breakdown?.rows ?? []).map((row) => ({
      [name]: row.value,
      sessions: row.sessions,
      users: row.users,
      avg_session_time_per_user: row.avg_session_time_per_user,
      avg_first_session_secs: row.avg_first_session_secs,
      median_duration_secs: row.median_duration_secs,
      p90_duration_secs: row.p90_duration_secs,
      bounce_share: row.bounce_share,
    }));
    return { columns, rows };
  }, [value, name]);
  const bars = useMemo(() => table.rows.slice(0, BREAKDOWN_BARS).map((row) => ({ ...row, shown: row[name] ?? '(not set)' })), [table, name]);
  const title = `Breakdown by ${name}`;
  const values = table.rows.length;
  const subtitle =
    values > BREAKDOWN_BARS
      ? `${chosen.label} per ${name}: the ${BREAKDOWN_BARS} of ${values} values with most sessions (all in the table)`
      : `${chosen.label} per ${name}, the values with most sessions first`;
  return (
    <ChartFigure
      title={title}
      subtitle={subtitle}
      table={table}
      legend={[{ label: chosen.label, color: COLOR.breakdown, shape: 'bar' }]}
      context={context}
      stem={stemOf(title)}
      loading={value === null}
      empty={value !== null && value.breakdown === null ? 'The cache has no attributes to break down by' : null}
      wide
      tools={
        <label className="field m-inline-field">
          <span>Bars show</span>
          <select value={chosen.key} onChange={(e) => onMetric(e.target.value)}>
            {BREAKDOWN_METRICS.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      }
      aside={
        <div className="m-breakdown-table">
          <RowsTable caption={`${title}: per-value totals`} table={table} />
        </div>
      }
    >
      <BreakdownChart rows={bars} valueKey={chosen.key} label={chosen.label} kind={chosen.kind} color={COLOR.breakdown} />
    </ChartFigure>
  );
}

/** What a saved chart covers: `Mar 1 – Mar 14, 2025 (UTC) · 30m inactivity threshold`. */
function contextLine(value: AppMetrics): string {
  const threshold = `${thresholdLabel(Math.round(value.threshold_secs * 1000))} inactivity threshold${value.preview ? ' (preview)' : ''}`;
  const range = value.from !== null && value.to !== null ? rangeText(value.from, value.to) : 'all dates';
  return `${range} (${value.time_zone}) · ${threshold} · ${plural(value.totals.sessions, 'session')}`;
}

const isDate = (text: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
