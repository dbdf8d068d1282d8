import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { removeCacheFiles, SessionCache } from '../cache/session-cache.ts';
import { defaultDefinition } from '../definition.ts';
import { importFiles } from '../import-files.ts';
import { EventTimeline } from '../sessionize/event-timeline.ts';
import { GapIndex } from '../sessionize/threshold-sweep.ts';
import { DEMO_DEFAULTS, type DemoOptions } from '../sources/demo-generator.ts';
import { dayToIsoDate } from '../time/calendar-day.ts';
import { UserError } from '../util/user-error.ts';
import type { CacheSummary } from './contract.ts';
import { SessionTable } from './session-table.ts';

/** Preview tables kept (a few MB each on the demo data, ~60 MB at a million sessions). */
const MAX_PREVIEW_TABLES = 4;

export interface WorkspaceOptions {
  /** Folder for generated demo caches (the user-data folder in Electron, a temporary one in browser mode). */
  demoDir: string;
  /**
   * The user's own cache: where imported files go when the demo data (or nothing) is open, so
   * that real events never mix with generated ones. Created on the first import.
   */
  ownCachePath: string;
  /** Sessions read per chunk while the session table loads (other calls run between chunks). */
  tableChunkRows?: number;
}

/**
 * The cache the app has open, and what is derived from it in memory: the session table the
 * Sessions view pages through, the event timeline and gap index the threshold tools scan.
 * Derived state is built on first use and dropped whenever the cache changes.
 */
export class Workspace {
  private readonly options: WorkspaceOptions;
  private open: { cache: SessionCache; path: string; demo: boolean } | null = null;
  private table: SessionTable | null = null;
  private tableLoad: Promise<SessionTable> | null = null;
  /** Bumped by every change: a table read under an older generation is dropped. */
  private generation = 0;
  private timelineCache: EventTimeline | null = null;
  private gapIndexCache: GapIndex | null = null;
  /** Preview tables by threshold, most recent last: a slider moving back and forth reuses them. */
  private previews = new Map<number, SessionTable>();

  constructor(options: WorkspaceOptions) {
    this.options = options;
  }

  get isOpen(): boolean {
    return this.open !== null;
  }

  /** True while the generated demo data is open. */
  get isDemo(): boolean {
    return this.open?.demo === true;
  }

  get ownCachePath(): string {
    return this.options.ownCachePath;
  }

  /** The open cache; a user error when none is. */
  get cache(): SessionCache {
    if (this.open === null) throw new UserError('no cache is open: open one, import files, or open the demo data');
    return this.open.cache;
  }

  openCache(path: string, create = false): void {
    if (create) mkdirSync(dirname(resolve(path)), { recursive: true });
    const cache = SessionCache.open(path, { create, definition: defaultDefinition() });
    this.replace({ cache, path, demo: false });
  }

  /**
   * The cache an import writes to: the open one, or — while the demo data (or nothing) is open —
   * the user's own cache, opened beside it. Until `adopt` the app goes on showing what it showed
   * (an import can take minutes); `discard` after a failure closes the own cache again, and
   * removes it when this import created it.
   */
  importTarget(): { cache: SessionCache; adopt(): void; discard(): void } {
    if (this.open !== null && !this.open.demo) return { cache: this.open.cache, adopt: () => undefined, discard: () => undefined };
    const path = this.options.ownCachePath;
    const existed = existsSync(path);
    mkdirSync(dirname(resolve(path)), { recursive: true });
    const cache = SessionCache.open(path, { create: true, definition: defaultDefinition() });
    return {
      cache,
      adopt: () => this.replace({ cache, path, demo: false }),
      discard: () => {
        cache.close();
        if (!existed) removeCacheFiles(path);
      },
    };
  }

  /** Opens the demo cache of these parameters, generating it the first time. */
  async openDemo(options: Partial<DemoOptions> = {}): Promise<void> {
    const demo = { ...DEMO_DEFAULTS, ...options };
    mkdirSync(this.options.demoDir, { recursive: true });
    const path = join(this.options.demoDir, `demo-u${demo.users}-d${demo.days}-s${demo.seed}.db`);
    let cache = existsSync(path) ? openReusableDemo(path) : null;
    if (cache === null) {
      cache = SessionCache.open(path, { create: true, definition: defaultDefinition() });
      try {
        await importFiles(cache, { files: [], demo });
      } catch (error) {
        cache.close();
        removeCacheFiles(path);
        throw error;
      }
    }
    this.replace({ cache, path, demo: true });
  }

  /** After any write to the cache: what was derived from it is stale. */
  changed(): void {
    this.generation++;
    this.table = null;
    this.tableLoad = null;
    this.timelineCache = null;
    this.gapIndexCache = null;
    this.previews.clear();
    // Start reading the session table now: the first pages come from SQL meanwhile.
    if (this.open !== null) void this.sessions().catch(() => undefined);
  }

  /** The stored sessions in memory, once read (the read starts when a cache opens or changes). */
  get readySessions(): SessionTable | null {
    return this.table;
  }

  /** The stored sessions in memory: read in chunks, without holding up other calls. */
  sessions(): Promise<SessionTable> {
    if (this.table !== null) return Promise.resolve(this.table);
    if (this.tableLoad === null) {
      const cache = this.cache;
      const generation = this.generation;
      const stale = () => generation !== this.generation;
      this.tableLoad = SessionTable.load(cache, stale, this.options.tableChunkRows).then(
        (table) => {
          if (stale()) return this.sessions(); // the cache changed meanwhile: the newer read answers
          if (table === null) throw new Error('the sessions table and the user-day index disagree on the number of sessions');
          this.table = table;
          return table;
        },
        (error: unknown) => {
          // The cache closed under the read: answer for the one open now.
          if (stale()) return this.sessions();
          this.tableLoad = null;
          throw error;
        },
      );
    }
    return this.tableLoad;
  }

  /** The sessions at a threshold: the stored ones when it is the stored threshold (or none is given). */
  async sessionsAt(thresholdMs: number | undefined): Promise<SessionTable> {
    const stored = await this.sessions();
    if (thresholdMs === undefined || thresholdMs === this.cache.definition.thresholdMs) return stored;
    let table = this.previews.get(thresholdMs);
    if (table === undefined) {
      table = SessionTable.fromTimeline(this.cache, this.timeline, thresholdMs, stored);
      if (this.previews.size >= MAX_PREVIEW_TABLES) this.previews.delete(this.previews.keys().next().value!);
    } else {
      this.previews.delete(thresholdMs);
    }
    this.previews.set(thresholdMs, table);
    return table;
  }

  /** The cached events in (user, time) order with their names and attributes. */
  get timeline(): EventTimeline {
    return (this.timelineCache ??= EventTimeline.loadDetailed(this.cache));
  }

  get gapIndex(): GapIndex {
    return (this.gapIndexCache ??= new GapIndex(this.timeline));
  }

  /**
   * What the open cache holds, from the user-day index (milliseconds on any cache size): the
   * app's first screen must not wait for the session table.
   */
  summary(): CacheSummary | null {
    if (this.open === null) return null;
    const { cache, path, demo } = this.open;
    const totals = cache.db
      .prepare(
        `SELECT coalesce(sum(event_count), 0) AS events, coalesce(sum(session_count), 0) AS sessions,
           count(DISTINCT user_key) AS users, min(local_day) AS first, max(local_day) AS last
         FROM user_days WHERE session_count > 0`,
      )
      .get() as { events: number; sessions: number; users: number; first: number | null; last: number | null };
    const events = cache.db.prepare('SELECT coalesce(sum(event_count), 0) FROM user_days').pluck().get() as number;
    const definition = cache.definition;
    return {
      path,
      demo,
      events,
      users: totals.users,
      sessions: totals.sessions,
      first_date: totals.first === null ? null : dayToIsoDate(totals.first),
      last_date: totals.last === null ? null : dayToIsoDate(totals.last),
      definition: {
        threshold_ms: definition.thresholdMs,
        time_zone: definition.timeZone,
        attributes: definition.attributes.map((a) => ({ name: a.name, source: a.source ?? null })),
        excluded_events: [...definition.excludedEvents],
      },
    };
  }

  close(): void {
    this.replace(null);
  }

  private replace(next: { cache: SessionCache; path: string; demo: boolean } | null): void {
    this.open?.cache.close();
    this.open = next;
    this.changed();
  }
}

/**
 * A demo cache generated before, or null when it must be generated again: it is only generated
 * data, so one written by another version (or left empty by an interrupted run) is replaced.
 */
function openReusableDemo(path: string): SessionCache | null {
  let cache: SessionCache;
  try {
    cache = SessionCache.open(path);
  } catch {
    removeCacheFiles(path);
    return null;
  }
  const events = cache.db.prepare('SELECT count(*) FROM user_days').pluck().get() as number;
  if (events > 0) return cache;
  cache.close();
  removeCacheFiles(path);
  return null;
}
