import {
  API_METHODS, IPC_DIALOG_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel, type ApiEnvelope, type ApiMethod,
} from '../core/api/contract.ts';
import type { ApiHandlers, Emit } from '../core/api/handlers.ts';
import type { EventMessage } from './bridge.ts';
import { isAppUrl } from './security.ts';
import { errorBody } from '../core/api/error-body.ts';

// The app API over Electron IPC: one `ipcMain.handle` per method of the contract, each answering
// an ApiEnvelope exactly as browser mode's server answers its JSON (core/server/app-server.ts).

export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly processId: number;
  readonly routingId: number;
}

export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: any[]) => unknown): void;
}

export interface AppWindowLike {
  readonly webContents: {
    readonly mainFrame: FrameLike;
    isDestroyed(): boolean;
    send(channel: string, ...args: any[]): void;
  };
}

/** The app's window, or null while there is none (before ready, after it closed). */
export type WindowRef<W extends AppWindowLike = AppWindowLike> = () => W | null;

/**
 * Only the app's own page may call: the window's top frame (not a sub-frame, not another
 * window's contents) showing the app's URL. Frames are compared by process and routing id, which
 * Electron documents as identifying the frame whatever WebFrameMain object carries them (object
 * identity is not promised, neither of frames nor of their web contents).
 */
export function isTrustedSender(event: InvokeEventLike, window: AppWindowLike | null): boolean {
  const frame = event.senderFrame;
  if (window === null || frame === null) return false;
  const main = window.webContents.mainFrame;
  return frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId && isAppUrl(frame.url);
}

/** Refuses a call from anywhere but the app's page before it reaches `listener`. */
function guarded(window: WindowRef, channel: string, listener: (...args: unknown[]) => Promise<unknown>) {
  return (event: InvokeEventLike, ...args: unknown[]) => {
    if (!isTrustedSender(event, window())) {
      return Promise.reject(new Error(`${channel}: refused a call from ${event.senderFrame?.url || 'an unknown frame'}`));
    }
    return listener(...args);
  };
}

/**
 * One handler per API method. Calls wait for `ready` (the cache opened at start), so the page's
 * first `summary` sees it; a handler's failure comes back as an envelope, never as a rejection.
 */
export function registerApi(ipcMain: IpcMainLike, handlers: ApiHandlers, window: WindowRef, ready: Promise<unknown> = Promise.resolve()): void {
  for (const method of API_METHODS) {
    const channel = ipcChannel(method);
    ipcMain.handle(channel, guarded(window, channel, async (params): Promise<ApiEnvelope<ApiMethod>> => {
      await ready;
      try {
        return { result: await handlers[method](params) };
      } catch (error) {
        return errorBody(error);
      }
    }));
  }
}

export interface DialogHandlers {
  chooseImportFiles(): Promise<string[]>;
  chooseSavePath(defaultName: unknown): Promise<string | null>;
}

/** The native dialogs the page may ask for, behind the same sender check. */
export function registerDialogs(ipcMain: IpcMainLike, dialogs: DialogHandlers, window: WindowRef): void {
  const { chooseImportFiles, chooseSavePath } = IPC_DIALOG_CHANNELS;
  ipcMain.handle(chooseImportFiles, guarded(window, chooseImportFiles, () => dialogs.chooseImportFiles()));
  ipcMain.handle(chooseSavePath, guarded(window, chooseSavePath, (defaultName) => dialogs.chooseSavePath(defaultName)));
}

/** Progress events to the app's window (dropped while it has none: the work goes on). */
export function windowEmitter(window: WindowRef): Emit {
  return (event, payload) => {
    const contents = window()?.webContents;
    if (contents === undefined || contents.isDestroyed()) return;
    const message: EventMessage<typeof event> = { event, payload };
    contents.send(IPC_EVENT_CHANNEL, message);
  };
}
