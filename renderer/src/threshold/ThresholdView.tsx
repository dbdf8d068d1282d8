import { useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import type { CacheSummary, GapHistogram } from '../../../core/api/contract.ts';
import { messageOf } from '../api/index.ts';
import { count, plural } from '../format.ts';
import { useExplorer } from '../frame/explorer.tsx';
import { Comparison } from './Comparison.tsx';
import { ExactThreshold } from './ExactThreshold.tsx';
import { GapHistogramChart } from './GapHistogramChart.tsx';
import { DAY_MS, logThresholds, nearestStep, SLIDER_MAX_MS, SLIDER_MIN_MS, thresholdLabel } from './scale.ts';
import { SweepChart } from './SweepChart.tsx';
import { ThresholdSlider } from './ThresholdSlider.tsx';
import { useComparison, useLoaded, usePacedPreview } from './use-threshold-data.ts';
import { findValley } from './valley.ts';
import './threshold.css';

/** The sweep curve's thresholds: 100 from 1 minute to 4 hours, evenly spaced on the log axis. */
const CURVE_MS = logThresholds(SLIDER_MIN_MS, SLIDER_MAX_MS, 100);
/** Longer than any in-day gap: its session count is the number of user-days (every cut is a gap over the threshold). */
const NO_CUT_MS = 2 * DAY_MS;

/** The Threshold view: the inactivity threshold, live; what it does to the gaps and the sessions; apply or reset. */
export function ThresholdView() {
  const { summary } = useExplorer();
  if (summary === null) {
    return (
      <div className="empty-state">
        <h2>No data yet</h2>
        <p>Open the demo data, or import event files, from the Data panel to explore the inactivity threshold.</p>
      </div>
    );
  }
  if (summary.events === 0) {
    return (
      <div className="empty-state">
        <h2>The cache holds no events</h2>
        <p>Import event files from the Data panel: the threshold is explored on the gaps between them.</p>
      </div>
    );
  }
  return <ThresholdExplorer summary={summary} />;
}

interface Notice {
  tone: 'info' | 'error';
  text: string;
}

function ThresholdExplorer({ summary }: { summary: CacheSummary }) {
  const { host, version, setPreviewMs, thresholdMs, changed } = useExplorer();
  const storedMs = summary.definition.threshold_ms;
  const cacheKey = `${summary.path}|${version}`;

  const histogram = useLoaded('gapHistogram', cacheKey, () => host.api.gapHistogram({}));
  const sweep = useLoaded('sweep', cacheKey, () => host.api.sweep({ thresholds_ms: [...CURVE_MS, NO_CUT_MS] }));
  const comparison = useComparison(host.api, storedMs, thresholdMs, version);

  const commit = useCallback((ms: number) => setPreviewMs(ms === storedMs ? null : ms), [setPreviewMs, storedMs]);
  const paced = usePacedPreview(commit, comparison.whenIdle, comparison.busy);
  /** The threshold on screen: the slider's latest value, a frame ahead of the shared preview. */
  const shownMs = paced.draft ?? thresholdMs;
  const previewing = shownMs !== storedMs;

  const [applying, setApplying] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [logCounts, setLogCounts] = useState(false);

  const valley = useMemo(() => (histogram.value === null ? null : findValley(histogram.value)), [histogram.value]);
  const valleyStep = valley === null ? null : nearestStep(valley.at_ms);
  const userDays = sweep.value?.points.find((p) => p.threshold_secs * 1000 === NO_CUT_MS)?.sessions ?? null;
  const current = comparison.value !== null && comparison.value.a.threshold_ms === storedMs && comparison.value.b.threshold_ms === shownMs
    ? comparison.value
    : null;

  const { want } = paced;
  const move = useCallback(
    (ms: number) => {
      setNotice(null);
      want(ms);
    },
    [want],
  );
  const pick = useCallback((ms: number) => !applying && move(ms), [applying, move]);

  const reset = () => {
    paced.cancel();
    setNotice(null);
    setPreviewMs(null);
  };

  const apply = async () => {
    const ms = shownMs;
    if (ms === storedMs) return;
    paced.cancel();
    setApplying(true);
    setNotice(null);
    try {
      const next = await host.api.applyDefinition({ threshold_ms: ms });
      changed(next);
      setNotice({ tone: 'info', text: `Applied: sessions now end after ${thresholdLabel(ms)} of inactivity. The cache holds ${plural(next.sessions, 'session')}.` });
    } catch (error) {
      setNotice({ tone: 'error', text: `The definition was not applied: ${messageOf(error)}` });
    } finally {
      setApplying(false);
    }
  };

  return (
    <div className="threshold-view">
      <section className={`threshold-control${previewing ? ' previewing' : ''}`} aria-labelledby="threshold-title">
        <div className="control-head">
          <div className="control-title">
            <h2 id="threshold-title">Inactivity threshold</h2>
            <p className="muted">A session ends after a gap longer than this between a user’s events, and always at local midnight.</p>
          </div>
          <div className="control-state">
            {previewing ? (
              <span className="state-pill preview" role="note">
                <span className="state-dot" aria-hidden="true" />
                Preview · not applied
              </span>
            ) : (
              <span className="state-pill stored" role="note">
                <span className="state-dot" aria-hidden="true" />
                Stored definition
              </span>
            )}
            <button type="button" className="button" onClick={reset} disabled={!previewing || applying}>
              Reset
            </button>
            <button type="button" className="button primary" onClick={() => void apply()} disabled={!previewing || applying}>
              {applying ? 'Applying…' : 'Apply'}
            </button>
          </div>
        </div>
        <div className="control-body">
          <div className="control-value" aria-hidden="true">
            <span className="control-value-number">{thresholdLabel(shownMs)}</span>
            <span className="control-value-note">{previewing ? `stored: ${thresholdLabel(storedMs)}` : 'as stored'}</span>
          </div>
          <ThresholdSlider valueMs={shownMs} storedMs={storedMs} valleyMs={valleyStep} disabled={applying} onChange={move} />
          <ExactThreshold valueMs={shownMs} disabled={applying} onCommit={move} />
        </div>
        <p className="control-foot muted">
          {previewing
            ? 'The header’s session count, the Sessions table and the Metrics follow the preview. Apply re-sessionizes the cache; Reset returns to the stored threshold.'
            : 'Drag the slider, or focus it and use the arrow keys (Page Up / Page Down: five steps; Home / End: the ends).'}
        </p>
        {notice !== null && (
          <p className={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
            {notice.text}
          </p>
        )}
      </section>

      <Comparison comparison={current ?? comparison.value} storedMs={storedMs} shownMs={shownMs} error={comparison.error} />

      <div className="threshold-charts">
        <ChartCard
          title="Gaps between events"
          subtitle={
            histogram.value === null
              ? 'In-day gaps between a user’s consecutive events'
              : `${count(histogram.value.gaps)} in-day gaps between a user’s consecutive events, on a log time axis`
          }
          tools={
            <div className="segmented" role="group" aria-label="Gap count scale">
              <button type="button" aria-pressed={!logCounts} onClick={() => setLogCounts(false)}>
                Linear
              </button>
              <button type="button" aria-pressed={logCounts} onClick={() => setLogCounts(true)}>
                Log
              </button>
            </div>
          }
          state={histogram}
          data={histogram.value === null ? undefined : { 'data-bins': histogram.value.bins.length, 'data-gaps': histogram.value.gaps }}
          legend={
            <HistogramLegend
              histogram={histogram.value}
              shownMs={shownMs}
              cuts={current !== null && userDays !== null ? current.b.sessions - userDays : null}
              valleyStep={valleyStep}
              onValley={valleyStep === null || valleyStep === shownMs || applying ? null : () => move(valleyStep)}
            />
          }
        >
          {histogram.value !== null && (
            <GapHistogramChart histogram={histogram.value} thresholdMs={shownMs} storedMs={storedMs} valley={valley} logCounts={logCounts} />
          )}
        </ChartCard>

        <ChartCard
          title="Sessions by threshold"
          subtitle={`Session count at ${CURVE_MS.length} thresholds from 1m to 4h; a flat stretch is a threshold the data does not argue about`}
          state={sweep}
          data={sweep.value === null ? undefined : { 'data-points': sweep.value.points.length - 1 }}
          legend={
            <div className="chart-legend">
              <span className="key">
                <span className="swatch line" aria-hidden="true" />
                sessions
              </span>
              <span className="key">
                <span className="swatch threshold" aria-hidden="true" />
                {previewing ? 'B · preview' : 'threshold'} {thresholdLabel(shownMs)}
                {current !== null && `: ${plural(current.b.sessions, 'session')}`}
              </span>
              {previewing && (
                <span className="key">
                  <span className="swatch stored" aria-hidden="true" />A · stored {thresholdLabel(storedMs)}
                </span>
              )}
              <span className="key muted">click the curve to preview a threshold</span>
            </div>
          }
        >
          {sweep.value !== null && (
            <SweepChart
              sweep={sweep.value}
              thresholdMs={shownMs}
              storedMs={storedMs}
              valley={valley}
              onPick={pick}
            />
          )}
        </ChartCard>
      </div>
    </div>
  );
}

function ChartCard({ title, subtitle, tools, state, data, legend, children }: {
  title: string;
  subtitle: string;
  tools?: ReactNode;
  state: { value: unknown; error: string | null; retry(): void };
  data: Record<string, number> | undefined;
  legend: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="chart-card" aria-labelledby={`${id}-title`} aria-describedby={`${id}-subtitle`} aria-busy={state.value === null && state.error === null} {...data}>
      <div className="chart-head">
        <div>
          <h3 id={`${id}-title`}>{title}</h3>
          <p id={`${id}-subtitle`} className="muted">
            {subtitle}
          </p>
        </div>
        {tools}
      </div>
      <div className="chart-body">
        {state.error !== null && state.value === null ? (
          <div className="chart-message" role="alert">
            <p>Could not be read: {state.error}</p>
            <button type="button" className="button small" onClick={state.retry}>
              Try again
            </button>
          </div>
        ) : state.value === null ? (
          <div className="chart-message muted">Loading…</div>
        ) : (
          children
        )}
      </div>
      {state.value !== null && legend}
    </figure>
  );
}

function HistogramLegend({ histogram, shownMs, cuts, valleyStep, onValley }: {
  histogram: GapHistogram | null;
  shownMs: number;
  cuts: number | null;
  valleyStep: number | null;
  onValley: (() => void) | null;
}) {
  const label = thresholdLabel(shownMs);
  const within = histogram !== null && cuts !== null ? histogram.gaps - cuts : null;
  return (
    <div className="chart-legend">
      <span className="key">
        <span className="swatch within" aria-hidden="true" />
        within a session (≤ {label}){within !== null && <strong>{count(within)}</strong>}
      </span>
      <span className="key">
        <span className="swatch cut" aria-hidden="true" />
        start a new session (&gt; {label}){cuts !== null && <strong>{count(cuts)}</strong>}
      </span>
      {valleyStep !== null && (
        <span className="key">
          <span className="swatch valley" aria-hidden="true" />
          valley ≈ {thresholdLabel(valleyStep)}
          {onValley !== null && (
            <button type="button" className="link-button" onClick={onValley}>
              cut there
            </button>
          )}
        </span>
      )}
    </div>
  );
}
