// The preload's bridge (electron/bridge.ts) with a fake ipcRenderer: exactly the DesktopBridge of
// the contract and nothing else, each method one invoke on its channel, events unwrapped and
// unsubscribable; and the whole loop page → bridge → ipcMain → core → window → bridge.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { API_METHODS, IPC_DIALOG_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel, type TaskProgress } from '../../core/api/contract.ts';
import { createApiHandlers } from '../../core/api/handlers.ts';
import { Workspace } from '../../core/api/workspace.ts';
import { createBridge } from '../../electron/bridge.ts';
import { registerApi, windowEmitter } from '../../electron/ipc.ts';
import { tempDir } from '../support/cli.ts';
import { FakeIpcMain, FakeIpcRenderer, FakeWindow, assertBridgeShape } from './support/fake-electron.ts';

test('one function per API method plus onEvent and the dialogs, nothing else', async () => {
  const ipc = new FakeIpcRenderer(async (channel, args) => ({ channel, args }));
  const bridge = createBridge(ipc);
  assertBridgeShape(bridge as unknown as Record<string, unknown>);
  assert.equal('ipcRenderer' in bridge || 'invoke' in bridge || 'send' in bridge, false);

  for (const method of API_METHODS) {
    const params = { probe: method };
    assert.deepEqual(await (bridge.api[method] as (p: unknown) => Promise<unknown>)(params), { channel: ipcChannel(method), args: [params] });
  }
  assert.deepEqual(await bridge.chooseImportFiles(), { channel: IPC_DIALOG_CHANNELS.chooseImportFiles, args: [] });
  assert.deepEqual(await bridge.chooseSavePath('events.csv'), { channel: IPC_DIALOG_CHANNELS.chooseSavePath, args: ['events.csv'] });
});

test('onEvent passes the payload only, for its event, until unsubscribed', () => {
  const ipc = new FakeIpcRenderer();
  const bridge = createBridge(ipc);
  const seen: unknown[] = [];
  const stop = bridge.onEvent('progress', (payload) => seen.push(payload));
  assert.equal(ipc.count(IPC_EVENT_CHANNEL), 1);
  const payload: TaskProgress = { taskId: 'a', phase: 'reading', done: 1, total: 2 };
  const ipcEvent = { sender: 'the ipcRenderer itself' };
  ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'progress', payload });
  ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'something-else', payload: { x: 1 } });
  ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, null);
  assert.deepEqual(seen, [payload]);
  stop();
  assert.equal(ipc.count(IPC_EVENT_CHANNEL), 0);
  ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'progress', payload });
  assert.equal(seen.length, 1);
});

const dir = tempDir('electron-bridge-');
const workspace = new Workspace({ demoDir: join(dir, 'demo'), ownCachePath: join(dir, 'own.db') });
after(() => workspace.close());

test('page to core and back: results as envelopes, progress as events', async () => {
  const window = new FakeWindow();
  const ipcMain = new FakeIpcMain();
  registerApi(ipcMain, createApiHandlers(workspace, windowEmitter(() => window)), () => window);
  // The page's ipcRenderer: invokes reach ipcMain from the app's frame; what the window is sent
  // is delivered to its listeners.
  const ipcRenderer = new FakeIpcRenderer((channel, args) => ipcMain.invoke(window.webContents.invokeEvent(), channel, ...args));
  window.webContents.send = (channel, ...args) => ipcRenderer.emit(channel, {}, ...args);
  const bridge = createBridge(ipcRenderer);

  assert.deepEqual(await bridge.api.summary({}), { result: null });
  const opened = await bridge.api.openDemo({ users: 20, days: 2 });
  assert.ok('result' in opened && opened.result.demo && opened.result.sessions > 0, JSON.stringify(opened).slice(0, 300));
  const progress: TaskProgress[] = [];
  const stop = bridge.onEvent('progress', (p) => progress.push(p));
  const exported = await bridge.api.exportCsv({ taskId: 'e', what: 'events', path: join(dir, 'events.csv') });
  stop();
  assert.ok('result' in exported && exported.result.rows > 0);
  assert.deepEqual(progress.map((p) => [p.taskId, p.phase]), [['e', 'exporting'], ['e', 'exporting']]);
  const refused = await bridge.api.listSessions({ offset: 0, limit: 0 });
  assert.ok('error' in refused && refused.error.user);
});
