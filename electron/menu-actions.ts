import type { ApiHandlers } from '../core/api/handlers.ts';
import type { NativeDialogs } from './dialogs.ts';
import { errorBody } from '../core/api/error-body.ts';
import type { MenuActions } from './menu.ts';

export interface MenuActionDeps {
  /** The same handlers the page calls over IPC: a menu command is one more caller of the API. */
  handlers: ApiHandlers;
  dialogs: NativeDialogs;
  /** One line for the user (a message box). */
  tell(kind: 'info' | 'error', message: string): void;
  openExternal(url: string): void;
  helpUrl: string;
}

/**
 * The File and Help menus' commands, done in the main process through the API's handlers. A
 * command that changes the cache needs no word to the page: the handlers send every window
 * the `workspace` event.
 */
export function menuActions(deps: MenuActionDeps): MenuActions {
  const { handlers, dialogs } = deps;
  let tasks = 0;
  const taskId = () => `menu-${++tasks}`;

  /** Runs a command; a failure is told as the page would show it (a user error's own words). */
  const command = (work: () => Promise<string | null>) => () => {
    work().then(
      (message) => message !== null && deps.tell('info', message),
      (error: unknown) => deps.tell('error', errorBody(error).error.message),
    );
  };

  const exportCsv = (what: 'sessions' | 'events') =>
    command(async () => {
      const path = await dialogs.chooseSavePath(`${what}.csv`);
      if (path === null) return null;
      const { rows } = await handlers.exportCsv({ taskId: taskId(), what, path });
      return `Wrote ${rows.toLocaleString('en-US')} ${what === 'sessions' ? 'sessions' : 'events'} to ${path}.`;
    });

  return {
    openCache: command(async () => {
      const path = await dialogs.chooseCacheFile();
      if (path === null) return null;
      await handlers.openCache({ path });
      return null;
    }),
    openDemo: command(async () => {
      await handlers.openDemo({});
      return null;
    }),
    importFiles: command(async () => {
      const paths = await dialogs.chooseImportFiles();
      if (paths.length === 0) return null;
      const result = await handlers.importFiles({ taskId: taskId(), paths });
      const count = (n: number) => n.toLocaleString('en-US');
      return `Imported ${count(result.imported)} events (${count(result.duplicates)} duplicates, ${count(result.rejected)} rejected rows).`;
    }),
    exportSessions: exportCsv('sessions'),
    exportEvents: exportCsv('events'),
    openHelp: () => deps.openExternal(deps.helpUrl),
  };
}
