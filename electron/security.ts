// The window's security settings (SPEC §6 and Electron's security checklist), kept apart from
// main.ts so that every one of them can be checked against a fake Electron. Each function takes
// the narrow slice of the Electron API it uses: the real objects satisfy these shapes.

/** The app's own pages are served under this scheme and host (electron/app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'session-explorer';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** A URL of the app's own pages: the only origin allowed to call the API. */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** Links that may leave the app, to the user's browser: http(s) only, never file:, smb:, javascript: … */
export function isExternalLink(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && (parsed.protocol === 'https:' || parsed.protocol === 'http:');
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The window's webPreferences: the renderer runs as an ordinary sandboxed web page, and reaches
 * the main process only through the preload's bridge. Defaults are written out anyway, so that
 * a change of Electron's defaults cannot weaken them unnoticed.
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
  } as const;
}

type PermissionCallback = (granted: boolean) => void;

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: unknown, callback: PermissionCallback) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void;
  };
}

/** Everything the renderer may load comes from the app's own scheme; these never leave the machine. */
export const REMOTE_URL_PATTERNS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'];

/**
 * The session: no permission (camera, notifications, geolocation …) is ever granted, and no
 * request to the network is made from a page — the app has no remote content. The main
 * process's own HTTP (the BigQuery client) uses Node's network stack, not this session.
 */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: REMOTE_URL_PATTERNS }, (_details, callback) => callback({ cancel: true }));
}

export interface NavigationEvent {
  preventDefault(): void;
}

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Any web contents (the window's, and any other that might appear): it never navigates away from
 * the app, never opens a window and never attaches a webview. A link to an http(s) page is
 * handed to the user's browser instead; other schemes are dropped.
 */
export function hardenContents(contents: WebContentsLike, openExternal: (url: string) => unknown): void {
  const leave = (url: string) => {
    if (isExternalLink(url)) void Promise.resolve(openExternal(url)).catch(() => {});
  };
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    leave(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
}
