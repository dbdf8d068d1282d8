import type { ApiEnvelope, ApiMethod, DesktopBridge } from '../../../core/api/contract.ts';
import { baseName } from '../format.ts';
import { apiFunctions, exportFileName, type AppHost } from './host.ts';

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
    onEvent: (event, listener) => bridge.onEvent(event, listener),
    async pickImportFiles() {
      const paths = await bridge.chooseImportFiles();
      if (paths.length === 0) return null;
      return { names: paths.map(baseName), resolve: async () => paths };
    },
    async saveExport(request) {
      const path = await bridge.chooseSavePath(exportFileName(request.what));
      if (path === null) return null;
      if (request.what === 'dbt') {
        const { files } = await api.exportDbt({ ...request, path });
        return `Wrote a dbt project of ${files} files to ${path}`;
      }
      const { rows } = await api.exportCsv({ ...request, path });
      return `Wrote ${rows.toLocaleString('en-US')} ${request.what} to ${path}`;
    },
  };
}
