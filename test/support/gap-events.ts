// Random warehouse-like event rows for the gap statistics tests, and the local side of the
// comparison: the same rows imported into a real (in-memory) cache, read back as the
// EventTimeline the local sweep uses.
import fc from 'fast-check';
import { SessionCache } from '../../core/cache/session-cache.ts';
import type { SessionDefinition } from '../../core/definition.ts';
import { importEvents } from '../../core/import-files.ts';
import { EventTimeline, scanSessions } from '../../core/sessionize/event-timeline.ts';

/** One row of a warehouse table, as the query reads it; null fields are what bad rows look like. */
export interface GapRow {
  user: string | null;
  /** Microseconds since the epoch (BigQuery's resolution; the product truncates to ms), or null. */
  timeMicros: number | null;
  event: string | null;
  insertId: string;
}

export interface GapCase {
  timeZone: string;
  excludedEvents: string[];
  rows: GapRow[];
  wholeSeconds: boolean;
}

const HOUR = 3_600_000;

/** Instants near DST changes: New York's 23- and 25-hour days, Lord Howe's half-hour shifts. */
const ANCHORS = [
  Date.UTC(2025, 2, 9, 7), // New York springs forward
  Date.UTC(2025, 10, 2, 6), // New York falls back
  Date.UTC(2025, 3, 5, 15), // Lord Howe falls back 30 min
  Date.UTC(2025, 9, 4, 15, 30), // Lord Howe springs forward 30 min
];

export const EVENT_NAMES = ['open', 'click', '$identify', '$merge', "it's"] as const;

const eventSpec = fc.record({
  user: fc.integer({ min: 0, max: 3 }),
  // Clusters 11 h apart spread a user's events over local midnights and DST changes; offsets
  // inside a cluster give gaps from ms to hours, so every step of the bucket layout is hit.
  cluster: fc.integer({ min: 0, max: 5 }),
  offsetMs: fc.oneof(fc.nat(3_000), fc.nat(120_000), fc.nat(2 * HOUR), fc.nat(6 * HOUR)),
  subMicros: fc.nat(999),
  name: fc.option(fc.constantFrom(...EVENT_NAMES), { freq: 8 }),
  // Exact repeats (one event to the product) and ties (same time, another insert id).
  repeats: fc.constantFrom(0, 0, 0, 0, 1, 2),
  ties: fc.constantFrom(0, 0, 0, 0, 0, 1),
});

export const gapCases: fc.Arbitrary<GapCase> = fc
  .record({
    timeZone: fc.constantFrom('America/New_York', 'Australia/Lord_Howe', 'UTC', 'Asia/Kathmandu'),
    anchor: fc.constantFrom(...ANCHORS),
    wholeSeconds: fc.boolean(),
    excludedEvents: fc.subarray(['$identify', '$merge', "it's"]),
    events: fc.array(eventSpec, { minLength: 1, maxLength: 60 }),
    badRows: fc.boolean(),
  })
  .map(({ timeZone, anchor, wholeSeconds, excludedEvents, events, badRows }) => {
    const rows: GapRow[] = [];
    const start = anchor - 30 * HOUR;
    events.forEach((e, i) => {
      let ms = start + e.cluster * 11 * HOUR + e.offsetMs;
      if (wholeSeconds) ms -= ms % 1000;
      const row: GapRow = { user: `u${e.user}`, timeMicros: ms * 1000 + e.subMicros, event: e.name, insertId: `e${i}` };
      for (let r = 0; r <= e.repeats; r++) rows.push({ ...row });
      for (let t = 0; t < e.ties; t++) rows.push({ ...row, insertId: `e${i}-tie${t}` });
    });
    if (badRows) {
      const t = (start + 5 * HOUR) * 1000;
      rows.push({ user: null, timeMicros: t, event: 'open', insertId: 'bad-1' });
      rows.push({ user: '', timeMicros: t, event: 'open', insertId: 'bad-2' });
      rows.push({ user: 'u0', timeMicros: null, event: 'open', insertId: 'bad-3' });
    }
    return { timeZone, excludedEvents, rows, wholeSeconds };
  });

export function gapDefinition(c: Pick<GapCase, 'timeZone' | 'excludedEvents'>): SessionDefinition {
  return { thresholdMs: 1_800_000, timeZone: c.timeZone, attributes: [], excludedEvents: [...c.excludedEvents] };
}

/**
 * The rows imported into a fresh in-memory cache the way a fetch imports them (times truncated
 * to ms; bad rows rejected; duplicates collapsed; a range import keeps only its local dates),
 * then loaded as the timeline the local sweep reads.
 */
export async function localTimeline(c: GapCase, range: { from: string; to: string } | null = null): Promise<EventTimeline> {
  const cache = SessionCache.open(':memory:', { create: true, definition: gapDefinition(c) });
  try {
    await importEvents(cache, {
      sources: ['gap-test'],
      range,
      read: async (builder) => {
        c.rows.forEach((row, i) => {
          const time = row.timeMicros === null ? null : Math.floor(row.timeMicros / 1000);
          builder.accept('gap-test', i + 1, row.user, time, row.insertId, row.event, [], null, () => JSON.stringify(row));
        });
      },
    });
    return EventTimeline.load(cache);
  } finally {
    cache.close();
  }
}

/**
 * The reference the push-down must equal: sessions and the total of their durations in ms at a
 * threshold, from the product's own re-sessionizer (scanSessions). Sessions come in timeline
 * order, so each one's first and last events are found by counting events.
 */
export function referenceAt(timeline: EventTimeline, thresholdMs: number): { sessions: number; totalMs: number } {
  let at = 0;
  let totalMs = 0;
  const sessions = scanSessions(timeline, thresholdMs, (s) => {
    totalMs += timeline.time[at + s.eventCount - 1] - timeline.time[at];
    at += s.eventCount;
  });
  return { sessions, totalMs };
}
