import { useEffect, useRef, useState } from 'react';
import type { ApiFunctions, SessionDetail, SessionEvent, SessionRow } from '../../../core/api/contract.ts';
import { messageOf } from '../api/index.ts';
import { clock, count, duration, gap, orNone, plural } from '../format.ts';

type Load = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; detail: SessionDetail };

/**
 * One session's events in order, with the gap before each; Escape or the close button closes it.
 * `thresholdMs` is the preview threshold the session belongs to (its ids differ from the stored ones).
 */
export function SessionPanel({ api, session, zone, attributes, onClose, thresholdMs, onShowJourney }: {
  api: ApiFunctions;
  session: SessionRow;
  zone: string;
  attributes: string[];
  onClose: () => void;
  thresholdMs?: number;
  /** Offered as a "Show in Journeys" link when given. */
  onShowJourney?: () => void;
}) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    setLoad({ kind: 'loading' });
    api.sessionEvents({ user_id: session.user_id, session_id: session.session_id, ...(thresholdMs === undefined ? {} : { threshold_ms: thresholdMs }) }).then(
      (detail) => current && setLoad({ kind: 'ready', detail }),
      (error: unknown) => current && setLoad({ kind: 'failed', message: messageOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, session.user_id, session.session_id, thresholdMs, attempt]);

  // Focus moves here on opening and goes back where it was on closing.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    heading.current?.focus();
    return () => {
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <aside className="session-panel" aria-label="Session events">
      <div className="panel-head">
        <h2 ref={heading} tabIndex={-1}>
          Session {session.session_id} <span className="muted">of</span> <span className="user">{session.user_id}</span>
        </h2>
        <button type="button" className="icon-button" aria-label="Close session" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </div>
      <dl className="session-facts">
        <div>
          <dt>Date</dt>
          <dd>{session.start_date}</dd>
        </div>
        <div>
          <dt>Time ({zone})</dt>
          <dd>
            {clock(session.start_time, zone)} – {clock(session.end_time, zone)}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            {duration(session.session_duration_secs)} <span className="muted">({count(session.session_duration_secs)} s)</span>
          </dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>{count(session.event_count)}</dd>
        </div>
        {attributes.map((name) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{orNone(session.attributes[name])}</dd>
          </div>
        ))}
      </dl>
      {onShowJourney !== undefined && (
        <button type="button" className="button small panel-journey" onClick={onShowJourney}>
          Show in Journeys
        </button>
      )}
      {load.kind === 'loading' && <p className="muted panel-status">Loading events…</p>}
      {load.kind === 'failed' && (
        <div className="panel-status" role="alert">
          <p className="notice error">{load.message}</p>
          <button type="button" className="button small" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {load.kind === 'ready' && <EventList events={load.detail.events} zone={zone} attributes={attributes} />}
    </aside>
  );
}

function EventList({ events, zone, attributes }: { events: SessionEvent[]; zone: string; attributes: string[] }) {
  return (
    <>
      <h3 className="list-title">{plural(events.length, 'event')} in order</h3>
      <ol className="event-list" aria-label="Events">
        {events.map((event, i) => {
          const previous = events[i - 1];
          return (
            <li key={`${event.time}-${event.insert_id}-${i}`} className="event">
              <span className="event-time">{clock(event.time, zone, true)}</span>
              <span className="event-gap">{event.gap_ms === null ? 'start' : gap(event.gap_ms)}</span>
              <span className="event-name">{event.event}</span>
              {attributeNotes(event, previous, attributes)}
              {event.properties !== null && Object.keys(event.properties).length > 0 && (
                <details className="event-props">
                  <summary>{plural(Object.keys(event.properties).length, 'property', 'properties')}</summary>
                  <pre>{JSON.stringify(event.properties, null, 2)}</pre>
                </details>
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}

/**
 * The attributes under the first event, then only where they change: the session keeps the
 * first non-null value of each (SCD Type 0), so a change is what is worth seeing.
 */
function attributeNotes(event: SessionEvent, previous: SessionEvent | undefined, attributes: string[]) {
  const shown = attributes.filter((name) => previous === undefined || previous.attributes[name] !== event.attributes[name]);
  if (shown.length === 0) return null;
  return (
    <span className="event-attrs">
      {shown.map((name) => (
        <span
          key={name}
          className={`attr${previous === undefined ? '' : ' changed'}`}
          title={previous === undefined ? name : `${name} changed here; the session keeps its first value`}
        >
          {previous === undefined ? '' : `${name}: `}
          {orNone(event.attributes[name])}
        </span>
      ))}
    </span>
  );
}
