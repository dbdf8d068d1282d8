import { useLayoutEffect, useRef, useState } from 'react';
import type { JourneySession } from '../../../core/api/contract.ts';
import { clock, duration, gap, orNone, plural } from '../format.ts';

/** What the pointer (or keyboard focus) is on: an event's tick, or a session's bar. */
export type Tip =
  | { kind: 'event'; session: JourneySession; index: number; anchor: Anchor; locate: () => Anchor }
  | { kind: 'session'; session: JourneySession; anchor: Anchor; locate: () => Anchor };

/** Viewport coordinates of what the tip points at. */
export interface Anchor {
  x: number;
  top: number;
  bottom: number;
}

const MAX_PROPERTIES = 10;
const MARGIN = 8;

/** A floating card above (or below, near the top) its anchor, kept inside the window. */
export function Tooltip({ id, tip, zone, attributes }: { id: string; tip: Tip; zone: string; attributes: string[] }) {
  const card = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number; below: boolean } | null>(null);

  useLayoutEffect(() => {
    const element = card.current;
    if (element === null) return;
    const { width, height } = element.getBoundingClientRect();
    const { x, top, bottom } = tip.anchor;
    const below = top - height - MARGIN < MARGIN;
    setPlace({
      left: Math.min(Math.max(MARGIN, x - width / 2), window.innerWidth - width - MARGIN),
      top: below ? Math.min(bottom + MARGIN, window.innerHeight - height - MARGIN) : top - height - MARGIN,
      below,
    });
  }, [tip]);

  return (
    <div
      ref={card}
      id={id}
      role="tooltip"
      className={`journey-tip${place?.below ? ' below' : ''}`}
      style={place === null ? { left: 0, top: 0, visibility: 'hidden' } : { left: place.left, top: place.top }}
    >
      {tip.kind === 'event' ? <EventCard session={tip.session} index={tip.index} zone={zone} attributes={attributes} /> : <SessionCard session={tip.session} zone={zone} attributes={attributes} />}
    </div>
  );
}

function EventCard({ session, index, zone, attributes }: { session: JourneySession; index: number; zone: string; attributes: string[] }) {
  const event = session.events[index];
  const properties = Object.entries(event.properties ?? {});
  return (
    <>
      <div className="tip-head">
        <strong className="tip-title">{event.event}</strong>
        <span className="tip-context">
          Session {session.session.session_id} · {index + 1} of {session.events.length}
        </span>
      </div>
      <div className="tip-time">
        <span className="mono">{clock(event.time, zone, true)}</span>
        <span className="tip-gap">{event.gap_ms === null ? 'first event' : `${gap(event.gap_ms)} after the previous`}</span>
      </div>
      <Attributes values={event.attributes} names={attributes} />
      {properties.length === 0 ? (
        <p className="tip-none">No other properties</p>
      ) : (
        <dl className="tip-props">
          {properties.slice(0, MAX_PROPERTIES).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{shown(value)}</dd>
            </div>
          ))}
          {properties.length > MAX_PROPERTIES && <p className="tip-none">and {plural(properties.length - MAX_PROPERTIES, 'more property', 'more properties')}</p>}
        </dl>
      )}
    </>
  );
}

function SessionCard({ session, zone, attributes }: { session: JourneySession; zone: string; attributes: string[] }) {
  const row = session.session;
  return (
    <>
      <div className="tip-head">
        <strong className="tip-title">Session {row.session_id}</strong>
        <span className="tip-context">{plural(row.event_count, 'event')}</span>
      </div>
      <div className="tip-time">
        <span className="mono">
          {clock(row.start_time, zone)} – {clock(row.end_time, zone)}
        </span>
        <span className="tip-gap">{duration(row.session_duration_secs)}</span>
      </div>
      <Attributes values={row.attributes} names={attributes} />
      <p className="tip-hint">
        {row.first_event} → {row.last_event} · click to list its events
      </p>
    </>
  );
}

function Attributes({ values, names }: { values: Record<string, string | null>; names: string[] }) {
  if (names.length === 0) return null;
  return (
    <div className="tip-attrs">
      {names.map((name) => (
        <span key={name} className="tip-attr">
          <span className="muted">{name}</span> {orNone(values[name])}
        </span>
      ))}
    </div>
  );
}

/** A property's value in one short line. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
