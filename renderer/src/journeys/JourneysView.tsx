import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { JourneySession, UserJourney } from '../../../core/api/contract.ts';
import { count, duration, plural } from '../format.ts';
import { previewParam, useExplorer, type JourneyTarget } from '../frame/explorer.tsx';
import { SessionPanel } from '../sessions/SessionPanel.tsx';
import { useFilterChoices } from '../sessions/use-filter-choices.ts';
import { colorScale, PLAIN_COLOR, type Swatch } from './colors.ts';
import { ZOOMS } from './layout.ts';
import { Legend } from './Legend.tsx';
import { Timeline } from './Timeline.tsx';
import { useJourney } from './use-journey.ts';
import { UserFinder } from './UserFinder.tsx';
import './journeys.css';
import { ErrorState } from '../frame/ErrorState.tsx';

/** The session whose events are listed, valid for the cache state and threshold it was opened under. */
interface OpenSession {
  user_id: string;
  session_id: number;
  version: number;
  previewMs: number | null;
}

/**
 * What the view showed last, so that coming back to the tab shows it again (the view is unmounted
 * while another tab is open); a new target from the Sessions view replaces it.
 */
const memory: {
  path: string | null;
  target: JourneyTarget | null;
  user: string | null;
  open: OpenSession | null;
  colorBy: string | null;
  zoom: number;
} = { path: null, target: null, user: null, open: null, colorBy: null, zoom: 1 };

/** Journeys: one user's sessions on a timeline by local date; step through users; open a session's events. */
export function JourneysView() {
  const explorer = useExplorer();
  const { host, summary, version, previewMs, journeyTarget } = explorer;
  const path = summary?.path ?? null;
  const attributes = useMemo(() => summary?.definition.attributes.map((a) => a.name) ?? [], [summary]);
  const zone = summary?.definition.time_zone ?? 'UTC';

  const [start] = useState(() => startingPoint(journeyTarget, path, version, previewMs));
  const [user, setUser] = useState<string | null>(start.user);
  const [open, setOpen] = useState<OpenSession | null>(start.open);
  const [reveal, setReveal] = useState<number | null>(start.open?.session_id ?? null);
  const [colorBy, setColorBy] = useState<string | null>(memory.colorBy);
  const [zoom, setZoom] = useState(memory.zoom);

  // Asked to show a session while already here (another view's "Show in Journeys").
  const consumed = useRef(journeyTarget);
  useEffect(() => {
    if (journeyTarget === null || journeyTarget === consumed.current) return;
    consumed.current = journeyTarget;
    setUser(journeyTarget.user_id);
    const target = targetOpen(journeyTarget, version, previewMs);
    setOpen(target);
    setReveal(target?.session_id ?? null);
  }, [journeyTarget, version, previewMs]);

  // Another cache: its users are not these.
  const lastPath = useRef(path);
  useEffect(() => {
    if (lastPath.current === path) return;
    lastPath.current = path;
    setUser(null);
    setOpen(null);
  }, [path]);

  useEffect(() => {
    Object.assign(memory, { path, target: consumed.current, user, open, colorBy, zoom });
  }, [path, user, open, colorBy, zoom]);

  const hasSessions = summary !== null && summary.sessions > 0;
  const threshold = previewParam(explorer).threshold_ms;
  const request = useMemo(() => (hasSessions ? { user, ...(threshold === undefined ? {} : { threshold_ms: threshold }) } : null), [hasSessions, user, threshold]);
  const load = useJourney(host.api, request, version);
  const journey = load.journey;
  const choices = useFilterChoices(host.api, version, summary !== null);

  const colorAttribute = colorBy !== null && attributes.includes(colorBy) ? colorBy : attributes.includes('device') ? 'device' : (attributes[0] ?? null);
  const scale = useMemo(() => colorScale(colorAttribute === null ? [] : (choices[colorAttribute] ?? [])), [choices, colorAttribute]);
  const colorOf = useCallback(
    (session: JourneySession) => (colorAttribute === null ? PLAIN_COLOR : scale(session.session.attributes[colorAttribute] ?? null).color),
    [scale, colorAttribute],
  );
  const swatches = useMemo(() => (journey === null || colorAttribute === null ? [] : legendOf(journey, colorAttribute, scale)), [journey, colorAttribute, scale]);

  const onOpen = useCallback(
    (session: JourneySession) => {
      setOpen({ user_id: session.session.user_id, session_id: session.session.session_id, version, previewMs });
      setReveal(null);
    },
    [version, previewMs],
  );
  const closePanel = useCallback(() => setOpen(null), []);
  const showUser = useCallback((next: string | null) => {
    setUser(next);
    setOpen(null);
    setReveal(null);
  }, []);

  if (summary === null) {
    return (
      <div className="empty-state">
        <h2>No data yet</h2>
        <p>Open the demo data, or import event files (CSV or Mixpanel export NDJSON), from the Data panel.</p>
      </div>
    );
  }
  if (!hasSessions) {
    return (
      <div className="empty-state">
        <h2>The cache holds no sessions</h2>
        <p>Import event files to see users’ journeys.</p>
      </div>
    );
  }

  // The open session, while it belongs to what is shown.
  const openSession =
    open !== null && journey !== null && open.version === version && open.previewMs === previewMs && open.user_id === journey.user_id
      ? (journey.days.flatMap((d) => d.sessions).find((s) => s.session.session_id === open.session_id) ?? null)
      : null;
  const shownEvents = journey?.days.reduce((n, d) => n + d.sessions.reduce((m, s) => m + s.events.length, 0), 0) ?? 0;
  const stepping = load.loading;

  return (
    <div className={`journeys-view${openSession !== null ? ' with-panel' : ''}`}>
      <div className="journeys-main">
        <div className="journeys-toolbar">
          <UserFinder api={host.api} shown={journey?.user_id ?? user} onPick={showUser} />
          <div className="step-buttons" role="group" aria-label="Step through users">
            <button
              type="button"
              className="button"
              aria-label="Previous user"
              title={journey?.previous_user ? `Previous user: ${journey.previous_user}` : 'This is the first user'}
              disabled={journey === null || journey.previous_user === null}
              aria-disabled={stepping}
              onClick={() => !stepping && journey?.previous_user && showUser(journey.previous_user)}
            >
              <span aria-hidden="true">‹</span> Previous
            </button>
            <button
              type="button"
              className="button"
              aria-label="Next user"
              title={journey?.next_user ? `Next user: ${journey.next_user}` : 'This is the last user'}
              disabled={journey === null || journey.next_user === null}
              aria-disabled={stepping}
              onClick={() => !stepping && journey?.next_user && showUser(journey.next_user)}
            >
              Next <span aria-hidden="true">›</span>
            </button>
          </div>
        </div>

        {journey === null && load.error === null && <TimelineSkeleton />}
        {journey === null && load.error !== null && (
          <ErrorState title="This journey could not be read" message={load.error.message} onRetry={load.retry}>
            {user !== null && (
              <button type="button" className="button" onClick={() => showUser(null)}>
                Show the first user
              </button>
            )}
          </ErrorState>
        )}
        {journey !== null && (
          <>
            <div className="journey-head">
              <div className="journey-title">
                <h2 className="journey-user" title={journey.user_id}>
                  {journey.user_id}
                </h2>
                {previewMs !== null && <span className="journey-badge">preview · threshold {duration(previewMs / 1000)}</span>}
                <span className="journey-status" role="status" aria-live="polite">
                  {stepping ? 'Loading…' : ''}
                </span>
              </div>
              <p className="journey-stats">
                <span>{plural(journey.sessions, 'session')}</span>
                <span>{plural(journey.events, 'event')}</span>
                <span title={`${journey.days[0]?.date ?? ''} – ${journey.days[journey.days.length - 1]?.date ?? ''}`}>{plural(journey.days.length, 'active day')}</span>
                <span>{duration(totalSeconds(journey))} in sessions</span>
              </p>
            </div>
            {load.error !== null && (
              <div className="journey-notice notice error" role="alert">
                <span>
                  Could not show {user === null ? 'the first user' : <span className="mono">{user}</span>}: {load.error.message}
                </span>
                <button type="button" className="button small" onClick={load.retry}>
                  Try again
                </button>
              </div>
            )}
            {journey.truncated && (
              <p className="journey-notice notice info">
                This user has {count(journey.events)} events; the timeline shows the first {count(shownEvents)}. Their later sessions are left out.
              </p>
            )}
            <div className="legend-line">
              {colorAttribute !== null && <Legend attribute={colorAttribute} swatches={swatches} />}
              <div className="chart-controls">
                {attributes.length > 0 && (
                  <label className="inline-field">
                    <span>Colour by</span>
                    <select value={colorAttribute ?? ''} onChange={(e) => setColorBy(e.target.value)}>
                      {attributes.map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
                <div className="inline-field">
                  <span id="journeys-zoom-label">Zoom</span>
                  <div className="zoom" role="group" aria-labelledby="journeys-zoom-label">
                    <button type="button" className="button zoom-step" aria-label="Zoom out" disabled={zoom <= ZOOMS[0]} onClick={() => setZoom((z) => stepZoom(z, -1))}>
                      −
                    </button>
                    <button type="button" className="button zoom-reset" aria-label={zoom === 1 ? 'The whole day is shown' : `Zoomed ${zoom}×: show the whole day`} title="Show the whole day" disabled={zoom === 1} onClick={() => setZoom(1)}>
                      {zoom === 1 ? '24 h' : `${zoom}×`}
                    </button>
                    <button type="button" className="button zoom-step" aria-label="Zoom in" disabled={zoom >= ZOOMS[ZOOMS.length - 1]} onClick={() => setZoom((z) => stepZoom(z, 1))}>
                      +
                    </button>
                  </div>
                </div>
              </div>
            </div>
            <div className={`timeline-frame${stepping ? ' stepping' : ''}`} aria-busy={stepping}>
              <Timeline
                journey={journey}
                zone={zone}
                attributes={attributes}
                colorOf={colorOf}
                openId={openSession?.session.session_id ?? null}
                onOpen={onOpen}
                zoom={zoom}
                revealId={reveal}
              />
            </div>
            <p className="timeline-hint">
              Hover a tick for its event · click a bar to list the session’s events · keys: Tab to a bar, Enter opens it, ← → walk its events
            </p>
          </>
        )}
      </div>
      {openSession !== null && (
        <SessionPanel
          key={`${openSession.session.user_id}\u0000${openSession.session.session_id}\u0000${previewMs}`}
          api={host.api}
          session={openSession.session}
          zone={zone}
          attributes={attributes}
          onClose={closePanel}
          {...(previewMs === null ? {} : { thresholdMs: previewMs })}
        />
      )}
    </div>
  );
}

/** Where the view starts: a new target from Sessions, else what it showed last (same cache), else the first user. */
function startingPoint(target: JourneyTarget | null, path: string | null, version: number, previewMs: number | null) {
  if (target !== null && target !== memory.target) {
    return { user: target.user_id, open: targetOpen(target, version, previewMs) };
  }
  if (memory.path !== null && memory.path === path) return { user: memory.user, open: memory.open };
  return { user: null, open: null };
}

function targetOpen(target: JourneyTarget, version: number, previewMs: number | null): OpenSession | null {
  return target.session_id === undefined ? null : { user_id: target.user_id, session_id: target.session_id, version, previewMs };
}

function stepZoom(zoom: number, direction: 1 | -1): number {
  const at = ZOOMS.findIndex((z) => z === zoom);
  return ZOOMS[Math.min(Math.max(0, (at === -1 ? 0 : at) + direction), ZOOMS.length - 1)];
}

function totalSeconds(journey: UserJourney): number {
  return journey.days.reduce((n, d) => n + d.sessions.reduce((m, s) => m + s.session.session_duration_secs, 0), 0);
}

/** The legend's entries: the colours this user's sessions show, in palette order, with their session counts. */
function legendOf(journey: UserJourney, attribute: string, scale: ReturnType<typeof colorScale>): Array<Swatch & { sessions: number }> {
  const entries = new Map<string, Swatch & { sessions: number }>();
  for (const day of journey.days) {
    for (const { session } of day.sessions) {
      const value = session.attributes[attribute] ?? null;
      const colour = scale(value);
      const entry = entries.get(colour.key) ?? { label: colour.label, color: colour.color, rank: colour.rank, values: [], sessions: 0 };
      entry.sessions += 1;
      if (!entry.values.includes(value)) entry.values.push(value);
      entries.set(colour.key, entry);
    }
  }
  return [...entries.values()]
    .map((entry) => (entry.label === 'Other' ? { ...entry, label: `Other (${entry.values.join(', ')})` } : entry))
    .sort((a, b) => a.rank - b.rank || b.sessions - a.sessions);
}

/** The timeline's shape while the first journey loads. */
function TimelineSkeleton() {
  const rows = [[18, 4], [42, 9], [55, 3], [30, 6], [64, 5], [47, 8]];
  return (
    <div className="timeline-skeleton" aria-busy="true" aria-label="Loading the journey">
      <div className="skeleton-head">
        <span className="skeleton-block wide" />
        <span className="skeleton-block" />
      </div>
      {rows.map(([left, width], i) => (
        <div className="skeleton-row" key={i}>
          <span className="skeleton-block label" />
          <span className="skeleton-track">
            <span className="skeleton-bar" style={{ left: `${left}%`, width: `${width}%` }} />
            <span className="skeleton-bar" style={{ left: `${(left + 17) % 90}%`, width: `${Math.max(2, width - 3)}%` }} />
          </span>
        </div>
      ))}
      <p className="muted skeleton-text">Loading the journey…</p>
    </div>
  );
}
