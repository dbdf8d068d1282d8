import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { defaultDefinition, validateDefinition, type SessionDefinition } from '../definition.ts';
import { Dictionary } from '../model/dictionary.ts';
import { ZoneCalendar } from '../time/zone-calendar.ts';
import { UserError } from '../util/user-error.ts';
import { BASE_SCHEMA, SCHEMA_VERSION, layoutTables } from './schema.ts';

export interface OpenOptions {
  /** Create the cache when the file does not exist (import, demo); otherwise a missing cache is an error. */
  create?: boolean;
  /** The definition of a cache created now (default: SPEC §1 defaults). */
  definition?: SessionDefinition;
  readonly?: boolean;
}

/**
 * One SQLite cache file: the stored definition, the dictionaries, and the tables of events,
 * sessions and the per-user-day bridge. Writing is done by the import and rebuild modules,
 * each as one transaction.
 */
export class SessionCache {
  readonly db: Database.Database;
  readonly users: Dictionary;
  readonly strings: Dictionary;
  private storedDefinition: SessionDefinition;
  private zoneCalendar: ZoneCalendar;

  private constructor(db: Database.Database, definition: SessionDefinition) {
    this.db = db;
    this.storedDefinition = definition;
    this.zoneCalendar = new ZoneCalendar(definition.timeZone);
    this.users = new Dictionary(db.prepare('SELECT user_key, user_id FROM users').raw().iterate() as Iterable<[number, string]>);
    this.strings = new Dictionary(db.prepare('SELECT string_key, value FROM strings').raw().iterate() as Iterable<[number, string]>);
  }

  static open(path: string, options: OpenOptions = {}): SessionCache {
    const exists = path === ':memory:' || existsSync(path);
    if (!exists && !options.create) throw new UserError(`no cache at ${path} (create one with 'import' or 'demo')`);
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: options.readonly === true && exists });
    } catch (error) {
      throw new UserError(`cannot open cache ${path}: ${(error as Error).message}`);
    }
    try {
      // Check what the file is before changing anything in it (such as its journal mode).
      const isNew = checkCacheFile(db, path);
      if (!db.readonly) {
        // Larger pages make an import's bulk writes markedly faster; only possible on a new file.
        if (isNew) db.pragma('page_size = 16384');
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('cache_size = -131072');
      db.pragma('temp_store = MEMORY');
      const definition = initialise(db, path, options.definition);
      return new SessionCache(db, definition);
    } catch (error) {
      db.close();
      if (error instanceof UserError) throw error;
      // Locked while its first import is written (behind a rollback journal, see fillTransaction).
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new UserError(`${path} is busy: another import is writing it; try again when it has finished`);
      throw new UserError(`${path} is not a Session Explorer cache (${(error as Error).message})`);
    }
  }

  get definition(): SessionDefinition {
    return this.storedDefinition;
  }

  get calendar(): ZoneCalendar {
    return this.zoneCalendar;
  }

  /** Records a new definition; the caller re-lays the tables in the same transaction. */
  setDefinition(definition: SessionDefinition): void {
    const valid = validateDefinition(definition);
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('definition', ?)").run(JSON.stringify(valid));
    this.storedDefinition = valid;
    if (this.zoneCalendar.zone !== valid.timeZone) this.zoneCalendar = new ZoneCalendar(valid.timeZone);
  }

  /**
   * Runs `work` in one write transaction, writing the dictionary entries it added before the
   * commit; on failure the cache and the dictionaries are as before.
   */
  transaction<T>(work: () => T): T {
    const before = this.storedDefinition;
    try {
      const result = this.db
        .transaction(() => {
          const value = work();
          this.persistDictionaries();
          return value;
        })
        .immediate();
      this.users.markPersisted();
      this.strings.markPersisted();
      return result;
    } catch (error) {
      this.users.rollback();
      this.strings.rollback();
      this.storedDefinition = before;
      this.zoneCalendar = new ZoneCalendar(before.timeZone);
      throw error;
    }
  }

  /** True when the cache holds no events. */
  isEmpty(): boolean {
    return this.db.prepare('SELECT NOT EXISTS (SELECT 1 FROM user_days)').pluck().get() === 1;
  }

  /**
   * `transaction` for a write that fills an empty cache. Through a rollback journal a new page is
   * written once, where WAL writes it to the log and again at the checkpoint: a first import
   * commits faster, and a crash leaves the cache empty and sound as it would in WAL (the journal
   * rolls it back on the next open). The cache returns to WAL afterwards; while another
   * connection has it open, everything stays in WAL.
   */
  fillTransaction<T>(work: () => T): T {
    const switched = this.setJournalMode('delete');
    // NORMAL is as safe as FULL against a power cut in WAL mode, but not with a rollback journal.
    if (switched) this.db.pragma('synchronous = FULL');
    try {
      return this.transaction(work);
    } finally {
      if (switched) {
        this.setJournalMode('wal');
        this.db.pragma('synchronous = NORMAL');
      }
    }
  }

  /** True when the journal mode is now `mode` (changing it needs the only connection). */
  private setJournalMode(mode: 'delete' | 'wal'): boolean {
    try {
      return this.db.pragma(`journal_mode = ${mode}`, { simple: true }) === mode;
    } catch {
      return false;
    }
  }

  /** Writes dictionary entries added since the last commit (inside the transaction). */
  private persistDictionaries(): void {
    const addUser = this.db.prepare('INSERT INTO users (user_key, user_id) VALUES (?, ?)');
    for (const [key, value] of this.users.newEntries()) addUser.run(key, value);
    const addString = this.db.prepare('INSERT INTO strings (string_key, value) VALUES (?, ?)');
    for (const [key, value] of this.strings.newEntries()) addString.run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Removes a (closed) cache's file and the journal files SQLite may keep beside it. */
export function removeCacheFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** True for an empty database (a new cache); throws for a database that is not a cache. */
function checkCacheFile(db: Database.Database, path: string): boolean {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  if (hasMeta) return false;
  const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
  if (tables > 0) throw new UserError(`${path} is an SQLite database but not a Session Explorer cache`);
  return true;
}

function initialise(db: Database.Database, path: string, definition?: SessionDefinition): SessionDefinition {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  if (hasMeta) {
    const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
    if (version !== String(SCHEMA_VERSION)) {
      throw new UserError(`${path} has cache schema ${version ?? 'unknown'}; this version reads schema ${SCHEMA_VERSION}`);
    }
    const stored = db.prepare("SELECT value FROM meta WHERE key = 'definition'").pluck().get() as string;
    return validateDefinition(JSON.parse(stored) as SessionDefinition);
  }
  if (db.readonly) throw new UserError(`${path} is empty`);
  const valid = validateDefinition(definition ?? defaultDefinition());
  db.transaction(() => {
    db.exec(BASE_SCHEMA);
    db.exec(layoutTables(valid));
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    db.prepare("INSERT INTO meta (key, value) VALUES ('definition', ?)").run(JSON.stringify(valid));
  })();
  return valid;
}
