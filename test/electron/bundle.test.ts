// The build itself (`vite build --config electron/vite.config.ts`, here into a temporary folder):
// the preload is one CommonJS file that requires nothing but 'electron' and exposes the bridge;
// the bundled main process, run in plain Node against a stub 'electron' module, opens the cache
// of the last run, creates the secure window, serves the API on IPC and imports a CSV large
// enough to start both of the core's worker threads from their bundled files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { API_METHODS, IPC_DIALOG_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel } from '../../core/api/contract.ts';
import { Workspace } from '../../core/api/workspace.ts';
import { CONTENT_SECURITY_POLICY } from '../../core/server/app-server.ts';
import { APP_URL } from '../../electron/security.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { FakeIpcMain, FakeIpcRenderer, FakeSession, FakeWebContents, assertBridgeShape, fakeDialog } from './support/fake-electron.ts';

mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
// Inside the repository, so that the bundle's imports of npm packages resolve to node_modules.
const out = mkdtempSync(join(REPO_ROOT, 'test-artifacts', 'electron-bundle-'));
const userData = join(out, 'user-data');
const rendererDir = join(out, '..', 'renderer', 'dist');
const INDEX_HTML = '<!doctype html><title>Session Explorer</title>';
after(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(join(out, '..', 'renderer'), { recursive: true, force: true });
});

before(() => {
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', 'electron/vite.config.ts', '--outDir', out], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr + build.stdout);
  // The bundle serves the renderer from ../renderer/dist beside it, as in the packaged app.
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML);
});

describe('the preload bundle', () => {
  test('one CommonJS file requiring only electron, exposing exactly the bridge', () => {
    const code = readFileSync(join(out, 'preload.cjs'), 'utf8');
    assert.doesNotMatch(code, /^\s*(import|export)\s/m);
    assert.deepEqual([...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]), ['electron']);

    const exposed = new Map<string, Record<string, unknown>>();
    const required: string[] = [];
    const ipcRenderer = new FakeIpcRenderer(async (channel) => channel);
    // Run as Electron runs a sandboxed preload: a function of require/module/exports, in a realm
    // with no Node globals, and a require that knows 'electron' only.
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return { contextBridge: { exposeInMainWorld: (name: string, value: Record<string, unknown>) => exposed.set(name, value) }, ipcRenderer };
    };
    const module = { exports: {} };
    runInNewContext(`(function (require, module, exports) {${code}\n})`, {})(sandboxRequire, module, module.exports);
    assert.deepEqual(required, ['electron']);
    assert.deepEqual([...exposed.keys()], ['sessionExplorer']);
    assertBridgeShape(exposed.get('sessionExplorer')!);
  });
});

/** The stub of 'electron' the bundled main.js imports: the objects this test made. */
function fakeElectron() {
  const appListeners = new Map<string, Array<(...args: any[]) => void>>();
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const state = { isReady: false, privilegedBeforeReady: false, handled: new Map<string, (r: Request) => Promise<Response>>(), menu: null as unknown, windows: [] as any[], messages: [] as unknown[], quit: 0 };
  const app = {
    isPackaged: false,
    getPath: (name: string) => join(userData, name === 'userData' ? '' : name),
    requestSingleInstanceLock: () => true,
    isReady: () => state.isReady,
    quit: () => state.quit++,
    whenReady: () => readyPromise,
    on(event: string, listener: (...args: any[]) => void) {
      appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      return app;
    },
    emit: (event: string, ...args: unknown[]) => (appListeners.get(event) ?? []).forEach((l) => l(...args)),
  };
  class BrowserWindow {
    readonly webContents = new FakeWebContents(APP_URL);
    readonly options: any;
    constructor(options: unknown) {
      this.options = options;
      state.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    isDestroyed = () => false;
    once() {}
    loadURL(url: string) {
      this.webContents.loadedUrl = url;
      return Promise.resolve();
    }
  }
  const electron = {
    app,
    BrowserWindow,
    dialog: { ...fakeDialog(), showMessageBox: async (...args: unknown[]) => state.messages.push(args) },
    ipcMain: new FakeIpcMain(),
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: (menu: unknown) => (state.menu = menu) },
    net: { fetch: async (url: string) => new Response(readFileSync(fileURLToPath(url))) },
    protocol: {
      registerSchemesAsPrivileged: () => (state.privilegedBeforeReady = !state.isReady),
      handle: (scheme: string, handler: (r: Request) => Promise<Response>) => state.handled.set(scheme, handler),
    },
    session: { defaultSession: new FakeSession() },
    shell: { openExternal: async () => {} },
  };
  return { electron, state, ready: () => ((state.isReady = true), ready()) };
}

describe('the main process bundle, on a stub electron', () => {
  const fake = fakeElectron();
  let lastCache = '';

  before(async () => {
    // The cache "open when the app was last used".
    const previous = new Workspace({ demoDir: join(out, 'previous'), ownCachePath: join(out, 'own.db') });
    await previous.openDemo({ users: 20, days: 2 });
    lastCache = previous.summary()!.path;
    previous.close();
    mkdirSync(userData, { recursive: true });
    writeFileSync(join(userData, 'state.json'), JSON.stringify({ lastCache }));

    (globalThis as any).__fakeElectron = fake.electron;
    const stub = `const e = globalThis.__fakeElectron; export const { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, shell } = e; export default e;`;
    const hooks = `export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(stub)}`)}, shortCircuit: true };
      return next(specifier, context);
    }`;
    register(`data:text/javascript,${encodeURIComponent(hooks)}`);
    await import(pathToFileURL(join(out, 'main.js')).href);
    fake.ready();
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  after(() => fake.electron.app.emit('will-quit'));

  test('before ready: the app scheme is privileged; then the window is secure and shows the app', () => {
    const { state } = fake;
    assert.equal(state.privilegedBeforeReady, true);
    assert.equal(state.windows.length, 1);
    const [window] = state.windows;
    const prefs = window.options.webPreferences;
    assert.deepEqual([prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.webSecurity, prefs.webviewTag], [true, true, false, true, false]);
    assert.equal(prefs.preload, join(out, 'preload.cjs'));
    assert.ok(existsSync(prefs.preload));
    assert.equal(window.webContents.loadedUrl, APP_URL);
    assert.ok(window.webContents.windowOpenHandler, 'the window is hardened');
    assert.equal(fake.electron.session.defaultSession.permissionCheckHandler?.(), false);
    assert.ok(state.menu);
  });

  test('every API method and dialog has its one handler', () => {
    assert.deepEqual([...fake.electron.ipcMain.handlers.keys()].sort(), [...API_METHODS.map(ipcChannel), ...Object.values(IPC_DIALOG_CHANNELS)].sort());
  });

  test('the app protocol answers with the CSP', async () => {
    const response = await fake.state.handled.get('app')!(new Request(APP_URL));
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), INDEX_HTML);
  });

  test('the cache of the last run is open; a large CSV imports on the bundled worker threads', async () => {
    const [window] = fake.state.windows;
    const call = (method: string, params: unknown) => fake.electron.ipcMain.invoke(window.webContents.invokeEvent(), ipcChannel(method as never), params);
    const summary = await call('summary', {});
    assert.equal(summary.result.path, lastCache);

    // Above 32 MiB (a second thread parses half) and 500,000 events (a second thread gathers the ids).
    const csv = join(out, 'large.csv');
    const rows = ['user_id,time,event,insert_id'];
    const start = Date.parse('2025-03-01T00:00:00Z');
    for (let i = 0; i < 1_000_000; i++) rows.push(`user-${i % 5000},${start + i * 1000},page_view_event,insert-${i}`);
    writeFileSync(csv, rows.join('\n') + '\n');
    const imported = await call('importFiles', { taskId: 'big', paths: [csv] });
    assert.ok('result' in imported, JSON.stringify(imported));
    assert.equal(imported.result.imported, 1_000_000);
    const progress = window.webContents.sent.filter((m: any) => m.channel === IPC_EVENT_CHANNEL && m.args[0].payload.taskId === 'big');
    assert.ok(progress.length > 0);
  });
});
