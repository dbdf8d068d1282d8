import { API_EVENTS, type ApiEnvelope, type ApiErrorBody, type ApiEvent, type ApiMethod } from '../../../core/api/contract.ts';
import { ApiError, unwrap } from './errors.ts';
import { apiFunctions, exportFileName, type AppHost } from './host.ts';

// Browser mode (`session-explorer serve`): the API over HTTP to the local server, authorised by
// the run's token, which arrives once in the address (?token=…) and is then kept for this tab
// only, out of the visible URL and the history.

const TOKEN_HEADER = 'x-session-explorer-token';
const TOKEN_KEY = 'session-explorer-token';
const UNREACHABLE = "the app's server does not answer: is `session-explorer serve` still running?";

/** The token from the address (removed from it) or from earlier in this tab; null when there is none. */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const given = url.searchParams.get('token');
  if (given !== null) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    try {
      window.sessionStorage.setItem(TOKEN_KEY, given);
    } catch {
      // Storage may be disabled; the token then lasts until the page is reloaded.
    }
    return given;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function browserHost(token: string): AppHost {
  const post = async (path: string, body: BodyInit, contentType: string, signal?: AbortSignal): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(path, { method: 'POST', headers: { 'content-type': contentType, [TOKEN_HEADER]: token }, body, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(UNREACHABLE, false);
    }
    if (response.status === 401) throw new ApiError('this page has no valid access token: open the address `session-explorer serve` printed', true);
    try {
      return await response.json();
    } catch {
      throw new ApiError(`the server answered ${response.status} ${response.statusText}`, false);
    }
  };

  const api = apiFunctions(
    async (method, params) => (await post(`/api/${method}`, JSON.stringify(params ?? {}), 'application/json')) as ApiEnvelope<ApiMethod>,
  );

  // One event stream for the page, open while anyone listens.
  const listeners = new Set<{ event: ApiEvent; listener: (payload: never) => void }>();
  let stream: EventSource | null = null;

  const withToken = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams({ ...query, token })}`;

  return {
    kind: 'browser',
    api,
    onEvent(event, listener) {
      const entry = { event, listener: listener as (payload: never) => void };
      listeners.add(entry);
      if (stream === null) {
        stream = new EventSource(withToken('/api/events', {}));
        for (const name of API_EVENTS) {
          stream.addEventListener(name, (message) => {
            const payload = JSON.parse((message as MessageEvent<string>).data) as never;
            for (const each of listeners) if (each.event === name) each.listener(payload);
          });
        }
      }
      return () => {
        listeners.delete(entry);
        if (listeners.size === 0) {
          stream?.close();
          stream = null;
        }
      };
    },
    async pickImportFiles() {
      const files = await chooseFiles();
      if (files.length === 0) return null;
      return {
        names: files.map((f) => f.name),
        async resolve(signal, onUpload) {
          const paths: string[] = [];
          for (const [index, file] of files.entries()) {
            onUpload(file.name, index);
            const answer = await post(`/api/upload?${new URLSearchParams({ name: file.name })}`, file, 'application/octet-stream', signal);
            paths.push(unwrap(answer as { result: { path: string } } | ApiErrorBody).path);
          }
          return paths;
        },
      };
    },
    async saveExport(request) {
      // The server runs the export through the same handler and sends the file; an error comes back as JSON.
      const { what, ...params } = request;
      const name = exportFileName(what);
      const link = document.createElement('a');
      link.href = withToken('/api/download', { what, params: JSON.stringify(params) });
      link.download = name;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
      return `Downloading ${name}`;
    },
  };
}

/** The browser's file picker; empty when the user cancels. */
function chooseFiles(): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = '.csv,.gz,.ndjson,.jsonl,.json';
    input.hidden = true;
    const done = (files: File[]) => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => done([...(input.files ?? [])]));
    input.addEventListener('cancel', () => done([]));
    document.body.append(input);
    input.click();
  });
}
