import { basename, join } from 'node:path';
import type { DialogHandlers } from './ipc.ts';

export interface FileFilter {
  name: string;
  extensions: string[];
}

/** What the importers read (SPEC §2): CSV and Mixpanel NDJSON, gzipped or not. */
export const EVENT_FILE_FILTERS: FileFilter[] = [
  { name: 'Event files', extensions: ['csv', 'ndjson', 'jsonl', 'json', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];
const CACHE_FILTERS: FileFilter[] = [
  { name: 'Session Explorer caches', extensions: ['db', 'sqlite', 'sqlite3'] },
  { name: 'All files', extensions: ['*'] },
];
const CSV_FILTERS: FileFilter[] = [{ name: 'CSV', extensions: ['csv'] }];

/** The part of Electron's dialog module used here, always attached to the app's window. */
export interface DialogLike<W> {
  showOpenDialog(
    window: W,
    options: { title: string; properties: Array<'openFile' | 'multiSelections'>; filters: FileFilter[] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: W, options: { title: string; defaultPath: string; filters: FileFilter[] }): Promise<{ canceled: boolean; filePath?: string }>;
}

export interface NativeDialogs extends DialogHandlers {
  chooseCacheFile(): Promise<string | null>;
  chooseSavePath(defaultName: unknown): Promise<string | null>;
}

/**
 * The open and save dialogs. The suggested file name comes from the page, so only a plain name
 * is kept from it: the folder is always the user's documents folder until they pick another.
 */
export function nativeDialogs<W>(dialog: DialogLike<W>, window: () => W | null, documentsDir: string): NativeDialogs {
  async function open(title: string, properties: Array<'openFile' | 'multiSelections'>, filters: FileFilter[]): Promise<string[]> {
    const parent = window();
    if (parent === null) return [];
    const chosen = await dialog.showOpenDialog(parent, { title, properties, filters });
    return chosen.canceled ? [] : chosen.filePaths;
  }
  return {
    chooseImportFiles: () => open('Import event files', ['openFile', 'multiSelections'], EVENT_FILE_FILTERS),
    async chooseCacheFile() {
      const [path] = await open('Open a cache', ['openFile'], CACHE_FILTERS);
      return path ?? null;
    },
    async chooseSavePath(defaultName) {
      const parent = window();
      if (parent === null) return null;
      const chosen = await dialog.showSaveDialog(parent, { title: 'Export', defaultPath: join(documentsDir, plainFileName(defaultName)), filters: CSV_FILTERS });
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
    },
  };
}

/** A file name without folders or control characters; `export.csv` when nothing usable is left. */
export function plainFileName(name: unknown): string {
  const plain = typeof name === 'string' ? basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim() : '';
  return plain === '' || plain === '.' || plain === '..' ? 'export.csv' : plain;
}
