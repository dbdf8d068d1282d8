import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiHandlers } from '../core/api/handlers.ts';
import { Workspace } from '../core/api/workspace.ts';
import { APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.ts';
import { nativeDialogs } from './dialogs.ts';
import { registerApi, registerDialogs, windowEmitter } from './ipc.ts';
import { menuActions } from './menu-actions.ts';
import { menuTemplate } from './menu.ts';
import { APP_SCHEME, APP_URL, hardenContents, hardenSession, isExternalLink, secureWebPreferences } from './security.ts';
import { openAtStart, rememberingHandlers } from './startup.ts';

// The Electron main process: wiring only. What it wires is in the modules beside it, each
// checked against a fake Electron by test/electron/.

/** Built files sit in dist-electron/, beside renderer/dist/ (also inside the packaged app.asar). */
const here = dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = join(here, '..', 'renderer', 'dist');
const PRELOAD = join(here, 'preload.cjs');
const HELP_URL = 'https://github.com/session-explorer/session-explorer#readme';

// Before `ready`, as Electron requires: the scheme the app's pages are served under.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// Two instances would share one cache and its demo folder: the second hands over to the first.
if (!app.requestSingleInstanceLock()) app.quit();
else start();

function start(): void {
  let window: BrowserWindow | null = null;
  const currentWindow = () => (window !== null && !window.isDestroyed() ? window : null);

  const userData = app.getPath('userData');
  const stateFile = join(userData, 'state.json');
  const workspace = new Workspace({ demoDir: join(userData, 'demo'), ownCachePath: join(userData, 'cache.db') });
  const handlers = rememberingHandlers(createApiHandlers(workspace, windowEmitter(currentWindow)), stateFile);
  const dialogs = nativeDialogs(dialog, currentWindow, app.getPath('documents'));
  const opened = openAtStart(handlers, stateFile, (message) => console.error(message));

  registerApi(ipcMain, handlers, currentWindow, opened);
  registerDialogs(ipcMain, dialogs, currentWindow);
  const openExternal = (url: string) => {
    if (isExternalLink(url)) void shell.openExternal(url);
  };
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, openExternal));

  const show = () => {
    if (!app.isReady()) return; // a second instance can knock before this one is ready
    const existing = currentWindow();
    if (existing !== null) {
      if (existing.isMinimized()) existing.restore();
      existing.focus();
      return;
    }
    window = new BrowserWindow({
      width: 1280,
      height: 840,
      minWidth: 800,
      minHeight: 560,
      title: 'Session Explorer',
      show: false,
      webPreferences: secureWebPreferences(PRELOAD),
    });
    const created = window;
    created.once('ready-to-show', () => created.show());
    void created.loadURL(APP_URL);
  };

  app.on('second-instance', show);
  app.on('activate', show);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => workspace.close());

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, appProtocolHandler(RENDERER_DIR, (url) => net.fetch(url)));
    const actions = menuActions({
      handlers,
      dialogs,
      tell: (kind, message) => {
        const parent = currentWindow();
        const options = { type: kind, message, buttons: ['OK'] };
        void (parent === null ? dialog.showMessageBox(options) : dialog.showMessageBox(parent, options));
      },
      openExternal,
      helpUrl: HELP_URL,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ appName: 'Session Explorer', isPackaged: app.isPackaged, isMac: process.platform === 'darwin', actions })));
    show();
  });
}
