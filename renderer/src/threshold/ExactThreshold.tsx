import { useId } from 'react';
import { useThresholdDraft } from './use-threshold-draft.ts';

/** An exact threshold, typed the way the command line takes it (`25m`, `1h30m`, `90s`, `1800`). */
export function ExactThreshold({ valueMs, disabled, onCommit }: { valueMs: number; disabled: boolean; onCommit(ms: number): void }) {
  const id = useId();
  const { inputProps, invalid } = useThresholdDraft(valueMs, onCommit);
  return (
    <div className="exact-threshold">
      <label className="field">
        <span>Exact value</span>
        <input {...inputProps} disabled={disabled} aria-describedby={`${id}-hint`} />
      </label>
      <span id={`${id}-hint`} className={`exact-hint${invalid ? ' invalid' : ''}`}>
        {invalid ? '1s to 24h, e.g. 25m or 1h30m' : 'e.g. 25m, 1h30m, 90s'}
      </span>
    </div>
  );
}
