import { existsSync } from 'node:fs';
import { removeCacheFiles, SessionCache } from '../cache/session-cache.ts';
import type { SessionDefinition } from '../definition.ts';

export /**
 * Opens (or creates) a cache for a writing command; when the command fails on a cache it
 * created, the new file is removed, so a failed first import leaves nothing behind.
 */
async function withCreatedCache(path: string, definition: SessionDefinition, work: (cache: SessionCache) => Promise<void>): Promise<void> {
  const created = !existsSync(path);
  const cache = SessionCache.open(path, { create: true, definition });
  try {
    await work(cache);
  } catch (error) {
    cache.close();
    if (created) removeCacheFiles(path);
    throw error;
  } finally {
    cache.close();
  }
}

export /**
 * Opens a cache to read it. A read-write connection is tried first: on close it folds the
 * write-ahead log back and removes the -wal and -shm files, which a read-only one cannot.
 */
function openForReading(path: string): SessionCache {
  try {
    return SessionCache.open(path);
  } catch (error) {
    if (!existsSync(path)) throw error;
    return SessionCache.open(path, { readonly: true });
  }
}

/** The definition stored in a cache, read without creating or changing anything. */
export function storedDefinition(path: string): SessionDefinition {
  const cache = SessionCache.open(path, { readonly: true });
  try {
    return cache.definition;
  } finally {
    cache.close();
  }
}
