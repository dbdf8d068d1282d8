import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import type { JourneySession, UserJourney } from '../../../core/api/contract.ts';
import { clock, duration, orNone, plural } from '../format.ts';
import { barBox, daysBetween, hourMarks, MS_PER_DAY, weekdayOf, type BarBox } from './layout.ts';
import { Tooltip, type Tip } from './Tooltip.tsx';

/** Width of the date column on the left. */
const LABEL_PX = 148;
/** Room after 24:00. */
const END_PAD_PX = 14;
/** Height of the sticky hour axis. */
const AXIS_PX = 30;
/** A pointer this close to a tick is on it. */
const TICK_REACH_PX = 5;

export interface TimelineProps {
  journey: UserJourney;
  zone: string;
  attributes: string[];
  /** The colour of a session's bar. */
  colorOf: (session: JourneySession) => string;
  /** The open session's id, if any. */
  openId: number | null;
  onOpen: (session: JourneySession) => void;
  zoom: number;
  /** A session to bring into view (after a target from Sessions). */
  revealId: number | null;
}

/**
 * One row per local date with sessions, time of day across (00:00–24:00); each session a bar
 * coloured by the chosen attribute, its events as ticks. Bars are buttons (Tab, Enter); from a
 * bar, → and ← step through its events, Escape goes back to the bar.
 */
export function Timeline({ journey, zone, attributes, colorOf, openId, onOpen, zoom, revealId }: TimelineProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewWidth, setViewWidth] = useState(0);
  const [tip, setTip] = useState<Tip | null>(null);
  const tipId = useId();

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    setViewWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setViewWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const trackPx = Math.max(240, Math.floor((viewWidth - LABEL_PX - END_PAD_PX) * zoom));

  // Zooming (or a narrower window) keeps the open session, else the time at the middle of the view, where it was.
  const lastTrack = useRef(trackPx);
  useLayoutEffect(() => {
    const element = scroller.current;
    const before = lastTrack.current;
    lastTrack.current = trackPx;
    if (element === null || before === trackPx || viewWidth === 0) return;
    const half = (element.clientWidth - LABEL_PX) / 2;
    const open = openId === null ? undefined : journey.days.flatMap((d) => d.sessions).find((s) => s.session.session_id === openId);
    const middle = open === undefined ? (element.scrollLeft + half) / before : (open.start_offset_ms + open.end_offset_ms) / 2 / MS_PER_DAY;
    element.scrollLeft = middle * trackPx - half;
    // Only the track's width matters here: the open session is read as it is when zooming.
  }, [trackPx, viewWidth]);

  // Another user while zoomed in: the middle of their activity comes into view.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null || zoom === 1 || revealId !== null) return;
    const sessions = journey.days.flatMap((d) => d.sessions);
    if (sessions.length === 0) return;
    const first = Math.min(...sessions.map((s) => s.start_offset_ms));
    const last = Math.max(...sessions.map((s) => s.end_offset_ms));
    element.scrollLeft = ((first + last) / 2 / MS_PER_DAY) * lastTrack.current - (element.clientWidth - LABEL_PX) / 2;
  }, [journey.user_id]);

  useEffect(() => {
    if (revealId === null || viewWidth === 0) return;
    scroller.current?.querySelector(`[data-session="${revealId}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [revealId, journey, viewWidth]);

  // A new user or threshold: nothing under the pointer any more.
  useEffect(() => setTip(null), [journey]);

  const marks = useMemo(() => hourMarks(trackPx), [trackPx]);
  const rows: ReactNode[] = [];
  journey.days.forEach((day, i) => {
    const previous = journey.days[i - 1];
    const skipped = previous === undefined ? 0 : daysBetween(previous.date, day.date) - 1;
    if (skipped > 0) {
      rows.push(
        <div className="day-gap" key={`gap-${day.date}`} aria-hidden="true">
          <span>{plural(skipped, 'day')} without sessions</span>
        </div>,
      );
    }
    rows.push(
      <DayRow
        key={day.date}
        date={day.date}
        sessions={day.sessions}
        trackPx={trackPx}
        zone={zone}
        attributes={attributes}
        colorOf={colorOf}
        openId={openId}
        onOpen={onOpen}
        onTip={setTip}
        tipId={tipId}
        tip={tip}
      />,
    );
  });

  return (
    <div className="timeline" role="figure" aria-label="Session timeline" aria-roledescription="timeline">
      <div
        className="timeline-scroll"
        ref={scroller}
        onScroll={() => setTip((t) => (t === null ? null : followed(t, scroller.current)))}
      >
        <div className="timeline-canvas" style={{ width: LABEL_PX + trackPx + END_PAD_PX, ['--label-px' as string]: `${LABEL_PX}px` }}>
          <div className="timeline-axis" aria-hidden="true">
            <div className="axis-corner">
              Local date <span className="axis-zone">{zone}</span>
            </div>
            <div className="axis-track" style={{ width: trackPx }}>
              {marks.map((mark) =>
                mark.kind === 'minor' ? null : (
                  <span key={mark.minute} className={`axis-mark ${mark.kind}`} style={{ left: (mark.minute / 1440) * trackPx }}>
                    {mark.label !== null && mark.minute < 1440 && <span className="axis-label">{mark.label}</span>}
                  </span>
                ),
              )}
            </div>
          </div>
          <div className="timeline-body">
            <div className="timeline-grid" style={{ left: LABEL_PX, width: trackPx }} aria-hidden="true">
              {marks.map((mark) => (
                <span key={mark.minute} className={`grid-line ${mark.kind}`} style={{ left: (mark.minute / 1440) * trackPx }} />
              ))}
            </div>
            {rows}
          </div>
        </div>
      </div>
      {tip !== null && <Tooltip id={tipId} tip={tip} zone={zone} attributes={attributes} />}
    </div>
  );
}

interface RowProps {
  date: string;
  sessions: JourneySession[];
  trackPx: number;
  zone: string;
  attributes: string[];
  colorOf: (session: JourneySession) => string;
  openId: number | null;
  onOpen: (session: JourneySession) => void;
  onTip: (tip: Tip | null) => void;
  tipId: string;
  tip: Tip | null;
}

function DayRow({ date, sessions, trackPx, zone, attributes, colorOf, openId, onOpen, onTip, tipId, tip }: RowProps) {
  const seconds = sessions.reduce((sum, s) => sum + s.session.session_duration_secs, 0);
  return (
    <div className="day-row" role="group" aria-label={`${date}: ${plural(sessions.length, 'session')}`}>
      <div className="day-label">
        <span className="day-date">
          <span className="day-weekday">{weekdayOf(date)}</span> {date}
        </span>
        <span className="day-facts">
          {plural(sessions.length, 'session')} · {duration(seconds)}
        </span>
      </div>
      <div className="day-track" style={{ width: trackPx }}>
        {sessions.map((session) => (
          <SessionBar
            key={session.session.session_id}
            session={session}
            trackPx={trackPx}
            zone={zone}
            attributes={attributes}
            color={colorOf(session)}
            open={session.session.session_id === openId}
            onOpen={onOpen}
            onTip={onTip}
            tipId={tipId}
            hot={tip !== null && tip.session === session ? (tip.kind === 'event' ? tip.index : -1) : null}
          />
        ))}
      </div>
    </div>
  );
}

interface BarProps {
  session: JourneySession;
  trackPx: number;
  zone: string;
  attributes: string[];
  color: string;
  open: boolean;
  onOpen: (session: JourneySession) => void;
  onTip: (tip: Tip | null) => void;
  tipId: string;
  /** The tick under the pointer or focus (-1: the bar itself), or null. */
  hot: number | null;
}

const SessionBar = memo(function SessionBar({ session, trackPx, zone, attributes, color, open, onOpen, onTip, tipId, hot }: BarProps) {
  const id = session.session.session_id;
  const box: BarBox = useMemo(
    () => barBox(session.start_offset_ms, session.end_offset_ms, session.events.map((e) => e.offset_ms), trackPx),
    [session, trackPx],
  );
  const bar = useRef<HTMLButtonElement>(null);
  const ticks = useRef<HTMLDivElement>(null);
  const describedBy = `${tipId}-session-${id}`;

  const anchorAt = useCallback((x: number | null) => {
    const rect = bar.current!.getBoundingClientRect();
    return { x: x === null ? rect.left + rect.width / 2 : rect.left + x, top: rect.top, bottom: rect.bottom };
  }, []);
  const showEvent = useCallback(
    (index: number) => {
      const locate = () => anchorAt(box.ticks[index]);
      onTip({ kind: 'event', session, index, anchor: locate(), locate });
    },
    [onTip, session, anchorAt, box],
  );
  const showSession = useCallback(() => {
    const locate = () => anchorAt(null);
    onTip({ kind: 'session', session, anchor: locate(), locate });
  }, [onTip, session, anchorAt]);

  const onMouseMove = (event: MouseEvent) => {
    const x = event.clientX - bar.current!.getBoundingClientRect().left;
    const index = nearest(box.ticks, x);
    if (index !== -1 && Math.abs(box.ticks[index] - x) <= TICK_REACH_PX) {
      if (hot !== index) showEvent(index);
    } else if (hot !== -1) {
      showSession();
    }
  };
  const tickAt = (index: number) => ticks.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
  const onBarKey = (event: KeyboardEvent) => {
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && session.events.length > 0) {
      event.preventDefault();
      tickAt(event.key === 'ArrowRight' ? 0 : session.events.length - 1)?.focus();
    }
  };
  const onTickKey = (event: KeyboardEvent, index: number) => {
    const last = session.events.length - 1;
    const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (to !== undefined) {
      event.preventDefault();
      tickAt(Math.min(Math.max(0, to), last))?.focus();
    } else if (event.key === 'Escape' || event.key === 'ArrowUp') {
      event.preventDefault();
      bar.current?.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(session);
    }
  };

  return (
    <div
      className={`session${open ? ' open' : ''}${box.width <= 12 ? ' narrow' : ''}`}
      data-session={id}
      style={{ left: box.left, width: box.width, ['--c' as string]: color }}
    >
      <button
        ref={bar}
        type="button"
        className="session-bar"
        aria-label={`Session ${id}`}
        aria-describedby={describedBy}
        aria-current={open ? 'true' : undefined}
        onClick={() => onOpen(session)}
        onKeyDown={onBarKey}
        onMouseMove={onMouseMove}
        onMouseLeave={() => onTip(null)}
        onFocus={(event) => {
          if (event.currentTarget.matches(':focus-visible')) showSession();
        }}
        onBlur={() => onTip(null)}
      />
      <span id={describedBy} className="visually-hidden">
        {clock(session.session.start_time, zone)} to {clock(session.session.end_time, zone)}, {duration(session.session.session_duration_secs)},{' '}
        {plural(session.session.event_count, 'event')}
        {attributes.map((name) => `, ${name} ${orNone(session.session.attributes[name])}`).join('')}
      </span>
      <div className="ticks" ref={ticks} role="group" aria-label={`Events of session ${id}`}>
        {session.events.map((event, index) => (
            <span
              key={index}
              className={`tick${hot === index ? ' hot' : ''}`}
              data-index={index}
              role="img"
              tabIndex={-1}
              aria-label={`${event.event} at ${clock(event.time, zone, true)}`}
              aria-describedby={hot === index ? tipId : undefined}
              style={{ left: box.ticks[index] }}
              onFocus={() => showEvent(index)}
              onBlur={() => onTip(null)}
              onKeyDown={(e) => onTickKey(e, index)}
            />
        ))}
      </div>
    </div>
  );
});

/** A tip after its content scrolled: moved with what it points at, or gone when that left the view. */
function followed(tip: Tip, scroller: HTMLElement | null): Tip | null {
  if (scroller === null) return null;
  const anchor = tip.locate();
  const view = scroller.getBoundingClientRect();
  const inside = anchor.x >= view.left + LABEL_PX && anchor.x <= view.right && anchor.top >= view.top + AXIS_PX && anchor.bottom <= view.bottom;
  return inside ? { ...tip, anchor } : null;
}

/** The index of the position nearest to x (the first of equals); -1 when there is none. */
function nearest(positions: number[], x: number): number {
  let best = -1;
  for (let i = 0; i < positions.length; i++) {
    if (best === -1 || Math.abs(positions[i] - x) < Math.abs(positions[best] - x)) best = i;
  }
  return best;
}
