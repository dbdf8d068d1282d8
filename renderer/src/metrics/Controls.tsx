import { useId } from 'react';
import { thresholdLabel } from '../threshold/scale.ts';
import { useThresholdDraft } from '../threshold/use-threshold-draft.ts';

export interface Range {
  from: string;
  to: string;
}

/** From and To (local start dates), and a button back to the cache's whole range. */
export function RangeFields({ range, full, onChange }: { range: Range; full: Range; onChange(range: Partial<Range> | null): void }) {
  const invalid = range.from > range.to;
  const whole = range.from === full.from && range.to === full.to;
  const id = useId();
  return (
    <div className="m-range" role="group" aria-label="Date range">
      {(['from', 'to'] as const).map((end) => (
        <label className="field" key={end}>
          <span>{end === 'from' ? 'From' : 'To'}</span>
          <input
            type="date"
            value={range[end]}
            min={full.from}
            max={full.to}
            required
            aria-invalid={invalid}
            aria-describedby={invalid ? `${id}-problem` : undefined}
            onChange={(e) => onChange({ [end]: e.target.value })}
          />
        </label>
      ))}
      <button type="button" className="button small m-range-reset" onClick={() => onChange(null)} disabled={whole}>
        All dates
      </button>
      {invalid && (
        <span className="m-field-problem" id={`${id}-problem`} role="alert">
          From is after To
        </span>
      )}
    </div>
  );
}

/**
 * The inactivity threshold the metrics are computed at, typed as the command line takes it
 * (`20m`, `1h30m`, `90s`): taken on Enter or when the field is left, as a preview shared with the
 * other views (the Threshold view's slider follows it). Reset goes back to the stored one.
 */
export function ThresholdField({ valueMs, storedMs, onCommit }: { valueMs: number; storedMs: number; onCommit(ms: number): void }) {
  const id = useId();
  const { inputProps, invalid } = useThresholdDraft(valueMs, onCommit);
  const previewing = valueMs !== storedMs;
  return (
    <div className={`m-threshold${previewing ? ' previewing' : ''}`}>
      <label className="field">
        <span>Inactivity threshold</span>
        <input {...inputProps} aria-describedby={`${id}-hint`} />
      </label>
      <span id={`${id}-hint`} className={`m-threshold-hint${invalid ? ' invalid' : ''}`}>
        {invalid ? '1s to 24h, e.g. 20m' : previewing ? `preview · stored ${thresholdLabel(storedMs)}` : 'stored · type e.g. 20m'}
      </span>
      {previewing && (
        <button type="button" className="button small" onClick={() => onCommit(storedMs)}>
          Use stored
        </button>
      )}
    </div>
  );
}
