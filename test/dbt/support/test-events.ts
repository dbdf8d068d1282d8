// Events for the dbt tests: the demo generator's, plus hand-made edge cases, in one shape that
// is written both as a Mixpanel export (or a flat CSV) for the core and as a warehouse table
// for DuckDB.
import { generateDemoEvents, type DemoOptions } from '../../../core/sources/demo-generator.ts';
import { ZoneCalendar } from '../../../core/time/zone-calendar.ts';
import { dayToIsoDate } from '../../../core/time/calendar-day.ts';

export interface TestEvent {
  user: string | null;
  /** ISO 8601 UTC, up to microseconds (sub-millisecond digits are truncated by both sides); null: none. */
  time: string | null;
  event: string | null;
  /** null: no insert id at all; '' an empty one (both mean "derive one"). */
  insertId: string | null;
  /** Mixpanel properties besides time, distinct_id and $insert_id. */
  props: Record<string, string | null>;
}

export const ZONE = 'America/New_York';
/** The property a custom attribute is read from: a quote in it exercises literal escaping. */
export const PLAN_PROPERTY = "user's plan";
/** An excluded event name that needs escaping in both dialects. */
export const ODD_EXCLUDED_EVENT = 'it\'s "excluded" \\ too';

const PLANS = ['free', 'pro', null] as const;

/**
 * The demo generator's events. Every ninth event carries its country as `country` instead of
 * `mp_country_code` (the fallback property); the plan is a per-user property, sometimes absent.
 */
export function demoEvents(options: DemoOptions): TestEvent[] {
  const events: TestEvent[] = [];
  let n = 0;
  generateDemoEvents(options, (e) => {
    const countryKey = n++ % 9 === 0 ? 'country' : 'mp_country_code';
    const plan = PLANS[[...e.userId].reduce((h, c) => (h * 31 + c.codePointAt(0)!) % 1009, 7) % PLANS.length];
    events.push({
      user: e.userId,
      time: new Date(e.time).toISOString(),
      event: e.event,
      insertId: e.insertId,
      props: { [countryKey]: e.country, $device: e.device, $os: e.os, [PLAN_PROPERTY]: plan },
    });
  });
  return events;
}

function at(iso: string, plusMs = 0): string {
  return new Date(Date.parse(iso) + plusMs).toISOString();
}

function ev(user: string | null, time: string | null, event: string | null, insertId: string | null, props: Record<string, string | null> = {}): TestEvent {
  return { user, time, event, insertId, props };
}

const FULL = { mp_country_code: 'US', $device: 'Mac', $os: 'macOS', [PLAN_PROPERTY]: 'pro' };

/** Hand-made cases on March 2025 dates (inside the demo's days), each on a user of its own. */
export function marchEdgeCases(): TestEvent[] {
  const tie = '2025-03-03T15:00:00.000Z';
  const gap = '2025-03-04T14:00:00.000Z';
  return [
    // Ties in time: code point order of insert ids (not UTF-16 order: '｡' U+FF61 < '😀' U+1F600),
    // an id-less event ('h:…' sorts after 'b', before 'é'), equal ids ordered by event name.
    ev('edge_tie', tie, 'e_smile', '😀', { mp_country_code: 'JP' }),
    ev('edge_tie', tie, 'e_b', 'b', {}),
    ev('edge_tie', tie, 'e_halfwidth', '｡', { $os: 'Linux' }),
    ev('edge_tie', tie, 'e_B', 'B', {}),
    ev('edge_tie', tie, 'e_e_acute', 'é', { $device: 'iPad' }),
    ev('edge_tie', tie, 'e_noid', null, { mp_country_code: 'SE' }),
    ev('edge_tie', tie, 'zeta', 'same', {}),
    ev('edge_tie', tie, 'alpha', 'same', { $os: 'Android' }),
    ev('edge_tie', tie, 'e_a', 'a', { [PLAN_PROPERTY]: 'free' }),

    // Duplicates: one event per (insert id, user, event, time); the copy kept has the smallest
    // attributes (nulls first), so the session's country comes from the next event.
    ev('edge_dup', '2025-03-05T10:00:00.000Z', 'open', 'd1', { mp_country_code: 'DE', $os: 'iOS' }),
    ev('edge_dup', '2025-03-05T10:00:00.000Z', 'open', 'd1', { $os: 'iOS' }),
    ev('edge_dup', '2025-03-05T10:00:00.000Z', 'open', 'd1', { mp_country_code: 'AT', $os: 'iOS' }),
    ev('edge_dup', '2025-03-05T10:01:00.000Z', 'click', 'd2', { mp_country_code: 'FR' }),
    ev('edge_dup', '2025-03-05T10:01:00.000Z', 'click', 'd2', { mp_country_code: 'FR' }),
    // Same insert id and time, another event name: a different event.
    ev('edge_dup', '2025-03-05T10:01:00.000Z', 'view', 'd2', {}),

    // No insert ids: exact repeats collapse (an empty id counts as none), distinct rows do not.
    ev('edge_noid', '2025-03-06T09:00:00.000Z', 'open', null, FULL),
    ev('edge_noid', '2025-03-06T09:00:00.000Z', 'open', null, FULL),
    ev('edge_noid', '2025-03-06T09:00:00.000Z', 'open', '', FULL),
    ev('edge_noid', '2025-03-06T09:05:00.000Z', 'click', null, { mp_country_code: 'US' }),
    ev('edge_noid', '2025-03-06T09:05:00.000Z', 'click', null, { mp_country_code: 'CA' }),
    ev('edge_noid', '2025-03-06T09:06:00.000Z', 'close', null, {}),

    // Excluded events take no part: they neither bridge a gap nor start or end a session.
    ev('edge_excl', '2025-03-07T12:00:00.000Z', '$identify', 'x0', { mp_country_code: 'BR' }),
    ev('edge_excl', '2025-03-07T12:00:00.000Z', 'open', 'x1', {}),
    ev('edge_excl', '2025-03-07T12:20:00.000Z', '$identify', 'x2', {}),
    ev('edge_excl', '2025-03-07T12:40:00.000Z', 'click', 'x3', { mp_country_code: 'AR' }),
    ev('edge_excl', '2025-03-07T12:41:00.000Z', ODD_EXCLUDED_EVENT, 'x4', {}),

    // Null attributes: each attribute is its first non-null value; `country` as fallback property.
    ev('edge_null', '2025-03-02T16:00:00.000Z', 'open', 'n1', {}),
    ev('edge_null', '2025-03-02T16:01:00.000Z', 'view', 'n2', { country: 'NL' }),
    ev('edge_null', '2025-03-02T16:02:00.000Z', 'view', 'n3', { mp_country_code: 'BE', country: 'LU', $device: 'Mac' }),
    ev('edge_null', '2025-03-02T18:00:00.000Z', 'open', 'n4', { mp_country_code: null, $os: null }),

    // Gaps of exactly the threshold (continues) and the threshold plus 1 ms (new session).
    ev('edge_gap', gap, 'a', 'g1', FULL),
    ev('edge_gap', at(gap, 1_800_000), 'b', 'g2', {}),
    ev('edge_gap', at(gap, 1_800_000 + 1_800_001), 'c', 'g3', {}),
    ev('edge_gap', at(gap, 1_800_000 + 1_800_001 + 1999), 'd', 'g4', {}),

    // Sub-millisecond digits are truncated; the duration is floored to whole seconds.
    ev('edge_ms', '2025-03-04T12:00:00.000999Z', 'a', 'm1', {}),
    ev('edge_ms', '2025-03-04T12:00:01.999500Z', 'b', 'm2', {}),

    // New York: local midnight splits a 20-minute gap; the 23-hour DST day (2025-03-09) keeps
    // 01:59 EST and 03:01 EDT together; midnight after the change falls at 04:00 UTC.
    ev('edge_dst', '2025-03-09T04:50:00.000Z', 'late', 't1', FULL),
    ev('edge_dst', '2025-03-09T05:10:00.000Z', 'early', 't2', {}),
    ev('edge_dst', '2025-03-09T06:59:00.000Z', 'before_change', 't3', {}),
    ev('edge_dst', '2025-03-09T07:01:00.000Z', 'after_change', 't4', {}),
    ev('edge_dst', '2025-03-10T03:59:59.999Z', 'last_ms', 't5', {}),
    ev('edge_dst', '2025-03-10T04:00:00.000Z', 'first_ms', 't6', {}),

    // Not events: no user, an empty user, no time. An event without a name is one (named '').
    ev(null, '2025-03-03T10:00:00.000Z', 'open', 'r1', {}),
    ev('', '2025-03-03T10:00:00.000Z', 'open', 'r2', {}),
    ev('edge_rejected', null, 'open', 'r3', {}),
    ev('edge_rejected', '2025-03-03T11:00:00.000Z', null, 'r4', FULL),
  ];
}

/** The autumn DST change (a 25-hour day): only for runs whose "today" is after it. */
export function novemberEdgeCases(): TestEvent[] {
  return [
    // 01:30 EDT and 01:20 EST are 50 minutes apart: two sessions on one local date.
    ev('edge_fall', '2025-11-02T05:30:00.000Z', 'a', 'f1', FULL),
    ev('edge_fall', '2025-11-02T06:20:00.000Z', 'b', 'f2', {}),
    // 23:59 and 00:01 EST: two local dates.
    ev('edge_fall', '2025-11-03T04:59:00.000Z', 'c', 'f3', {}),
    ev('edge_fall', '2025-11-03T05:01:00.000Z', 'd', 'f4', {}),
  ];
}

const calendar = new ZoneCalendar(ZONE);

/** The event's local date in New York (YYYY-MM-DD), or null without a time. */
export function localDate(event: TestEvent): string | null {
  return event.time === null ? null : dayToIsoDate(calendar.localDay(Date.parse(event.time)));
}

/**
 * Pairs of distinct id-less events of one user in the same millisecond. Their order follows
 * each side's hash of their content, which differ (SPEC allows it), so data used for an exact
 * comparison must have none.
 */
export function idlessTies(events: TestEvent[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const e of events) {
    if ((e.insertId !== null && e.insertId !== '') || e.time === null || !e.user) continue;
    const key = `${e.user}|${Date.parse(e.time)}`;
    const contents = seen.get(key) ?? new Set<string>();
    contents.add(JSON.stringify([e.event, e.props]));
    seen.set(key, contents);
  }
  return [...seen].filter(([, contents]) => contents.size > 1).map(([key]) => key);
}

/** One line of a Mixpanel export. */
function ndjsonLine(e: TestEvent): string {
  const properties: Record<string, unknown> = {};
  if (e.time !== null) properties.time = e.time;
  if (e.user !== null) properties.distinct_id = e.user;
  if (e.insertId !== null) properties.$insert_id = e.insertId;
  Object.assign(properties, e.props);
  return JSON.stringify(e.event === null ? { properties } : { event: e.event, properties });
}

export function toNdjson(events: TestEvent[]): string {
  return `${events.map(ndjsonLine).join('\n')}\n`;
}

/** A row of the Mixpanel pipeline table (mp_master_event), as JSON for DuckDB's read_json. */
export function mixpanelRow(e: TestEvent): Record<string, unknown> {
  return { distinct_id: e.user, time: e.time, event_name: e.event, insert_id: e.insertId, properties: e.props };
}

/** The flat layout's columns: one per attribute. */
export const FLAT_COLUMNS = ['country', 'device', 'os', 'subscription_plan'] as const;

export function flatRow(e: TestEvent): Record<string, string | null> {
  const p = e.props;
  return {
    user_id: e.user,
    time: e.time,
    event: e.event,
    insert_id: e.insertId,
    country: p.mp_country_code ?? p.country ?? null,
    device: p.$device ?? null,
    os: p.$os ?? null,
    subscription_plan: p[PLAN_PROPERTY] ?? null,
  };
}
