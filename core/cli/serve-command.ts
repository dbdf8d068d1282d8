import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { Workspace } from '../api/workspace.ts';
import { startAppServer } from '../server/app-server.ts';
import { UserError } from '../util/user-error.ts';

/** Where the renderer's build goes. */
export const RENDERER_DIST = fileURLToPath(new URL('../../renderer/dist', import.meta.url));

function port(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number (0 picks a free one)');
  return n;
}

/**
 * Where browser mode keeps the user's own cache (imports made while the demo data is open, or
 * with no --db): SESSION_EXPLORER_DATA, else ~/.session-explorer.
 */
function dataDir(): string {
  return process.env.SESSION_EXPLORER_DATA || join(homedir(), '.session-explorer');
}

/** `serve`: the app in a browser, on 127.0.0.1 only, until interrupted. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the app to a browser on 127.0.0.1 (prints the address to open, with its access token)')
    .option('--db <cache>', 'open this cache (created when missing); default: your own cache in ~/.session-explorer, when it exists')
    .option('--demo', 'open the generated demo data')
    .option('--port <p>', 'port to listen on (default: a free one)', port, 0)
    .action(async (flags: { db?: string; demo?: boolean; port: number }) => {
      if (flags.db !== undefined && flags.demo) throw new UserError('use --db or --demo, not both');
      const ownCachePath = flags.db ?? join(dataDir(), 'cache.db');
      const workspace = new Workspace({ demoDir: join(tmpdir(), 'session-explorer-demo'), ownCachePath });
      if (flags.demo) await workspace.openDemo();
      else if (flags.db !== undefined || existsSync(ownCachePath)) workspace.openCache(ownCachePath, true);
      if (!existsSync(join(RENDERER_DIST, 'index.html'))) {
        process.stderr.write("the app's UI is not built (renderer/dist); serving the API only\n");
      }
      const server = await startAppServer({ workspace, staticDir: RENDERER_DIST, port: flags.port });
      process.stdout.write(`Session Explorer is at ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      workspace.close();
    });
}
