import type { MenuItemConstructorOptions } from 'electron';

/** What the File and Help menus do (electron/menu-actions.ts). */
export interface MenuActions {
  openCache(): void;
  openDemo(): void;
  importFiles(): void;
  exportSessions(): void;
  exportEvents(): void;
  openHelp(): void;
}

export interface MenuOptions {
  appName: string;
  /** Reload and the developer tools are for development builds only. */
  isPackaged: boolean;
  isMac: boolean;
  actions: MenuActions;
}

/** The application menu as a template (Menu.buildFromTemplate makes it), so it can be checked without Electron. */
export function menuTemplate({ appName, isPackaged, isMac, actions }: MenuOptions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions[] = [
    { label: 'Open cache…', accelerator: 'CmdOrCtrl+O', click: () => actions.openCache() },
    { label: 'Open demo data', click: () => actions.openDemo() },
    { type: 'separator' },
    { label: 'Import files…', accelerator: 'CmdOrCtrl+I', click: () => actions.importFiles() },
    { type: 'separator' },
    { label: 'Export sessions CSV…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportSessions() },
    { label: 'Export events CSV…', accelerator: 'CmdOrCtrl+Shift+E', click: () => actions.exportEvents() },
  ];
  // On macOS, Quit belongs to the application menu.
  if (!isMac) file.push({ type: 'separator' }, { role: 'quit' });

  const view: MenuItemConstructorOptions[] = isPackaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  view.push({ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' });

  return [
    ...(isMac ? [{ label: appName, role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: 'File', submenu: file },
    { label: 'Edit', role: 'editMenu' },
    { label: 'View', submenu: view },
    { label: 'Window', role: 'windowMenu' },
    { label: 'Help', role: 'help', submenu: [{ label: `${appName} documentation`, click: () => actions.openHelp() }] },
  ];
}
