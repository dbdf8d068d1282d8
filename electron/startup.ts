import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ApiHandlers } from '../core/api/handlers.ts';

// Which cache the app opens when it starts: the one open when it was last used, or the demo
// data — the first start, a cache that was moved away or will not open.

/** The handlers, with openCache, openDemo and importFiles remembering what they leave open in `stateFile`. */
export function rememberingHandlers(handlers: ApiHandlers, stateFile: string): ApiHandlers {
  const remember = (lastCache: string | null) => {
    try {
      writeFileSync(stateFile, JSON.stringify({ lastCache }));
    } catch {
      // Only a convenience for the next start: not worth failing the call for.
    }
  };
  return {
    ...handlers,
    async openCache(params) {
      const summary = await handlers.openCache(params);
      remember(summary.path);
      return summary;
    },
    async openDemo(params) {
      const summary = await handlers.openDemo(params);
      remember(null);
      return summary;
    },
    // An import made while the demo data was open goes to the user's own cache: reopen that one next time.
    async importFiles(params) {
      const result = await handlers.importFiles(params);
      remember(result.summary.demo ? null : result.summary.path);
      return result;
    },
  };
}

/** Opens the last cache, else the demo data; never fails (the page then offers to open one). */
export async function openAtStart(handlers: ApiHandlers, stateFile: string, log: (message: string) => void): Promise<void> {
  const last = lastCache(stateFile);
  if (last !== null && existsSync(last)) {
    try {
      await handlers.openCache({ path: last });
      return;
    } catch (error) {
      log(`could not reopen ${last}: ${(error as Error).message}`);
    }
  }
  try {
    await handlers.openDemo({});
  } catch (error) {
    log(`could not open the demo data: ${(error as Error).message}`);
  }
}

function lastCache(stateFile: string): string | null {
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { lastCache?: unknown };
    return typeof state.lastCache === 'string' ? state.lastCache : null;
  } catch {
    return null;
  }
}
