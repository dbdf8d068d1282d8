import { browserHost, takeToken } from './browser-host.ts';
import { desktopHost } from './desktop-host.ts';
import type { AppHost } from './host.ts';

export { ApiError, messageOf } from './errors.ts';
export { newTaskId, type AppHost, type PickedFiles } from './host.ts';

/**
 * The transport, chosen once at startup: IPC through the Electron preload's bridge when the
 * page runs in the desktop window, else HTTP to browser mode's local server. Null when neither
 * is available (a browser page opened without the server's token).
 */
export function connect(): AppHost | null {
  if (window.sessionExplorer !== undefined) return desktopHost(window.sessionExplorer);
  const token = takeToken();
  return token === null ? null : browserHost(token);
}
