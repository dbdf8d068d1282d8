import type { ThresholdComparison, ThresholdPreview } from '../../../core/api/contract.ts';
import { count, duration, plural } from '../format.ts';
import { thresholdLabel } from './scale.ts';

interface Props {
  /** The answer for the thresholds shown (A stored, B shown), or null while it is on its way. */
  comparison: ThresholdComparison | null;
  storedMs: number;
  shownMs: number;
  error: string | null;
}

/** The stored definition (A) and the previewed one (B) side by side, and which sessions change between them. */
export function Comparison({ comparison, storedMs, shownMs, error }: Props) {
  const same = storedMs === shownMs;
  const a = comparison?.a ?? null;
  const b = comparison?.b ?? null;
  return (
    <section className="threshold-compare" aria-label="Compare definitions">
      <Definition letter="A" title="Stored" ms={storedMs} point={a} base={null} />
      <Definition letter="B" title="Preview" ms={shownMs} point={b} base={same ? null : a} preview={!same} />
      <div className="compare-change" aria-live="polite">
        <h3 className="compare-label">What changes</h3>
        {error !== null ? (
          <p className="notice error" role="alert">
            The comparison could not be computed: {error}
          </p>
        ) : comparison === null ? (
          <p className="muted">Comparing…</p>
        ) : same ? (
          <p className="muted">Nothing yet: B is the stored definition. Move the slider to see which sessions a new threshold splits or merges.</p>
        ) : (
          <ChangeSummary comparison={comparison} />
        )}
      </div>
    </section>
  );
}

function Definition({ letter, title, ms, point, base, preview = false }: {
  letter: string;
  title: string;
  ms: number;
  point: ThresholdPreview | null;
  base: ThresholdPreview | null;
  preview?: boolean;
}) {
  return (
    <div className={`compare-card${preview ? ' preview' : ''}`} role="group" aria-label={`${letter}: ${title.toLowerCase()} definition`}>
      <div className="compare-head">
        <span className={`compare-letter${preview ? ' preview' : ''}`} aria-hidden="true">
          {letter}
        </span>
        <span className="compare-label">{title}</span>
        <span className="compare-threshold">{thresholdLabel(ms)}</span>
      </div>
      <dl className="compare-figures">
        <div>
          <dt>Sessions</dt>
          <dd>
            <span className="compare-value" data-testid={`sessions-${letter}`}>
              {point === null ? '…' : count(point.sessions)}
            </span>
            {point !== null && base !== null && <Delta value={point.sessions - base.sessions} base={base.sessions} />}
          </dd>
        </div>
        <div>
          <dt>Mean duration</dt>
          <dd>
            <span className="compare-value small">{point === null ? '…' : duration(point.mean_duration_secs)}</span>
            {point !== null && base !== null && <DurationDelta secs={point.mean_duration_secs - base.mean_duration_secs} />}
          </dd>
        </div>
      </dl>
    </div>
  );
}

function Delta({ value, base }: { value: number; base: number }) {
  if (value === 0) return <span className="delta zero">no change</span>;
  const share = base > 0 ? ` (${value > 0 ? '+' : '−'}${Math.abs((value / base) * 100).toFixed(1)}%)` : '';
  return <span className={`delta ${value > 0 ? 'up' : 'down'}`}>{`${value > 0 ? '+' : '−'}${count(Math.abs(value))}${share}`}</span>;
}

function DurationDelta({ secs }: { secs: number }) {
  const whole = Math.round(secs);
  if (whole === 0) return <span className="delta zero">±0s</span>;
  return <span className={`delta ${whole > 0 ? 'up' : 'down'}`}>{`${whole > 0 ? '+' : '−'}${duration(Math.abs(whole))}`}</span>;
}

/**
 * In words and as a bar: of A's sessions, how many B keeps as they are, and how many it splits
 * (a shorter B) or merges (a longer B) — the comparison counts from the longer threshold's side.
 */
function ChangeSummary({ comparison }: { comparison: ThresholdComparison }) {
  const { a, b, split_sessions: split, split_into: into, unchanged } = comparison;
  const shorterB = b.threshold_ms < a.threshold_ms;
  // Of A's sessions: unchanged, and the changed ones (split by B, or merged by B).
  const changedOfA = shorterB ? split : into;
  const changedOfB = shorterB ? into : split;
  const totalA = a.sessions;
  const share = totalA > 0 ? changedOfA / totalA : 0;
  return (
    <>
      {changedOfA === 0 ? (
        <p>
          <strong>No session changes:</strong> no in-day gap lies between {thresholdLabel(Math.min(a.threshold_ms, b.threshold_ms))} and{' '}
          {thresholdLabel(Math.max(a.threshold_ms, b.threshold_ms))}.
        </p>
      ) : shorterB ? (
        <p>
          <strong className="split">{plural(changedOfA, 'session')} of A split</strong> into {count(changedOfB)} under B
        </p>
      ) : (
        <p>
          <strong className="merge">{plural(changedOfA, 'session')} of A merge</strong> into {count(changedOfB)} under B
        </p>
      )}
      <div className="change-bar" aria-hidden="true">
        <span className="change-bar-kept" style={{ flexGrow: unchanged }} />
        <span className={`change-bar-changed ${shorterB ? 'split' : 'merge'}`} style={{ flexGrow: changedOfA }} />
      </div>
      <p className="muted change-foot">
        {count(unchanged)} unchanged · {(share * 100).toFixed(1)}% of A’s sessions change
      </p>
    </>
  );
}
