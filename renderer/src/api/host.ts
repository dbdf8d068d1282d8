import { API_METHODS, type ApiEnvelope, type ApiFunctions, type ApiMethod, type TaskProgress } from '../../../core/api/contract.ts';
import { unwrap } from './errors.ts';

/**
 * What the UI needs from where it runs: the API, its progress events, and the two things
 * that differ between a desktop window and a browser tab — picking files to import and saving
 * a CSV export.
 */
export interface AppHost {
  readonly kind: 'desktop' | 'browser';
  readonly api: ApiFunctions;
  onProgress(listener: (progress: TaskProgress) => void): () => void;
  /** Lets the user pick event files; null when cancelled. */
  pickImportFiles(): Promise<PickedFiles | null>;
  /** Saves a CSV export where the user says; a line telling what happened, or null when cancelled. */
  exportCsv(what: 'sessions' | 'events', taskId: string): Promise<string | null>;
}

export interface PickedFiles {
  names: string[];
  /**
   * Paths the API can import from. In the browser the files are uploaded first (reported through
   * `onUpload`); the signal stops that.
   */
  resolve(signal: AbortSignal, onUpload: (name: string, index: number) => void): Promise<string[]>;
}

let tasks = 0;
/** A task id for one long call (import, export), unique in this page. */
export function newTaskId(kind: string): string {
  tasks += 1;
  return `${kind}-${Date.now().toString(36)}-${tasks}`;
}

/** The API as functions over one transport's call (which answers an ApiEnvelope). */
export function apiFunctions(send: (method: ApiMethod, params: unknown) => Promise<ApiEnvelope<ApiMethod>>): ApiFunctions {
  const call = async (method: ApiMethod, params: unknown) => unwrap(await send(method, params));
  return Object.fromEntries(API_METHODS.map((method) => [method, (params: unknown) => call(method, params)])) as ApiFunctions;
}
