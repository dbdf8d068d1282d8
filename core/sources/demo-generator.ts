import { UserError } from '../util/user-error.ts';

/**
 * A deterministic generator of product-analytics events that look like a Mixpanel export:
 * users with habits (daily, regular, occasional), sessions of clicks seconds apart separated by
 * hours of absence, signups on a user's first day, sessions running across midnight, and the
 * usual dirt of real data (duplicate deliveries, missing insert ids, missing attributes, an
 * attribute changing mid-session, user ids and event names with commas, quotes and non-ASCII).
 *
 * Memory is bounded by one day of events: a day is generated, sorted, emitted and dropped. Only
 * the few events of sessions that cross midnight are carried over to the next day.
 */

export interface DemoOptions {
  users: number;
  days: number;
  /** Any finite number; its integer part selects the stream. */
  seed: number;
  /** First generated day, `YYYY-MM-DD` (UTC). Default `2025-03-01`. */
  startDate?: string;
}

export interface DemoEvent {
  userId: string;
  /** Epoch milliseconds, an integer. */
  time: number;
  insertId: string | null;
  event: string;
  country: string | null;
  device: string | null;
  os: string | null;
}

export const DEMO_DEFAULTS: { users: number; days: number; seed: number } = Object.freeze({
  users: 500,
  days: 14,
  seed: 1,
});

const DEFAULT_START_DATE = '2025-03-01';
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// ---------------------------------------------------------------------------------------------
// Tunables. Together they give about 5 events per user per day over the whole population.

/** Activity levels: share of users, probability of being active on a given day, mean sessions per active day. */
const ACTIVITY_LEVELS: ReadonlyArray<{ share: number; activeProbability: number; meanSessions: number }> = [
  { share: 0.12, activeProbability: 0.92, meanSessions: 4 }, // daily users
  { share: 0.33, activeProbability: 0.5, meanSessions: 2.4 }, // regulars
  { share: 0.55, activeProbability: 0.14, meanSessions: 1.5 }, // occasional visitors
];
/** Share of users who sign up during the generated period (the others existed before it). */
const NEW_USER_SHARE = 0.25;
/** Mean number of events after the first one in a session (exponential, floored). */
const MEAN_EXTRA_EVENTS = 8.5;
const MAX_EVENTS_PER_SESSION = 120;
/** In-session gaps: log-normal with this median and sigma, capped. */
const IN_SESSION_MEDIAN_MS = 40 * SECOND_MS;
const IN_SESSION_SIGMA = 0.95;
const IN_SESSION_CAP_MS = 20 * MINUTE_MS;
/** Share of in-session gaps of 0 ms (two events tracked in the same millisecond). */
const SAME_MS_SHARE = 0.01;
/** Gaps between sessions: log-normal with this median and sigma. */
const BETWEEN_SESSIONS_MEDIAN_MS = 3 * HOUR_MS;
const BETWEEN_SESSIONS_SIGMA = 0.65;
/** A new session never starts less than this after the user's previous event. */
const MIN_BETWEEN_SESSIONS_MS = 20 * MINUTE_MS;

const DUPLICATE_SHARE = 0.005;
const NULL_INSERT_ID_SHARE = 0.01;
const NULL_COUNTRY_SHARE = 0.01;
const NULL_DEVICE_SHARE = 0.005;
const ODD_EVENT_SHARE = 0.002;
/** Per session: the user's country changes from a random event on (travel, VPN) and stays. */
const COUNTRY_CHANGE_SHARE = 0.002;
/** Per session: the user's OS reports an upgrade (e.g. `iOS` → `iOS 18`) from a random event on, and keeps it. */
const OS_UPGRADE_SHARE = 0.002;
/** Per session: the session starts with a login (`$identify`) at the same millisecond as its first event. */
const LOGIN_SHARE = 0.004;

interface Weighted<T> {
  value: T;
  weight: number;
}

interface CountryInfo {
  code: string;
  /** Typical UTC offset in hours, for the daily rhythm. */
  offset: number;
}

const COUNTRIES: ReadonlyArray<Weighted<CountryInfo>> = [
  { value: { code: 'US', offset: -6 }, weight: 30 },
  { value: { code: 'IN', offset: 5.5 }, weight: 11 },
  { value: { code: 'GB', offset: 0 }, weight: 9 },
  { value: { code: 'DE', offset: 1 }, weight: 8 },
  { value: { code: 'BR', offset: -3 }, weight: 7 },
  { value: { code: 'FR', offset: 1 }, weight: 6 },
  { value: { code: 'CA', offset: -5 }, weight: 5 },
  { value: { code: 'JP', offset: 9 }, weight: 4 },
  { value: { code: 'ES', offset: 1 }, weight: 4 },
  { value: { code: 'MX', offset: -6 }, weight: 4 },
  { value: { code: 'AU', offset: 10 }, weight: 3 },
  { value: { code: 'NL', offset: 1 }, weight: 3 },
  { value: { code: 'IT', offset: 1 }, weight: 3 },
  { value: { code: 'PL', offset: 1 }, weight: 2 },
  { value: { code: 'SE', offset: 1 }, weight: 2 },
  { value: { code: 'KR', offset: 9 }, weight: 2 },
  { value: { code: 'ID', offset: 7 }, weight: 2 },
  { value: { code: 'NG', offset: 1 }, weight: 1 },
  { value: { code: 'ZA', offset: 2 }, weight: 1 },
];

interface DeviceInfo {
  device: string;
  os: string;
  /** The value `os` takes after an upgrade, if the OS reports one. */
  upgradedOs: string;
  /** App platforms open with `app_open`, web platforms with `page_view`. */
  app: boolean;
}

const DEVICES: ReadonlyArray<Weighted<DeviceInfo>> = [
  { value: { device: 'iPhone', os: 'iOS', upgradedOs: 'iOS 18', app: true }, weight: 34 },
  { value: { device: 'Android phone', os: 'Android', upgradedOs: 'Android 15', app: true }, weight: 28 },
  { value: { device: 'Windows PC', os: 'Windows', upgradedOs: 'Windows 11', app: false }, weight: 16 },
  { value: { device: 'Mac', os: 'macOS', upgradedOs: 'macOS 15', app: false }, weight: 11 },
  { value: { device: 'iPad', os: 'iPadOS', upgradedOs: 'iPadOS 18', app: true }, weight: 6 },
  { value: { device: 'Android tablet', os: 'Android', upgradedOs: 'Android 15', app: true }, weight: 2 },
  { value: { device: 'Chromebook', os: 'ChromeOS', upgradedOs: 'ChromeOS 130', app: false }, weight: 2 },
  { value: { device: 'Linux PC', os: 'Linux', upgradedOs: 'Linux', app: false }, weight: 1 },
];

/** Relative likelihood that a session starts in each local hour 0..23. */
const LOCAL_HOUR_WEIGHTS = [
  2, 1.2, 0.6, 0.3, 0.3, 0.5, 1.5, 3, 4, 4.5, 5, 5.5, 6, 5.5, 5, 5, 5, 5.5, 6.5, 7.5, 8, 7.5, 6, 4,
];

/** Users whose ids exercise quoting, Unicode and formula neutralisation downstream. */
const ODD_USER_IDS = [
  'josé@example.com',
  'user "q"',
  'Doe, John',
  'zoë.müller@example.de',
  '李雷',
  'Ñandú, "el jefe"',
  '+44 7700 900123',
  '-anon-7',
  '=1+1',
];

/** Custom events with names that need quoting or are not ASCII. */
const ODD_EVENT_NAMES = ['checkout, step 2', 'Clicked "Buy now"', 'café_menu_opened', 'Einkaufswagen geöffnet'];

type Flow = 'app_open' | 'page_view' | 'search' | 'add_to_cart' | 'purchase';

/** What tends to follow each event within a session. */
const NEXT_EVENT: Readonly<Record<Flow, ReadonlyArray<Weighted<Flow>>>> = {
  app_open: [
    { value: 'page_view', weight: 70 },
    { value: 'search', weight: 25 },
    { value: 'add_to_cart', weight: 5 },
  ],
  page_view: [
    { value: 'page_view', weight: 60 },
    { value: 'search', weight: 22 },
    { value: 'add_to_cart', weight: 15 },
    { value: 'purchase', weight: 3 },
  ],
  search: [
    { value: 'page_view', weight: 60 },
    { value: 'search', weight: 25 },
    { value: 'add_to_cart', weight: 15 },
  ],
  add_to_cart: [
    { value: 'page_view', weight: 40 },
    { value: 'purchase', weight: 25 },
    { value: 'search', weight: 20 },
    { value: 'add_to_cart', weight: 15 },
  ],
  purchase: [
    { value: 'page_view', weight: 75 },
    { value: 'search', weight: 25 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. Returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's finaliser: a bijection on 32-bit integers. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function seedToUint32(seed: number): number {
  const integer = Math.trunc(seed);
  const low = integer % 4294967296;
  const high = Math.trunc(integer / 4294967296);
  // Mix so that nearby seeds give unrelated streams.
  return fmix32((fmix32(low >>> 0) ^ Math.imul(high | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0);
}

interface Sampler<T> {
  pick(u: number): T;
}

function weightedSampler<T>(items: ReadonlyArray<Weighted<T>>): Sampler<T> {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const item of items) {
    running += item.weight / total;
    cumulative.push(running);
  }
  return {
    pick(u: number): T {
      for (let i = 0; i < cumulative.length - 1; i++) {
        if (u < cumulative[i]) return items[i].value;
      }
      return items[items.length - 1].value;
    },
  };
}

/** Char codes of `0-9a-f`. */
const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/** 16 lowercase hex digits from two 32-bit integers, in one allocation. */
function hex16(high: number, low: number): string {
  return String.fromCharCode(
    HEX_CODES[(high >>> 28) & 15], HEX_CODES[(high >>> 24) & 15], HEX_CODES[(high >>> 20) & 15], HEX_CODES[(high >>> 16) & 15],
    HEX_CODES[(high >>> 12) & 15], HEX_CODES[(high >>> 8) & 15], HEX_CODES[(high >>> 4) & 15], HEX_CODES[high & 15],
    HEX_CODES[(low >>> 28) & 15], HEX_CODES[(low >>> 24) & 15], HEX_CODES[(low >>> 20) & 15], HEX_CODES[(low >>> 16) & 15],
    HEX_CODES[(low >>> 12) & 15], HEX_CODES[(low >>> 8) & 15], HEX_CODES[(low >>> 4) & 15], HEX_CODES[low & 15],
  );
}

// ---------------------------------------------------------------------------------------------

function parseStartDate(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const ms = Date.UTC(year, month - 1, day);
    const check = new Date(ms);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return ms;
  }
  throw new UserError(`demo start date must be a valid YYYY-MM-DD date, got '${text}'`);
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UserError(`demo ${name} must be a non-negative integer, got ${value}`);
  }
}

function compareEvents(a: DemoEvent, b: DemoEvent): number {
  if (a.time !== b.time) return a.time - b.time;
  const x = a.insertId;
  const y = b.insertId;
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

/**
 * Emits one day's events in `(time, insertId)` order: a counting sort by second of the day (linear,
 * much faster than a comparator sort of 100,000 objects), then each second's few events sorted
 * with the full comparator.
 */
function emitSorted(events: DemoEvent[], dayStart: number, emit: (event: DemoEvent) => void): void {
  const n = events.length;
  const buckets = DAY_MS / SECOND_MS;
  const starts = new Uint32Array(buckets + 1);
  const bucketOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const bucket = Math.floor((events[i].time - dayStart) / SECOND_MS);
    if (!(bucket >= 0 && bucket < buckets)) throw new Error(`demo event outside its day: ${events[i].time}`);
    bucketOf[i] = bucket;
    starts[bucket + 1]++;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1] += starts[b];
  const order: DemoEvent[] = new Array(n);
  const fill = starts.slice(0, buckets);
  for (let i = 0; i < n; i++) order[fill[bucketOf[i]]++] = events[i];
  // Each second holds a handful of events: an insertion sort is the fastest way to order them.
  for (let b = 0; b < buckets; b++) {
    const from = starts[b];
    const to = starts[b + 1];
    for (let k = from + 1; k < to; k++) {
      const event = order[k];
      let j = k - 1;
      while (j >= from && compareEvents(order[j], event) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = event;
    }
  }
  for (let i = 0; i < n; i++) emit(order[i]);
}

/**
 * Calls `emit` for every generated event, days in ascending order, events of one day in ascending
 * `(time, insertId)` order (like a Mixpanel export; a null insert id first), deterministic for a
 * given seed.
 */
export function generateDemoEvents(options: DemoOptions, emit: (event: DemoEvent) => void): void {
  const { users, days, seed } = options;
  checkCount('users', users);
  checkCount('days', days);
  if (!Number.isFinite(seed)) throw new UserError(`demo seed must be a finite number, got ${seed}`);
  const firstDayMs = parseStartDate(options.startDate ?? DEFAULT_START_DATE);

  const baseSeed = seedToUint32(seed);
  const random = mulberry32(baseSeed);
  const insertIdKey = fmix32(baseSeed ^ 0xa5a5a5a5);
  let insertIdCounter = 0;

  let spareNormal = 0;
  let hasSpareNormal = false;
  const normal = (): number => {
    if (hasSpareNormal) {
      hasSpareNormal = false;
      return spareNormal;
    }
    let u = random();
    while (u === 0) u = random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spareNormal = radius * Math.sin(2 * Math.PI * v);
    hasSpareNormal = true;
    return radius * Math.cos(2 * Math.PI * v);
  };
  const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * normal());
  /** Exponential with the given mean. */
  const exponential = (mean: number): number => -Math.log(1 - random()) * mean;

  const countrySampler = weightedSampler(COUNTRIES);
  const deviceSampler = weightedSampler(DEVICES);
  const hourSampler = weightedSampler(LOCAL_HOUR_WEIGHTS.map((weight, hour) => ({ value: hour, weight })));
  const activitySampler = weightedSampler(
    ACTIVITY_LEVELS.map((level, index) => ({ value: index, weight: level.share })),
  );
  const nextSamplers = {} as Record<Flow, Sampler<Flow>>;
  for (const flow of Object.keys(NEXT_EVENT) as Flow[]) nextSamplers[flow] = weightedSampler(NEXT_EVENT[flow]);

  // --- Users -------------------------------------------------------------------------------
  const userIds: string[] = new Array(users);
  const userCountry: CountryInfo[] = new Array(users);
  const userDevice: DeviceInfo[] = new Array(users);
  const userOs: string[] = new Array(users);
  const userActivity = new Uint8Array(users);
  /** Day index of the user's signup, or -1 for users who existed before the period. */
  const userFirstDay = new Int32Array(users);
  /** Personal shift of the daily rhythm, hours. */
  const userShift = new Float64Array(users);
  /** Time of the user's latest generated event (ms), or -Infinity. */
  const userLastTime = new Float64Array(users).fill(-Infinity);

  const width = Math.max(5, String(Math.max(users - 1, 0)).length);
  for (let u = 0; u < users; u++) {
    userIds[u] = `u_${String(u).padStart(width, '0')}`;
    userCountry[u] = countrySampler.pick(random());
    const device = deviceSampler.pick(random());
    userDevice[u] = device;
    userOs[u] = device.os;
    userActivity[u] = activitySampler.pick(random());
    userFirstDay[u] = days > 0 && random() < NEW_USER_SHARE ? Math.floor(random() * days) : -1;
    userShift[u] = (random() - 0.5) * 3;
  }
  // A handful of odd ids, spread over the population; they are active, existing users so they show up.
  const oddCount = Math.min(ODD_USER_IDS.length, Math.floor(users / 10));
  for (let k = 0; k < oddCount; k++) {
    const u = Math.floor(((k + 0.5) * users) / oddCount);
    userIds[u] = ODD_USER_IDS[k];
    userActivity[u] = 0;
    userFirstDay[u] = -1;
  }

  // --- Events ------------------------------------------------------------------------------
  /** Events generated for later days (sessions crossing midnight), by day index. */
  const carried = new Map<number, DemoEvent[]>();
  let today: DemoEvent[] = [];
  let todayIndex = 0;
  let todayEnd = 0;

  const nextInsertId = (): string | null => {
    if (random() < NULL_INSERT_ID_SHARE) return null;
    const counter = insertIdCounter++;
    return hex16(fmix32((counter ^ insertIdKey) >>> 0), (random() * 4294967296) >>> 0);
  };

  const push = (u: number, time: number, event: string): void => {
    const nullCountry = random() < NULL_COUNTRY_SHARE;
    const nullDevice = random() < NULL_DEVICE_SHARE;
    const record: DemoEvent = {
      userId: userIds[u],
      time,
      insertId: nextInsertId(),
      event,
      country: nullCountry ? null : userCountry[u].code,
      device: nullDevice ? null : userDevice[u].device,
      os: nullDevice ? null : userOs[u],
    };
    let target = today;
    if (time >= todayEnd) {
      const day = todayIndex + Math.floor((time - todayEnd) / DAY_MS) + 1;
      if (day >= days) return; // past the generated period
      target = carried.get(day) ?? [];
      carried.set(day, target);
    }
    target.push(record);
    if (random() < DUPLICATE_SHARE) target.push({ ...record });
    userLastTime[u] = time;
  };

  const inSessionGap = (): number => {
    if (random() < SAME_MS_SHARE) return 0;
    return Math.min(IN_SESSION_CAP_MS, Math.round(logNormal(IN_SESSION_MEDIAN_MS, IN_SESSION_SIGMA)));
  };

  /** Generates one session starting at `start`; returns the time of its last event. */
  const session = (u: number, start: number, signup: boolean): number => {
    const device = userDevice[u];
    let count = 1 + Math.floor(exponential(MEAN_EXTRA_EVENTS));
    if (signup) count += 3;
    if (count > MAX_EVENTS_PER_SESSION) count = MAX_EVENTS_PER_SESSION;
    const changeCountryAt = random() < COUNTRY_CHANGE_SHARE ? Math.floor(random() * count) : -1;
    const upgradeOsAt = random() < OS_UPGRADE_SHARE ? Math.floor(random() * count) : -1;

    let time = start;
    let state: Flow = device.app ? 'app_open' : 'page_view';
    let i = 0;
    if (signup) {
      // Most new users' very first event is the signup; some look around first.
      if (random() < 0.25) {
        push(u, time, state);
        time += inSessionGap();
        i++;
      }
      push(u, time, 'signup');
      // The SDK identifies the user right after signup, often in the same millisecond.
      push(u, random() < 0.6 ? time : time + 1 + Math.floor(random() * 800), '$identify');
      i += 2;
      time += inSessionGap();
    } else if (random() < LOGIN_SHARE) {
      push(u, time, '$identify');
    }
    for (; i < count; i++) {
      if (i === changeCountryAt) userCountry[u] = countrySampler.pick(random());
      if (i === upgradeOsAt) userOs[u] = device.upgradedOs;
      if (i > 0) {
        time += inSessionGap();
        state = nextSamplers[state].pick(random());
      }
      push(u, time, random() < ODD_EVENT_SHARE ? ODD_EVENT_NAMES[Math.floor(random() * ODD_EVENT_NAMES.length)] : state);
    }
    return time;
  };

  const betweenSessionsGap = (): number =>
    Math.max(MIN_BETWEEN_SESSIONS_MS, Math.round(logNormal(BETWEEN_SESSIONS_MEDIAN_MS, BETWEEN_SESSIONS_SIGMA)));

  for (let day = 0; day < days; day++) {
    const dayStart = firstDayMs + day * DAY_MS;
    todayIndex = day;
    todayEnd = dayStart + DAY_MS;
    today = carried.get(day) ?? [];
    carried.delete(day);

    for (let u = 0; u < users; u++) {
      const firstDay = userFirstDay[u];
      if (firstDay > day) continue;
      const signupDay = firstDay === day;
      const level = ACTIVITY_LEVELS[userActivity[u]];
      if (!signupDay && random() >= level.activeProbability) continue;

      let sessions = 1 + Math.floor(exponential(level.meanSessions - 1));
      if (signupDay) sessions += 1;
      const country = userCountry[u];
      const localHour = hourSampler.pick(random()) + random();
      const utcHour = localHour - country.offset - userShift[u];
      let start = dayStart + Math.floor((((utcHour % 24) + 24) % 24) * HOUR_MS);
      // Never overlap a session carried over from the previous night.
      if (start < userLastTime[u] + MIN_BETWEEN_SESSIONS_MS) start = userLastTime[u] + betweenSessionsGap();

      for (let s = 0; s < sessions && start < todayEnd; s++) {
        const end = session(u, start, signupDay && s === 0);
        start = end + betweenSessionsGap();
      }
    }

    const events = today;
    today = [];
    emitSorted(events, dayStart, emit);
  }
}
