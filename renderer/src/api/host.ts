import { API_METHODS, type ApiEnvelope, type ApiEvent, type ApiEvents, type ApiFunctions, type ApiMethod, type SessionFilters } from '../../../core/api/contract.ts';
import { unwrap } from './errors.ts';

/**
 * What the UI needs from where it runs: the API, its events, and the two things that differ
 * between a desktop window and a browser tab — picking files to import and saving an export.
 */
export interface AppHost {
  readonly kind: 'desktop' | 'browser';
  readonly api: ApiFunctions;
  onEvent<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Lets the user pick event files; null when cancelled. */
  pickImportFiles(): Promise<PickedFiles | null>;
  /** Saves an export where the user says (a save dialog, or a download); a line telling what happened, or null when cancelled. */
  saveExport(request: ExportRequest): Promise<string | null>;
}

/** An export of what the views show: the CSVs at the preview threshold and filters, or the definition as a dbt project. */
export type ExportRequest =
  | { what: 'sessions' | 'events'; taskId: string; threshold_ms?: number; filters?: SessionFilters }
  | { what: 'dbt'; table: string; layout?: 'mixpanel' | 'flat' };

/** The file name an export is offered under. */
export function exportFileName(what: ExportRequest['what']): string {
  return what === 'dbt' ? 'session_explorer_dbt.zip' : `${what}.csv`;
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
