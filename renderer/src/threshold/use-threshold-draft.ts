import { useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { parseDuration, thresholdLabel, TYPED_MAX_MS, TYPED_MIN_MS } from './scale.ts';

/**
 * A threshold typed the way the command line takes it (`25m`, `1h30m`, `90s`, `1800`): taken on
 * Enter or when the field is left; Escape (or leaving an invalid entry) puts back the value shown.
 * Returns the input's props and whether the text being typed is out of range.
 */
export function useThresholdDraft(valueMs: number, onCommit: (ms: number) => void) {
  /** The text being typed; null while the field shows the current value. */
  const [text, setText] = useState<string | null>(null);
  const parsed = text === null ? valueMs : parseDuration(text);
  const invalid = text !== null && (parsed === null || parsed < TYPED_MIN_MS || parsed > TYPED_MAX_MS);

  const take = () => {
    if (text === null || invalid || parsed === null) return;
    if (parsed !== valueMs) onCommit(parsed);
    setText(null);
  };
  const inputProps = {
    type: 'text',
    spellCheck: false,
    autoComplete: 'off',
    value: text ?? thresholdLabel(valueMs),
    'aria-invalid': invalid,
    onChange: (event: ChangeEvent<HTMLInputElement>) => setText(event.target.value),
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        take();
      } else if (event.key === 'Escape' && text !== null) {
        event.preventDefault();
        setText(null);
      }
    },
    onBlur: () => (invalid ? setText(null) : take()),
  };
  return { inputProps, invalid };
}
