import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isApiMethod, type ApiEvents, type ApiErrorBody } from '../api/contract.ts';
import { errorBody } from '../api/error-body.ts';
import { createApiHandlers, type ApiHandlers } from '../api/handlers.ts';
import type { Workspace } from '../api/workspace.ts';
import { isUserError } from '../util/user-error.ts';

export interface AppServerOptions {
  workspace: Workspace;
  /** The built renderer (index.html and its assets); null serves the API only. */
  staticDir: string | null;
  /** 0 picks a free port. */
  port?: number;
}

export interface AppServer {
  /** The address to open, with the token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const TOKEN_HEADER = 'x-session-explorer-token';
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
/** The renderer's policy in browser mode, the same as the Electron window's (electron/security.ts). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Browser mode (`session-explorer serve`): the app API over HTTP on 127.0.0.1 only. Every API
 * request must carry the random token of this run (in a header; in the query string only for
 * the event stream and downloads, which a browser cannot give headers), and a Host header
 * naming this server, so neither another local user's page nor a DNS-rebinding site can drive it.
 */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const token = randomBytes(24).toString('hex');
  const listeners = new Set<ServerResponse>();
  const emit = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const response of listeners) response.write(frame);
  };
  const handlers = createApiHandlers(options.workspace, emit);
  const downloads = mkdtempSync(join(tmpdir(), 'session-explorer-downloads-'));
  const uploads = mkdtempSync(join(tmpdir(), 'session-explorer-uploads-'));
  let port = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!response.headersSent) sendJson(response, status, httpErrorBody(error));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    checkHost(request.headers.host, port);
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      const given = request.headers[TOKEN_HEADER] ?? url.searchParams.get('token') ?? '';
      if (!sameToken(String(given), token)) throw new HttpError(401, 'missing or wrong token');
      return api(url, request, response);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    return serveStatic(url.pathname, response);
  }

  async function api(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const name = url.pathname.slice('/api/'.length);
    if (name === 'events' && request.method === 'GET') return openEventStream(response);
    if (name === 'download' && request.method === 'GET') return download(url, response);
    if (name === 'upload' && request.method === 'POST') return upload(url, request, response);
    if (request.method !== 'POST') throw new HttpError(405, 'method not allowed');
    if (!isApiMethod(name)) throw new HttpError(404, `no method '${name}'`);
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'send JSON');
    const params = await readJson(request);
    try {
      const result = await (handlers[name] as ApiHandlers[typeof name])(params);
      sendJson(response, 200, { result });
    } catch (error) {
      sendJson(response, isUserError(error) ? 400 : 500, errorBody(error));
    } finally {
      if (name === 'importFiles') removeUploads(params);
    }
  }

  function openEventStream(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(': connected\n\n');
    listeners.add(response);
    response.on('close', () => listeners.delete(response));
  }

  /**
   * An export as a file download, through the same handlers as the desktop's save dialog:
   * `what` sessions or events (a CSV, with `params` as exportCsv takes them: task id, preview
   * threshold, filters) or dbt (a .zip, `params` as exportDbt takes them). The server picks the path.
   */
  async function download(url: URL, response: ServerResponse): Promise<void> {
    const what = url.searchParams.get('what');
    if (what !== 'sessions' && what !== 'events' && what !== 'dbt') throw new HttpError(400, "what must be 'sessions', 'events' or 'dbt'");
    let params: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(url.searchParams.get('params') ?? '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      params = parsed as Record<string, unknown>;
    } catch {
      throw new HttpError(400, 'params must be a JSON object');
    }
    const name = what === 'dbt' ? 'session_explorer_dbt.zip' : `${what}.csv`;
    const path = join(downloads, `${randomBytes(6).toString('hex')}-${name}`);
    try {
      try {
        if (what === 'dbt') await handlers.exportDbt({ ...params, path });
        else await handlers.exportCsv({ taskId: `download-${randomBytes(4).toString('hex')}`, ...params, what, path });
      } catch (error) {
        return sendJson(response, isUserError(error) ? 400 : 500, errorBody(error));
      }
      response.writeHead(200, {
        'content-type': what === 'dbt' ? 'application/zip' : 'text/csv; charset=utf-8',
        'content-length': statSync(path).size,
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
      await new Promise<void>((resolve, reject) => {
        createReadStream(path).on('error', reject).pipe(response).on('finish', resolve).on('error', reject);
      });
    } finally {
      rmSync(path, { force: true });
    }
  }

  /** An import is over (done, failed or cancelled): the copies uploaded for it are not needed again. */
  function removeUploads(params: unknown): void {
    const paths = (params as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(paths)) return;
    for (const path of paths) {
      if (typeof path === 'string' && dirname(resolve(path)) === uploads) rmSync(path, { force: true });
    }
  }

  /**
   * Browser mode's file import: a browser cannot name a path, so the file's bytes come up and
   * are kept under a fresh name (its extension kept: it tells the format); the answer is the
   * path to pass to importFiles.
   */
  async function upload(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const name = basename(url.searchParams.get('name') ?? '').replace(/[^\w.\-]+/g, '_').slice(-120);
    if (name === '' || name.startsWith('.')) throw new HttpError(400, 'name the uploaded file');
    const path = join(uploads, `${randomBytes(6).toString('hex')}-${name}`);
    await pipeline(request, createWriteStream(path));
    sendJson(response, 200, { result: { path } });
  }

  function serveStatic(pathname: string, response: ServerResponse): void {
    if (options.staticDir === null) throw new HttpError(404, 'not found');
    const root = options.staticDir;
    let relative = decodeURIComponent(pathname);
    if (relative === '/' || relative === '') relative = '/index.html';
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) throw new HttpError(404, 'not found');
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const response of listeners) response.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      rmSync(downloads, { recursive: true, force: true });
      rmSync(uploads, { recursive: true, force: true });
    },
  };
}

/** Only this server's own names: a page on another host that resolves to 127.0.0.1 is refused. */
function checkHost(host: string | undefined, port: number): void {
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new HttpError(403, 'foreign Host header');
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

/** HTTP-level refusals (token, Host, method) read as user errors; the rest as both transports report them. */
function httpErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof HttpError) return { error: { message: error.message, user: true } };
  return errorBody(error);
}

