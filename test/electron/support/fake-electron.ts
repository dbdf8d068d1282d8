// A fake of the few Electron objects the shell uses, recording what is done to them, so the
// main process's modules (which take these objects as parameters) run without Electron. The
// shapes are the narrow interfaces declared in electron/*.ts, which the real objects satisfy.
import assert from 'node:assert/strict';
import { API_METHODS } from '../../../core/api/contract.ts';
import { APP_URL } from '../../../electron/security.ts';
import type { FrameLike, InvokeEventLike } from '../../../electron/ipc.ts';
import type { EventMessage, IpcRendererLike } from '../../../electron/bridge.ts';

type Listener = (...args: any[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

let nextRoutingId = 1;

export function fakeFrame(url: string, parent: FrameLike | null = null, processId = 1): FrameLike {
  return { url, parent, processId, routingId: nextRoutingId++ };
}

/** A navigation event: records whether the default (navigating) was prevented. */
export function navigationEvent() {
  return {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

export class FakeWebContents extends Emitter {
  readonly mainFrame: FrameLike;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  reloads = 0;
  loadedUrl: string | null = null;
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;

  constructor(url = APP_URL) {
    super();
    this.mainFrame = fakeFrame(url);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {
    this.reloads++;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** An invoke event as Electron builds it for a call from `frame` (the main frame by default). */
  invokeEvent(frame: FrameLike | null = this.mainFrame): InvokeEventLike {
    return { sender: this, senderFrame: frame };
  }
}

export class FakeWindow {
  readonly webContents: FakeWebContents;
  constructor(url = APP_URL) {
    this.webContents = new FakeWebContents(url);
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: any[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: any[]) => unknown): void {
    // As Electron does: a second handler for one channel is a programming error.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  /** What ipcRenderer.invoke(channel, ...args) from `event`'s frame resolves to. */
  async invoke(event: InvokeEventLike, channel: string, ...args: unknown[]): Promise<any> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

/** ipcRenderer of the app's page, wired to a FakeIpcMain and to the window's webContents.send. */
export class FakeIpcRenderer extends Emitter implements IpcRendererLike {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  private readonly answer: (channel: string, args: unknown[]) => Promise<unknown>;
  constructor(answer: (channel: string, args: unknown[]) => Promise<unknown> = async () => undefined) {
    super();
    this.answer = answer;
  }
  invoke(channel: string, ...args: unknown[]): Promise<any> {
    this.invoked.push({ channel, args });
    return this.answer(channel, args);
  }
  override on(channel: string, listener: (event: unknown, message: EventMessage) => void): this {
    return super.on(channel, listener);
  }
  override removeListener(channel: string, listener: (event: unknown, message: EventMessage) => void): this {
    return super.removeListener(channel, listener);
  }
}

export class FakeSession {
  permissionRequestHandler: ((contents: unknown, permission: unknown, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: (() => boolean) | null = null;
  beforeRequest: { filter: { urls: string[] }; listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void } | null = null;
  setPermissionRequestHandler(handler: (contents: unknown, permission: unknown, callback: (granted: boolean) => void) => void): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: () => boolean): void {
    this.permissionCheckHandler = handler;
  }
  readonly webRequest = {
    onBeforeRequest: (filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void) => {
      this.beforeRequest = { filter, listener };
    },
  };
}

/** A reversible stand-in for the OS keychain: XOR with a key, behind a marker. */
export function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}) {
  const key = 0x5a;
  const marker = Buffer.from('FAKE-ENC:');
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (text: string) => Buffer.concat([marker, Buffer.from(text, 'utf8').map((b) => b ^ key)]),
    decryptString: (data: Buffer) => {
      if (!data.subarray(0, marker.length).equals(marker)) throw new Error('not encrypted by this keychain');
      return Buffer.from(data.subarray(marker.length).map((b) => b ^ key)).toString('utf8');
    },
  };
}

/** A dialog module answering with what the test chose, and recording the options it was shown. */
export function fakeDialog(answers: { open?: string[] | null; save?: string | null } = {}) {
  const shown: Array<{ kind: 'open' | 'save'; window: unknown; options: any }> = [];
  return {
    shown,
    async showOpenDialog(window: unknown, options: any) {
      shown.push({ kind: 'open' as const, window, options });
      return answers.open == null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: answers.open };
    },
    async showSaveDialog(window: unknown, options: any) {
      shown.push({ kind: 'save' as const, window, options });
      return answers.save == null ? { canceled: true, filePath: '' } : { canceled: false, filePath: answers.save };
    },
  };
}

/** The bridge's shape: of the bridge module (preload.test.ts) and of the built preload (bundle.test.ts). */
export function assertBridgeShape(bridge: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(bridge).sort(), ['api', 'chooseImportFiles', 'chooseSavePath', 'onEvent']);
  const api = bridge.api as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), [...API_METHODS].sort());
  for (const value of [...Object.values(api), bridge.onEvent, bridge.chooseImportFiles, bridge.chooseSavePath]) assert.equal(typeof value, 'function');
}
