import type { SessionCache } from '../cache/session-cache.ts';

/** The last code point: `prefix + MAX_CHAR` bounds every id that starts with `prefix` (SQLite compares bytes). */
const MAX_CHAR = '\u{10FFFF}';

/**
 * Users whose id starts with the query (found through the index, in id order), then, to fill
 * the list, users whose id contains it elsewhere, then those that contain it ignoring ASCII case
 * (`doe` finds `Doe, John`).
 */
export function searchUsers(cache: SessionCache, query: string, limit: number): string[] {
  const prefixed = cache.db
    .prepare('SELECT user_id FROM users WHERE user_id >= ? AND user_id < ? ORDER BY user_id LIMIT ?')
    .pluck()
    .all(query, query + MAX_CHAR, limit) as string[];
  if (prefixed.length >= limit || query === '') return prefixed;
  const containing = cache.db
    .prepare("SELECT user_id FROM users WHERE instr(user_id, ?) > 1 ORDER BY user_id LIMIT ?")
    .pluck()
    .all(query, limit - prefixed.length) as string[];
  const found = [...prefixed, ...containing];
  if (found.length >= limit) return found;
  const ignoringCase = cache.db
    .prepare('SELECT user_id FROM users WHERE instr(lower(user_id), lower(?)) > 0 AND instr(user_id, ?) = 0 ORDER BY user_id LIMIT ?')
    .pluck()
    .all(query, query, limit - found.length) as string[];
  return [...found, ...ignoringCase];
}
