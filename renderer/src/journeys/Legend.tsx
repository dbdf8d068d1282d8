import { plural } from '../format.ts';
import type { Swatch } from './colors.ts';

/** The colours on screen and how many of the user's sessions each one marks. */
export function Legend({ attribute, swatches }: { attribute: string; swatches: Array<Swatch & { sessions: number }> }) {
  return (
    <ul className="legend" aria-label={`Colours: ${attribute}`}>
      {swatches.map((swatch) => (
        <li
          key={swatch.label}
          className="legend-item"
          title={swatch.values.length > 1 ? swatch.values.map((v) => v ?? '(not set)').join(', ') : undefined}
        >
          <span className="legend-swatch" style={{ ['--c' as string]: swatch.color }} aria-hidden="true" />
          <span className="legend-label">{swatch.label}</span>
          <span className="legend-count" aria-label={plural(swatch.sessions, 'session')}>
            {swatch.sessions}
          </span>
        </li>
      ))}
    </ul>
  );
}
