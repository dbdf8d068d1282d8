import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, createBridge } from './bridge.ts';

// Runs sandboxed, so it is bundled into one CommonJS file whose only import is 'electron'
// (electron/vite.config.ts). The page gets the bridge's functions, never ipcRenderer.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer));
