// The application menu (electron/menu.ts) and what its commands do (electron/menu-actions.ts),
// with fake handlers and dialogs; and which cache the app opens at start (electron/startup.ts).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { API_METHODS } from '../../core/api/contract.ts';
import type { ApiHandlers } from '../../core/api/handlers.ts';
import { UserError } from '../../core/util/user-error.ts';
import { nativeDialogs } from '../../electron/dialogs.ts';
import { menuActions } from '../../electron/menu-actions.ts';
import { menuTemplate, type MenuActions } from '../../electron/menu.ts';
import { openAtStart, rememberingHandlers } from '../../electron/startup.ts';
import { tempDir } from '../support/cli.ts';
import { FakeWindow, fakeDialog } from './support/fake-electron.ts';

const ACTIONS = ['openCache', 'openDemo', 'importFiles', 'exportSessions', 'exportEvents', 'openHelp'] as const;

function recordingActions() {
  const called: string[] = [];
  const actions = Object.fromEntries(ACTIONS.map((name) => [name, () => called.push(name)])) as unknown as MenuActions;
  return { called, actions };
}

const submenu = (menu: MenuItemConstructorOptions[], label: string) => menu.find((m) => m.label === label)?.submenu as MenuItemConstructorOptions[];
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('the menu', () => {
  test('File: open, demo, import, exports, quit — each wired to its action', () => {
    const { called, actions } = recordingActions();
    const menu = menuTemplate({ appName: 'Session Explorer', isPackaged: true, isMac: false, actions });
    assert.deepEqual(menu.map((m) => m.label), ['File', 'Edit', 'View', 'Window', 'Help']);
    const file = submenu(menu, 'File');
    const labelled = file.filter((i) => i.label !== undefined);
    assert.deepEqual(labelled.map((i) => i.label), ['Open cache…', 'Open demo data', 'Import files…', 'Export sessions CSV…', 'Export events CSV…']);
    labelled.forEach(click);
    assert.deepEqual(called, ['openCache', 'openDemo', 'importFiles', 'exportSessions', 'exportEvents']);
    assert.equal(file.at(-1)?.role, 'quit');
    click(submenu(menu, 'Help')[0]);
    assert.deepEqual(called.at(-1), 'openHelp');
  });

  test('reload and developer tools only in development builds', () => {
    const roles = (isPackaged: boolean) => submenu(menuTemplate({ appName: 'S', isPackaged, isMac: false, actions: recordingActions().actions }), 'View').map((i) => i.role);
    assert.ok(roles(false).includes('reload') && roles(false).includes('toggleDevTools'));
    assert.ok(!roles(true).includes('reload') && !roles(true).includes('forceReload') && !roles(true).includes('toggleDevTools'));
  });

  test('on macOS, Quit is in the application menu', () => {
    const menu = menuTemplate({ appName: 'S', isPackaged: true, isMac: true, actions: recordingActions().actions });
    assert.equal(menu[0].role, 'appMenu');
    assert.ok(!submenu(menu, 'File').some((i) => i.role === 'quit'));
  });
});

/** Handlers answering canned results and recording their calls. */
function fakeHandlers(overrides: Partial<Record<keyof ApiHandlers, (params: any) => Promise<unknown>>> = {}) {
  const calls: Array<[string, unknown]> = [];
  const handlers = Object.fromEntries(
    API_METHODS.map((m) => [m, async (params: unknown) => {
      calls.push([m, params]);
      const override = overrides[m];
      if (override) return override(params);
      return { path: '/cache.db', demo: false, rows: 7, imported: 10, duplicates: 2, rejected: 1 };
    }]),
  ) as unknown as ApiHandlers;
  return { calls, handlers };
}

describe('menu commands', () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  const setup = (answers: Parameters<typeof fakeDialog>[0], overrides?: Parameters<typeof fakeHandlers>[0]) => {
    const { calls, handlers } = fakeHandlers(overrides);
    const told: Array<[string, string]> = [];
    const external: string[] = [];
    const window = new FakeWindow();
    const actions = menuActions({
      handlers,
      dialogs: nativeDialogs(fakeDialog(answers), () => window, '/docs'),
      tell: (kind, message) => told.push([kind, message]),
      openExternal: (url) => external.push(url),
      helpUrl: 'https://example.com/help',
    });
    return { actions, calls, told, external };
  };

  test('open a cache: the chosen file, nothing when cancelled', async () => {
    const s = setup({ open: ['/data/app.db'] });
    s.actions.openCache();
    await settle();
    assert.deepEqual(s.calls, [['openCache', { path: '/data/app.db' }]]);
    const cancelled = setup({ open: null });
    cancelled.actions.openCache();
    await settle();
    assert.deepEqual(cancelled.calls, []);
  });

  test('import and export through the API, with a one-line report', async () => {
    const s = setup({ open: ['/data/a.csv'], save: '/docs/out.csv' });
    s.actions.importFiles();
    await settle();
    s.actions.exportSessions();
    await settle();
    s.actions.exportEvents();
    await settle();
    assert.deepEqual(s.calls.map(([m]) => m), ['importFiles', 'exportCsv', 'exportCsv']);
    assert.deepEqual((s.calls[0][1] as any).paths, ['/data/a.csv']);
    assert.deepEqual(s.calls.slice(1).map(([, p]) => [(p as any).what, (p as any).path]), [['sessions', '/docs/out.csv'], ['events', '/docs/out.csv']]);
    assert.equal(new Set(s.calls.map(([, p]) => (p as any).taskId)).size, 3);
    assert.deepEqual(s.told.map(([kind]) => kind), ['info', 'info', 'info']);
    assert.match(s.told[0][1], /Imported 10 events \(2 duplicates, 1 rejected rows\)/);
    assert.match(s.told[1][1], /Wrote 7 sessions to \/docs\/out\.csv/);
  });

  test('failures are told in the user\'s words; internal ones as such', async () => {
    const s = setup({ open: ['/x.db'] }, { openCache: async () => { throw new UserError('not a Session Explorer cache: /x.db'); }, openDemo: async () => { throw new Error('boom\nstack'); } });
    s.actions.openCache();
    s.actions.openDemo();
    await settle();
    // openDemo answers first: openCache waits for its dialog.
    assert.deepEqual(s.told.sort(), [['error', 'internal error: boom'], ['error', 'not a Session Explorer cache: /x.db']]);
  });

  test('help opens the documentation in the browser', () => {
    const s = setup({});
    s.actions.openHelp();
    assert.deepEqual(s.external, ['https://example.com/help']);
  });
});

describe('start-up', () => {
  const dir = tempDir('electron-startup-');
  const state = join(dir, 'state.json');

  test('the first start opens the demo data; later ones the cache open last', async () => {
    const { calls, handlers } = fakeHandlers({ openCache: async (p) => ({ path: p.path, demo: false }), openDemo: async () => ({ path: '/demo.db', demo: true }) });
    const remembering = rememberingHandlers(handlers, state);
    await openAtStart(remembering, state, assert.fail);
    assert.deepEqual(calls, [['openDemo', {}]]);

    const cache = join(dir, 'mine.db');
    writeFileSync(cache, '');
    await remembering.openCache({ path: cache });
    assert.deepEqual(JSON.parse(readFileSync(state, 'utf8')), { lastCache: cache });
    calls.length = 0;
    await openAtStart(remembering, state, assert.fail);
    assert.deepEqual(calls, [['openCache', { path: cache }]]);

    await remembering.openDemo({});
    assert.deepEqual(JSON.parse(readFileSync(state, 'utf8')), { lastCache: null });

    // Files imported while the demo was open went to the user's own cache: the next start opens it.
    const own = join(dir, 'cache.db');
    const importing = rememberingHandlers(fakeHandlers({ importFiles: async () => ({ summary: { path: own, demo: false } }) }).handlers, state);
    await importing.importFiles({ taskId: 't', paths: ['/data/a.csv'] });
    assert.deepEqual(JSON.parse(readFileSync(state, 'utf8')), { lastCache: own });
  });

  test('a last cache that is gone or will not open falls back to the demo data', async () => {
    const logged: string[] = [];
    writeFileSync(state, JSON.stringify({ lastCache: join(dir, 'moved-away.db') }));
    const { calls, handlers } = fakeHandlers();
    await openAtStart(handlers, state, (m) => logged.push(m));
    assert.deepEqual(calls.map(([m]) => m), ['openDemo']);

    const broken = join(dir, 'broken.db');
    writeFileSync(broken, 'not sqlite');
    writeFileSync(state, JSON.stringify({ lastCache: broken }));
    const failing = fakeHandlers({ openCache: async () => { throw new UserError('not a cache'); } });
    await openAtStart(failing.handlers, state, (m) => logged.push(m));
    assert.deepEqual(failing.calls.map(([m]) => m), ['openCache', 'openDemo']);
    assert.match(logged.join('\n'), /could not reopen .*broken\.db: not a cache/);

    writeFileSync(state, '{ not json');
    const garbled = fakeHandlers();
    await openAtStart(garbled.handlers, state, (m) => logged.push(m));
    assert.deepEqual(garbled.calls.map(([m]) => m), ['openDemo']);
    assert.ok(existsSync(state));
  });
});
