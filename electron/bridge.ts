import {
  API_METHODS, IPC_DIALOG_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel, type ApiEvent, type ApiEvents, type DesktopBridge,
} from '../core/api/contract.ts';

// What the preload exposes, built from the API's declaration so that it can neither miss a
// method nor offer anything else. This file ends up in the sandboxed preload bundle: it may
// import nothing at run time but the (Node-free) contract.

/** The global the renderer finds the bridge under. */
export const BRIDGE_GLOBAL = 'sessionExplorer';

/** How an API event travels on IPC_EVENT_CHANNEL (one channel for every event). */
export interface EventMessage<E extends ApiEvent = ApiEvent> {
  event: E;
  payload: ApiEvents[E];
}

/** The part of Electron's ipcRenderer the bridge uses; it never reaches the page itself. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<any>;
  on(channel: string, listener: (event: unknown, message: EventMessage) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, message: EventMessage) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): DesktopBridge {
  const api = Object.fromEntries(
    API_METHODS.map((method) => [method, (params: unknown) => ipc.invoke(ipcChannel(method), params)]),
  ) as DesktopBridge['api'];
  return {
    api,
    onEvent(event, listener) {
      // Only the payload is passed on: Electron's IPC event object (which holds ipcRenderer
      // itself) must never reach the page.
      const forward = (_event: unknown, message: EventMessage) => {
        if (message !== null && typeof message === 'object' && message.event === event) listener(message.payload as ApiEvents[typeof event]);
      };
      ipc.on(IPC_EVENT_CHANNEL, forward);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, forward);
      };
    },
    chooseImportFiles: () => ipc.invoke(IPC_DIALOG_CHANNELS.chooseImportFiles),
    chooseSavePath: (defaultName) => ipc.invoke(IPC_DIALOG_CHANNELS.chooseSavePath, defaultName),
  };
}
