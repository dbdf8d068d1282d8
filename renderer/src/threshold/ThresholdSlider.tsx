import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { axisLabel, PAGE_STEPS, positionOf, SLIDER_MARKS_MS, SLIDER_MAX_MS, SLIDER_MIN_MS, STEPS_MS, stepAt, stepFrom, thresholdLabel } from './scale.ts';

interface Props {
  /** The threshold shown, in ms (need not be one of the steps). */
  valueMs: number;
  /** The stored threshold, marked on the track. */
  storedMs: number;
  /** A suggested cut (the histogram's valley), marked on the track; null when none. */
  valleyMs: number | null;
  disabled?: boolean;
  onChange(ms: number): void;
}

/**
 * The inactivity threshold, 1 minute to 4 hours on a logarithmic track that stops at every minute
 * up to 30 minutes, then every 5, then every 15. A WAI-ARIA slider: its value in seconds, its text
 * as a duration; arrows step, Page Up / Page Down move five steps, Home / End go to the ends.
 * Dragging anywhere on the track (or clicking it) moves the thumb there.
 */
export function ThresholdSlider({ valueMs, storedMs, valleyMs, disabled = false, onChange }: Props) {
  const track = useRef<HTMLDivElement>(null);
  const thumb = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const at = positionOf(valueMs);

  const set = (ms: number) => {
    if (!disabled && ms !== valueMs) onChange(ms);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const to: number | undefined = {
      ArrowRight: stepFrom(valueMs, 1),
      ArrowUp: stepFrom(valueMs, 1),
      ArrowLeft: stepFrom(valueMs, -1),
      ArrowDown: stepFrom(valueMs, -1),
      PageUp: stepFrom(valueMs, PAGE_STEPS),
      PageDown: stepFrom(valueMs, -PAGE_STEPS),
      Home: STEPS_MS[0],
      End: STEPS_MS[STEPS_MS.length - 1],
    }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    set(to);
  };

  const fromPointer = (event: PointerEvent) => {
    const box = track.current?.getBoundingClientRect();
    if (box === undefined || box.width === 0) return;
    set(stepAt((event.clientX - box.left) / box.width));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (disabled || event.button !== 0) return;
    event.preventDefault();
    dragging.current = true;
    event.currentTarget.setPointerCapture(event.pointerId);
    thumb.current?.focus();
    fromPointer(event);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging.current) fromPointer(event);
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    dragging.current = false;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
  };

  const percent = (p: number) => `${(p * 100).toFixed(3)}%`;
  const storedOnTrack = storedMs >= SLIDER_MIN_MS && storedMs <= SLIDER_MAX_MS;
  const outside = valueMs < SLIDER_MIN_MS ? 'below' : valueMs > SLIDER_MAX_MS ? 'above' : null;
  return (
    <div className={`threshold-slider${disabled ? ' disabled' : ''}`}>
      <div
        className="slider-hit"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <div className="slider-track" ref={track}>
          <div className="slider-fill" style={{ width: percent(at) }} />
          {valleyMs !== null && valleyMs >= SLIDER_MIN_MS && valleyMs <= SLIDER_MAX_MS && (
            <div className="slider-valley" style={{ left: percent(positionOf(valleyMs)) }} title={`Valley of the gap histogram, about ${thresholdLabel(valleyMs)}`} />
          )}
          {storedOnTrack && <div className="slider-stored" style={{ left: percent(positionOf(storedMs)) }} title={`Stored: ${thresholdLabel(storedMs)}`} />}
          <div
            ref={thumb}
            className={`slider-thumb${outside !== null ? ' outside' : ''}`}
            style={{ left: percent(at) }}
            role="slider"
            tabIndex={disabled ? -1 : 0}
            aria-label="Inactivity threshold"
            aria-valuemin={SLIDER_MIN_MS / 1000}
            aria-valuemax={SLIDER_MAX_MS / 1000}
            aria-valuenow={valueMs / 1000}
            aria-valuetext={thresholdLabel(valueMs)}
            aria-disabled={disabled || undefined}
            onKeyDown={onKeyDown}
          />
        </div>
      </div>
      <div className="slider-marks" aria-hidden="true">
        {SLIDER_MARKS_MS.map((ms) => (
          <span key={ms} className="slider-mark" style={{ left: percent(positionOf(ms)) }}>
            {axisLabel(ms)}
          </span>
        ))}
      </div>
    </div>
  );
}
