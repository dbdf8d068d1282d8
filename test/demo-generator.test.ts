import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_DEFAULTS, generateDemoEvents } from '../core/sources/demo-generator.ts';
import type { DemoEvent, DemoOptions } from '../core/sources/demo-generator.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function collect(options: DemoOptions): DemoEvent[] {
  const events: DemoEvent[] = [];
  generateDemoEvents(options, (event) => events.push(event));
  return events;
}

function utcDay(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** Each user's events in emission order (which is time order). */
function byUser(events: DemoEvent[]): Map<string, DemoEvent[]> {
  const users = new Map<string, DemoEvent[]>();
  for (const event of events) {
    let list = users.get(event.userId);
    if (!list) users.set(event.userId, (list = []));
    list.push(event);
  }
  return users;
}

function share(count: number, total: number): number {
  return total === 0 ? 0 : count / total;
}

// One shared, medium-sized data set: 1000 users over 10 days (about 50,000 events).
const USERS = 1000;
const DAYS = 10;
const START = '2025-03-01';
const EVENTS = collect({ users: USERS, days: DAYS, seed: 42, startDate: START });
const PER_USER = byUser(EVENTS);

test('defaults are 500 users, 14 days, seed 1', () => {
  assert.deepEqual({ ...DEMO_DEFAULTS }, { users: 500, days: 14, seed: 1 });
});

test('the same seed gives identical output, another seed a different one', () => {
  const options = { users: 300, days: 4, seed: 7 };
  const first = collect(options);
  const second = collect(options);
  assert.ok(first.length > 0);
  assert.deepEqual(second, first);
  const other = collect({ ...options, seed: 8 });
  assert.notDeepEqual(other, first);
  // Not merely a shifted copy: the insert ids differ too.
  const firstIds = new Set(first.map((event) => event.insertId));
  const common = other.filter((event) => event.insertId !== null && firstIds.has(event.insertId)).length;
  assert.ok(common < other.length * 0.01, `${common} insert ids shared between seeds`);
});

test('days come in ascending order, each day in (time, insertId) order, with integer ms times', () => {
  const events = collect({ users: 400, days: 5, seed: 3, startDate: '2024-12-30' });
  const from = Date.UTC(2024, 11, 30);
  const to = from + 5 * DAY_MS;
  assert.ok(events.length > 0);
  const daysSeen = new Set<number>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    assert.ok(Number.isInteger(event.time), `time ${event.time} is not an integer`);
    assert.ok(event.time >= from && event.time < to, `time ${new Date(event.time).toISOString()} outside the period`);
    daysSeen.add(utcDay(event.time));
    if (i === 0) continue;
    const previous = events[i - 1];
    assert.ok(previous.time <= event.time, `event ${i} goes back in time`);
    if (previous.time === event.time && previous.insertId !== null && event.insertId !== null) {
      assert.ok(previous.insertId <= event.insertId, `event ${i}: insert ids out of order within a millisecond`);
    }
    if (previous.time === event.time && event.insertId === null) {
      assert.equal(previous.insertId, null, `event ${i}: a null insert id sorts first within a millisecond`);
    }
  }
  assert.equal(daysSeen.size, 5);
});

test('the default start date is 2025-03-01', () => {
  const events = collect({ users: 50, days: 1, seed: 1 });
  assert.ok(events.length > 0);
  for (const event of events) assert.equal(new Date(event.time).toISOString().slice(0, 10), '2025-03-01');
});

test('about 5 events per user per day, scaling with users and days', () => {
  const expected = USERS * DAYS * 5;
  assert.ok(
    Math.abs(EVENTS.length - expected) <= expected * 0.3,
    `${EVENTS.length} events for ${USERS} users x ${DAYS} days (expected about ${expected})`,
  );
  const half = collect({ users: USERS / 2, days: DAYS, seed: 42 }).length;
  const ratio = EVENTS.length / half;
  assert.ok(ratio > 1.6 && ratio < 2.4, `doubling the users multiplied the events by ${ratio}`);
});

test('the in-day gaps between a user’s events have two humps with a valley in the tens of minutes', () => {
  let below5m = 0;
  let valley = 0;
  let above1h = 0;
  let total = 0;
  for (const list of PER_USER.values()) {
    for (let i = 1; i < list.length; i++) {
      if (utcDay(list[i].time) !== utcDay(list[i - 1].time)) continue;
      const gap = list[i].time - list[i - 1].time;
      total++;
      if (gap < 5 * MINUTE_MS) below5m++;
      else if (gap >= 10 * MINUTE_MS && gap <= 60 * MINUTE_MS) valley++;
      else if (gap > 60 * MINUTE_MS) above1h++;
    }
  }
  const valleyShare = share(valley, total);
  const lowShare = share(below5m, total);
  const highShare = share(above1h, total);
  assert.ok(lowShare > 0.5, `only ${lowShare} of gaps are in-session (< 5 min)`);
  assert.ok(highShare > 0.02, `only ${highShare} of gaps are between sessions (> 1 h)`);
  assert.ok(valleyShare < highShare / 4, `valley ${valleyShare} vs > 1 h ${highShare}`);
  assert.ok(valleyShare < lowShare / 20, `valley ${valleyShare} vs < 5 min ${lowShare}`);
});

test('some sessions run across UTC midnight', () => {
  let crossing = 0;
  for (const list of PER_USER.values()) {
    for (let i = 1; i < list.length; i++) {
      const gap = list[i].time - list[i - 1].time;
      if (utcDay(list[i].time) === utcDay(list[i - 1].time) + 1 && gap <= 10 * MINUTE_MS) crossing++;
    }
  }
  assert.ok(crossing >= 5, `${crossing} sessions cross midnight`);
});

test('duplicate deliveries (~0.5%) repeat every field; other insert ids are unique; ~1% have none', () => {
  const groups = new Map<string, DemoEvent[]>();
  let nullIds = 0;
  for (const event of EVENTS) {
    if (event.insertId === null) {
      nullIds++;
      continue;
    }
    assert.match(event.insertId, /^[0-9a-f]{16}$/);
    let group = groups.get(event.insertId);
    if (!group) groups.set(event.insertId, (group = []));
    group.push(event);
  }
  let duplicates = 0;
  for (const group of groups.values()) {
    for (const copy of group.slice(1)) {
      assert.deepEqual(copy, group[0], 'events sharing an insert id are exact repeats');
      duplicates++;
    }
  }
  const duplicateShare = share(duplicates, EVENTS.length);
  const nullShare = share(nullIds, EVENTS.length);
  assert.ok(duplicateShare > 0.002 && duplicateShare < 0.01, `duplicate share ${duplicateShare}`);
  assert.ok(nullShare > 0.005 && nullShare < 0.02, `null insert id share ${nullShare}`);
});

test('attributes: weighted countries, matching device and OS, a few nulls, rare mid-session changes', () => {
  const countries = new Map<string, number>();
  let nullCountry = 0;
  let nullDevice = 0;
  const expectedOs: Record<string, RegExp> = {
    iPhone: /^iOS/,
    iPad: /^iPadOS/,
    Mac: /^macOS/,
    'Windows PC': /^Windows/,
    'Android phone': /^Android/,
  };
  for (const event of EVENTS) {
    if (event.country === null) nullCountry++;
    else countries.set(event.country, (countries.get(event.country) ?? 0) + 1);
    assert.equal(event.device === null, event.os === null, 'device and os are missing together');
    if (event.device === null) {
      nullDevice++;
      continue;
    }
    const pattern = expectedOs[event.device];
    if (pattern && event.os !== null) assert.match(event.os, pattern, `${event.device} runs ${event.os}`);
  }
  const devices = new Set(EVENTS.map((event) => event.device));
  for (const device of Object.keys(expectedOs)) assert.ok(devices.has(device), `no ${device}`);
  assert.ok(countries.size >= 8, `only ${countries.size} countries`);
  const counts = [...countries.values()].sort((a, b) => b - a);
  assert.ok(counts[0] > 2 * counts[counts.length - 1], 'countries are weighted, not uniform');
  const countryNullShare = share(nullCountry, EVENTS.length);
  const deviceNullShare = share(nullDevice, EVENTS.length);
  assert.ok(countryNullShare > 0.005 && countryNullShare < 0.02, `null country share ${countryNullShare}`);
  assert.ok(deviceNullShare > 0.002 && deviceNullShare < 0.01, `null device share ${deviceNullShare}`);

  // Within a burst of activity (gaps <= 5 min, same day) a non-null attribute sometimes changes.
  let changes = 0;
  let pairs = 0;
  for (const list of PER_USER.values()) {
    const seen: { country: string | null; os: string | null } = { country: null, os: null };
    for (let i = 0; i < list.length; i++) {
      const event = list[i];
      const continues =
        i > 0 && event.time - list[i - 1].time <= 5 * MINUTE_MS && utcDay(event.time) === utcDay(list[i - 1].time);
      if (!continues) {
        seen.country = event.country;
        seen.os = event.os;
        continue;
      }
      pairs++;
      if (event.country !== null && seen.country !== null && event.country !== seen.country) changes++;
      else if (event.os !== null && seen.os !== null && event.os !== seen.os) changes++;
      seen.country = event.country ?? seen.country;
      seen.os = event.os ?? seen.os;
    }
  }
  assert.ok(changes >= 2, `${changes} mid-session attribute changes`);
  assert.ok(changes < pairs * 0.01, `${changes} changes in ${pairs} in-session steps is not rare`);
});

test('user ids look like u_00042, with a few containing a comma, a quote or non-ASCII letters', () => {
  const ids = [...PER_USER.keys()];
  const regular = ids.filter((id) => /^u_\d{5,}$/.test(id));
  assert.ok(regular.length > ids.length * 0.9, `${regular.length} of ${ids.length} ids look like u_00042`);
  const odd = ids.filter((id) => !/^u_\d{5,}$/.test(id));
  assert.ok(odd.length >= 3 && odd.length <= 20, `${odd.length} odd user ids`);
  assert.ok(odd.some((id) => id.includes(',')), 'a user id with a comma');
  assert.ok(odd.some((id) => id.includes('"')), 'a user id with a double quote');
  assert.ok(odd.some((id) => /[^\x00-\x7f]/.test(id)), 'a user id with non-ASCII letters');
  const names = new Set(EVENTS.map((event) => event.event));
  assert.ok([...names].some((name) => name.includes(',') || name.includes('"')), 'an event name needing quotes');
  assert.ok([...names].some((name) => /[^\x00-\x7f]/.test(name)), 'a non-ASCII event name');
});

test('event names are product-like; $identify is rare; signups come first on a new user’s first day', () => {
  const counts = new Map<string, number>();
  for (const event of EVENTS) counts.set(event.event, (counts.get(event.event) ?? 0) + 1);
  for (const name of ['app_open', 'page_view', 'search', 'add_to_cart', 'purchase', 'signup', '$identify']) {
    assert.ok((counts.get(name) ?? 0) > 0, `no ${name} events`);
  }
  const pageViews = counts.get('page_view') ?? 0;
  assert.ok(pageViews > (counts.get('purchase') ?? 0) * 3, 'page views outnumber purchases');
  assert.ok(share(counts.get('$identify') ?? 0, EVENTS.length) < 0.01, '$identify is rare');

  let signedUp = 0;
  let signupFirst = 0;
  let signupEarly = 0;
  for (const list of PER_USER.values()) {
    const signups = list.filter((event) => event.event === 'signup');
    if (signups.length === 0) continue;
    signedUp++;
    assert.equal(new Set(signups.map((event) => event.time)).size, 1, 'one signup per user (up to duplicate deliveries)');
    const signup = signups[0];
    assert.equal(utcDay(signup.time), utcDay(list[0].time), `${list[0].userId} signs up after their first day`);
    // The SDK's `$identify` may share the signup's millisecond and sort before it.
    if (list[0].time === signup.time) signupFirst++;
    const before = list.filter((event) => event.time < signup.time).length;
    if (before <= 1) signupEarly++;
  }
  assert.ok(signedUp >= USERS * 0.05, `only ${signedUp} users sign up`);
  assert.ok(signupFirst >= signedUp * 0.6, `${signupFirst} of ${signedUp} users start with their signup`);
  assert.ok(signupEarly >= signedUp * 0.9, `${signupEarly} of ${signedUp} signups open the first day`);
});

test('activity levels: a few users come daily, most only occasionally', () => {
  const activeDays: number[] = [];
  for (const list of PER_USER.values()) activeDays.push(new Set(list.map((event) => utcDay(event.time))).size);
  activeDays.sort((a, b) => a - b);
  const median = activeDays[Math.floor(activeDays.length / 2)];
  const daily = activeDays.filter((days) => days >= DAYS * 0.8).length;
  assert.ok(median <= DAYS / 2, `median user active on ${median} of ${DAYS} days`);
  assert.ok(daily >= activeDays.length * 0.05, `only ${daily} users active on most days`);
  // Several sessions on some days: at least some user-days have a gap over an hour.
  const users = new Set<string>();
  for (const [user, list] of PER_USER) {
    for (let i = 1; i < list.length; i++) {
      if (utcDay(list[i].time) === utcDay(list[i - 1].time) && list[i].time - list[i - 1].time > 60 * MINUTE_MS) {
        users.add(user);
        break;
      }
    }
  }
  assert.ok(users.size >= PER_USER.size * 0.2, `${users.size} users with several sessions on a day`);
});

test('empty sizes emit nothing; invalid options are rejected', () => {
  assert.equal(collect({ users: 0, days: 5, seed: 1 }).length, 0);
  assert.equal(collect({ users: 5, days: 0, seed: 1 }).length, 0);
  assert.throws(() => collect({ users: -1, days: 1, seed: 1 }), /users/);
  assert.throws(() => collect({ users: 1.5, days: 1, seed: 1 }), /users/);
  assert.throws(() => collect({ users: 1, days: Number.NaN, seed: 1 }), /days/);
  assert.throws(() => collect({ users: 1, days: 1, seed: Number.POSITIVE_INFINITY }), /seed/);
  assert.throws(() => collect({ users: 1, days: 1, seed: 1, startDate: '2025-02-30' }), /date/);
  assert.throws(() => collect({ users: 1, days: 1, seed: 1, startDate: '1/3/2025' }), /date/);
});
