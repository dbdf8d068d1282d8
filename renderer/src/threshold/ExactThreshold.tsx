import { useId, useState, type KeyboardEvent } from 'react';
import { parseDuration, thresholdLabel, TYPED_MAX_MS, TYPED_MIN_MS } from './scale.ts';

/**
 * An exact threshold, typed the way the command line takes it (`25m`, `1h30m`, `90s`, `1800`):
 * taken on Enter or when the field is left; Escape puts back the value shown.
 */
export function ExactThreshold({ valueMs, disabled, onCommit }: { valueMs: number; disabled: boolean; onCommit(ms: number): void }) {
  const id = useId();
  /** The text being typed; null while the field shows the current value. */
  const [text, setText] = useState<string | null>(null);
  const parsed = text === null ? valueMs : parseDuration(text);
  const invalid = parsed === null || parsed < TYPED_MIN_MS || parsed > TYPED_MAX_MS;

  const take = () => {
    if (text === null) return;
    if (!invalid && parsed !== null) {
      if (parsed !== valueMs) onCommit(parsed);
      setText(null);
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      take();
    } else if (event.key === 'Escape' && text !== null) {
      event.preventDefault();
      setText(null);
    }
  };

  return (
    <div className="exact-threshold">
      <label className="field">
        <span>Exact value</span>
        <input
          type="text"
          inputMode="text"
          spellCheck={false}
          autoComplete="off"
          value={text ?? thresholdLabel(valueMs)}
          disabled={disabled}
          aria-invalid={text !== null && invalid}
          aria-describedby={`${id}-hint`}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => (invalid ? setText(null) : take())}
        />
      </label>
      <span id={`${id}-hint`} className={`exact-hint${text !== null && invalid ? ' invalid' : ''}`}>
        {text !== null && invalid ? '1s to 24h, e.g. 25m or 1h30m' : 'e.g. 25m, 1h30m, 90s'}
      </span>
    </div>
  );
}
