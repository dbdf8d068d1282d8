// The app API over Electron IPC (electron/ipc.ts) against a fake ipcMain, on a real workspace:
// one handler per method of the contract, the sender check before anything runs, the same
// envelopes as browser mode's HTTP server on the same workspace, progress events to the
// window, and the native dialogs behind the same check.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  API_METHODS, IPC_DIALOG_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel, type ApiMethod,
} from '../../core/api/contract.ts';
import { createApiHandlers, type ApiHandlers } from '../../core/api/handlers.ts';
import { Workspace } from '../../core/api/workspace.ts';
import { startAppServer, type AppServer } from '../../core/server/app-server.ts';
import { UserError } from '../../core/util/user-error.ts';
import { nativeDialogs } from '../../electron/dialogs.ts';
import { registerApi, registerDialogs, windowEmitter } from '../../electron/ipc.ts';
import { tempDir } from '../support/cli.ts';
import { FakeIpcMain, FakeWindow, fakeDialog, fakeFrame } from './support/fake-electron.ts';

const dir = tempDir('electron-ipc-');
let workspace: Workspace;
let server: AppServer;
const window = new FakeWindow();
const ipcMain = new FakeIpcMain();
/** Calls that reached the core's handlers, by method. */
const reached: string[] = [];

/** The core's handlers, counting the calls that get through. */
function counted(handlers: ApiHandlers): ApiHandlers {
  return Object.fromEntries(
    API_METHODS.map((method) => [method, (params: unknown) => (reached.push(method), handlers[method](params))]),
  ) as ApiHandlers;
}

before(async () => {
  workspace = new Workspace({ demoDir: join(dir, 'demo'), ownCachePath: join(dir, 'own.db') });
  // Both transports serve the one workspace.
  registerApi(ipcMain, counted(createApiHandlers(workspace, windowEmitter(() => window))), () => window);
  server = await startAppServer({ workspace, staticDir: null });
});
after(async () => {
  await server.close();
  workspace.close();
});

const ipc = (method: ApiMethod, params: unknown, event = window.webContents.invokeEvent()) => ipcMain.invoke(event, ipcChannel(method), params);

async function http(method: ApiMethod, params: unknown): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-explorer-token': server.token },
    body: JSON.stringify(params),
  });
  return response.json();
}

describe('the API over IPC', () => {
  test('exactly one handler per method of the contract', () => {
    assert.deepEqual([...ipcMain.handlers.keys()].sort(), API_METHODS.map(ipcChannel).sort());
    assert.equal(ipcMain.handlers.size, API_METHODS.length);
  });

  test('the same answers as browser mode: openDemo, summary, listSessions', async () => {
    const opened = await ipc('openDemo', { users: 20, days: 2 });
    assert.ok('result' in opened, JSON.stringify(opened));
    assert.equal(opened.result.demo, true);
    assert.ok(opened.result.sessions > 0);

    const summary = await ipc('summary', {});
    assert.deepEqual(summary, await http('summary', {}));
    assert.deepEqual(summary.result, opened.result);

    const query = { offset: 5, limit: 10, sort: { column: 'session_duration_secs', direction: 'desc' }, filters: { from: summary.result.first_date } };
    const page = await ipc('listSessions', query);
    assert.equal(page.result.rows.length, 10);
    assert.deepEqual(page, await http('listSessions', query));
  });

  test('a user error comes back as a user error envelope, as over HTTP', async () => {
    const bad = { offset: -1, limit: 10 };
    const answer = await ipc('listSessions', bad);
    assert.equal(answer.error.user, true);
    assert.match(answer.error.message, /offset/);
    assert.deepEqual(answer, await http('listSessions', bad));
    // Not an object at all: still checked by the core, still an envelope.
    assert.equal((await ipc('sessionEvents', 'not an object')).error.user, true);
  });

  test('calls from anywhere but the app window\'s top frame are refused before the core', async () => {
    const other = new FakeWindow('app://session-explorer/index.html');
    const appFrame = window.webContents.mainFrame;
    const foreign = [
      ['a sub-frame of the app', window.webContents.invokeEvent(fakeFrame('app://session-explorer/index.html', appFrame))],
      ['a sub-frame showing another site', window.webContents.invokeEvent(fakeFrame('https://evil.example/', appFrame))],
      ['the top frame at another URL', window.webContents.invokeEvent({ ...appFrame, url: 'https://evil.example/' })],
      ['the top frame at a file URL', window.webContents.invokeEvent({ ...appFrame, url: 'file:///tmp/page.html' })],
      ['another frame of the same process', window.webContents.invokeEvent(fakeFrame('app://session-explorer/index.html'))],
      ['a frame already gone', window.webContents.invokeEvent(null)],
      ['another web contents', other.webContents.invokeEvent()],
    ] as const;
    reached.length = 0;
    for (const [what, event] of foreign) {
      for (const method of ['summary', 'openCache', 'exportCsv'] as const) {
        await assert.rejects(ipc(method, { path: '/tmp/x.db' }, event), /refused a call/, `${what}: ${method}`);
      }
    }
    assert.deepEqual(reached, []);
    // While there is no window, nobody may call.
    const lonely = new FakeIpcMain();
    registerApi(lonely, createApiHandlers(workspace, () => {}), () => null);
    await assert.rejects(lonely.invoke(window.webContents.invokeEvent(), ipcChannel('summary'), {}), /refused/);
  });

  test('progress events reach the window on the event channel', async () => {
    window.webContents.sent.length = 0;
    const path = join(dir, 'sessions.csv');
    const answer = await ipc('exportCsv', { taskId: 'export-1', what: 'sessions', path });
    assert.ok(answer.result.rows > 0);
    const progress = window.webContents.sent.filter((m) => m.channel === IPC_EVENT_CHANNEL).map((m) => m.args[0] as any);
    assert.ok(progress.length >= 2);
    for (const message of progress) {
      assert.equal(message.event, 'progress');
      assert.equal(message.payload.taskId, 'export-1');
      assert.equal(message.payload.phase, 'exporting');
    }
    assert.equal(progress.at(-1).payload.done, answer.result.rows);
  });

  test('events are dropped, not thrown, once the window is gone', () => {
    const gone = new FakeWindow();
    gone.webContents.destroyed = true;
    const emitTo = windowEmitter(() => gone);
    emitTo('progress', { taskId: 't', phase: 'reading', done: 0, total: 0 });
    windowEmitter(() => null)('progress', { taskId: 't', phase: 'reading', done: 0, total: 0 });
    assert.deepEqual(gone.webContents.sent, []);
  });
});

describe('envelopes and start-up', () => {
  const failing = (error: unknown) => ({ ...Object.fromEntries(API_METHODS.map((m) => [m, async () => { throw error; }])) }) as unknown as ApiHandlers;

  test('an internal error is reported as one, on one line', async () => {
    const ipc2 = new FakeIpcMain();
    registerApi(ipc2, failing(new Error('disk I/O error\n    at somewhere')), () => window);
    assert.deepEqual(await ipc2.invoke(window.webContents.invokeEvent(), ipcChannel('summary'), {}), {
      error: { message: 'internal error: disk I/O error', user: false },
    });
    const ipc3 = new FakeIpcMain();
    registerApi(ipc3, failing(new UserError('no cache is open')), () => window);
    assert.deepEqual(await ipc3.invoke(window.webContents.invokeEvent(), ipcChannel('metrics'), {}), {
      error: { message: 'no cache is open', user: true },
    });
  });

  test('calls wait until the cache opened at start is open', async () => {
    let open!: () => void;
    const ready = new Promise<void>((resolve) => (open = resolve));
    const ipc4 = new FakeIpcMain();
    const order: string[] = [];
    registerApi(ipc4, { ...failing(new Error('unused')), summary: async () => (order.push('summary'), null) }, () => window, ready);
    const answer = ipc4.invoke(window.webContents.invokeEvent(), ipcChannel('summary'), {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('opened');
    open();
    assert.deepEqual(await answer, { result: null });
    assert.deepEqual(order, ['opened', 'summary']);
  });
});

describe('native dialogs over IPC', () => {
  const setup = (answers: Parameters<typeof fakeDialog>[0]) => {
    const dialog = fakeDialog(answers);
    const ipc5 = new FakeIpcMain();
    registerDialogs(ipc5, nativeDialogs(dialog, () => window, '/home/me/Documents'), () => window);
    return { dialog, call: (channel: string, ...args: unknown[]) => ipc5.invoke(window.webContents.invokeEvent(), channel, ...args), ipc5 };
  };

  test('import: several event files, of the formats the importers read', async () => {
    const { dialog, call, ipc5 } = setup({ open: ['/data/a.csv', '/data/b.ndjson.gz'] });
    assert.deepEqual([...ipc5.handlers.keys()].sort(), Object.values(IPC_DIALOG_CHANNELS).sort());
    assert.deepEqual(await call(IPC_DIALOG_CHANNELS.chooseImportFiles), ['/data/a.csv', '/data/b.ndjson.gz']);
    const { window: parent, options } = dialog.shown[0];
    assert.equal(parent, window);
    assert.deepEqual(options.properties.sort(), ['multiSelections', 'openFile']);
    assert.deepEqual(options.filters[0].extensions, ['csv', 'ndjson', 'jsonl', 'json', 'gz']);
    assert.deepEqual(await setup({ open: null }).call(IPC_DIALOG_CHANNELS.chooseImportFiles), []);
  });

  test('save: the suggested name only, in the documents folder', async () => {
    const { dialog, call } = setup({ save: '/home/me/Documents/sessions.csv' });
    assert.equal(await call(IPC_DIALOG_CHANNELS.chooseSavePath, 'sessions.csv'), '/home/me/Documents/sessions.csv');
    await call(IPC_DIALOG_CHANNELS.chooseSavePath, '../../../etc/cron.d/evil.csv');
    await call(IPC_DIALOG_CHANNELS.chooseSavePath, { not: 'a name' });
    await call(IPC_DIALOG_CHANNELS.chooseSavePath, '..');
    assert.deepEqual(dialog.shown.map((s) => s.options.defaultPath), [
      '/home/me/Documents/sessions.csv',
      '/home/me/Documents/evil.csv',
      '/home/me/Documents/export.csv',
      '/home/me/Documents/export.csv',
    ]);
    assert.equal(await setup({ save: null }).call(IPC_DIALOG_CHANNELS.chooseSavePath, 'x.csv'), null);
  });

  test('a foreign frame cannot open a dialog', async () => {
    const { dialog, ipc5 } = setup({ open: ['/x.csv'] });
    const sub = window.webContents.invokeEvent(fakeFrame('https://evil.example/', window.webContents.mainFrame));
    await assert.rejects(ipc5.invoke(sub, IPC_DIALOG_CHANNELS.chooseImportFiles), /refused/);
    await assert.rejects(ipc5.invoke(sub, IPC_DIALOG_CHANNELS.chooseSavePath, 'a.csv'), /refused/);
    assert.deepEqual(dialog.shown, []);
  });
});
