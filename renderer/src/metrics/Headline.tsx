import { useId, type ReactNode } from 'react';
import type { AppMetrics } from '../../../core/api/contract.ts';
import { count, plural } from '../format.ts';
import { thresholdLabel } from '../threshold/scale.ts';
import { durationText, shareText, shortDate } from './series.ts';

type Totals = AppMetrics['totals'];

/**
 * The range's figures: the average session time per user per day first and largest (with the
 * threshold it is computed at), then sessions, users, first-session duration, median, p90, bounce share.
 */
export function Headline({ metrics }: { metrics: AppMetrics | null }) {
  const totals = metrics?.totals ?? null;
  const thresholdMs = metrics === null ? null : Math.round(metrics.threshold_secs * 1000);
  const id = useId();
  const previewing = metrics?.preview === true;
  /** No sessions: averages and shares have nothing to average (the API's zeros are not figures). */
  const none = totals !== null && totals.sessions === 0;
  return (
    <section className="m-headline" aria-label="Headline figures" aria-busy={metrics === null}>
      <div className={`m-hero${previewing ? ' previewing' : ''}`} role="group" aria-labelledby={`${id}-hero`}>
        <h2 className="m-hero-label" id={`${id}-hero`}>
          Average session time per user per day
        </h2>
        <div className="m-hero-value">
          <Value value={totals?.avg_session_time_per_user ?? null} loading={totals === null} text={durationText} none={none} />
        </div>
        <p className="m-hero-threshold">
          {thresholdMs === null ? (
            <span className="m-skeleton short" />
          ) : (
            <>
              at a <strong>{thresholdLabel(thresholdMs)}</strong> inactivity threshold
              <span className={`m-pill ${previewing ? 'preview' : 'stored'}`}>{previewing ? 'preview' : 'stored'}</span>
            </>
          )}
        </p>
        <p className="m-hero-note muted">
          {totals === null ? (
            <span className="m-skeleton" />
          ) : totals.user_days === 0 ? (
            'No sessions in this range.'
          ) : (
            <>Total session time ÷ {plural(totals.user_days, 'user-day')} over {plural(totals.days, 'day')}</>
          )}
        </p>
        {metrics !== null && metrics.days.length > 1 && <DailySpread days={metrics.days} />}
      </div>
      <div className="m-stats">
        <Stat label="Sessions" value={totals?.sessions ?? null} loading={totals === null} text={count} note={totals === null ? null : `${plural(totals.events, 'event')}`} />
        <Stat label="Users" value={totals?.users ?? null} loading={totals === null} text={count} note={totals === null || none ? null : `distinct, over ${plural(totals.days, 'day')}`} />
        <Stat
          label="Average first-session duration"
          value={totals?.avg_first_session_secs ?? null}
          loading={totals === null}
          none={none}
          text={durationText}
          note={none ? null : 'users’ first sessions (session 1)'}
        />
        <Stat label="Median session duration" value={totals?.median_duration_secs ?? null} loading={totals === null} none={none} text={durationText} note={totals === null || none ? null : `mean ${durationText(totals.mean_duration_secs)}`} />
        <Stat label="P90 session duration" value={totals?.p90_duration_secs ?? null} loading={totals === null} none={none} text={durationText} note={none ? null : '9 in 10 sessions are shorter'} />
        <Stat label="Bounce share" value={totals?.bounce_share ?? null} loading={totals === null} none={none} text={shareText} note={totals === null || none ? null : bounceNote(totals)} />
      </div>
    </section>
  );
}

/** The lowest and highest day of the headline figure. */
function DailySpread({ days }: { days: AppMetrics['days'] }) {
  let low = days[0];
  let high = days[0];
  for (const day of days) {
    if (day.avg_session_time_per_user < low.avg_session_time_per_user) low = day;
    if (day.avg_session_time_per_user > high.avg_session_time_per_user) high = day;
  }
  return (
    <dl className="m-hero-spread">
      <div>
        <dt>Lowest day</dt>
        <dd>
          <strong>{durationText(low.avg_session_time_per_user)}</strong> <span className="muted">{shortDate(low.start_date)}</span>
        </dd>
      </div>
      <div>
        <dt>Highest day</dt>
        <dd>
          <strong>{durationText(high.avg_session_time_per_user)}</strong> <span className="muted">{shortDate(high.start_date)}</span>
        </dd>
      </div>
    </dl>
  );
}

function bounceNote(totals: Totals): string {
  return `${plural(Math.round(totals.bounce_share * totals.sessions), 'one-event session')}`;
}

function Stat({ label, value, loading, none = false, text, note }: {
  label: string;
  value: number | null;
  loading: boolean;
  none?: boolean;
  text: (value: number) => string;
  note: ReactNode | null;
}) {
  const id = useId();
  return (
    <div className="m-stat" role="group" aria-labelledby={id}>
      <h3 className="m-stat-label" id={id}>
        {label}
      </h3>
      <div className="m-stat-value">
        <Value value={value} loading={loading} text={text} none={none} />
      </div>
      <p className="m-stat-note muted">{loading ? <span className="m-skeleton" /> : note}</p>
    </div>
  );
}

/** A figure as it reads, with its exact value in `data-value` (empty when there is none). */
function Value({ value, loading, text, none = false }: { value: number | null; loading: boolean; text: (value: number) => string; none?: boolean }) {
  if (loading) return <span className="m-skeleton value" aria-label="Loading" />;
  return (
    <span className="m-figure" data-value={value === null ? '' : String(value)}>
      {value === null || none ? '—' : text(value)}
    </span>
  );
}
