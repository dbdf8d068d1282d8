import type { ApiEnvelope, ApiMethod, DesktopBridge } from '../../../core/api/contract.ts';
import { baseName } from '../format.ts';
import { apiFunctions, type AppHost } from './host.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload (electron/preload.ts); absent in a browser. */
    sessionExplorer?: DesktopBridge;
  }
}

/** In the Electron window: every call goes over IPC through the preload's bridge, and dialogs are native. */
export function desktopHost(bridge: DesktopBridge): AppHost {
  const api = apiFunctions((method, params) => (bridge.api[method] as (p: unknown) => Promise<ApiEnvelope<ApiMethod>>)(params));
  return {
    kind: 'desktop',
    api,
    onProgress: (listener) => bridge.onEvent('progress', listener),
    async pickImportFiles() {
      const paths = await bridge.chooseImportFiles();
      if (paths.length === 0) return null;
      return { names: paths.map(baseName), resolve: async () => paths };
    },
    async exportCsv(what, taskId) {
      const path = await bridge.chooseSavePath(`${what}.csv`);
      if (path === null) return null;
      const { rows } = await api.exportCsv({ taskId, what, path });
      return `Wrote ${rows.toLocaleString('en-US')} ${what} to ${path}`;
    },
  };
}
