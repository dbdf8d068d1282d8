import { isAbsolute, join, normalize, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../core/server/app-server.ts';
import { APP_HOST, APP_SCHEME } from './security.ts';

// The renderer is served under app://session-explorer/ rather than file://: a file:// page has
// no proper origin (so the IPC sender check could not tell it from any other local file), and a
// protocol handler is where the strict CSP header can be set on every response.

/**
 * Registered before the app is ready. `standard` gives the pages an origin and relative URLs,
 * `secure` lets them use what needs a secure context, `supportFetchAPI` and `corsEnabled` let the
 * built renderer load its module scripts. Not `bypassCSP`: the policy applies to these pages.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/** The headers of every page and asset, as browser mode's server sends them (core/server/app-server.ts). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Reads a file:// URL (Electron's net.fetch, which knows the content types and reads from the asar). */
export type FetchFile = (fileUrl: string) => Promise<Response>;

/**
 * The handler of app://: files of the built renderer only — any other host, a path out of the
 * folder or a file that is not there is a 404 — with the security headers added.
 */
export function appProtocolHandler(rootDir: string, fetchFile: FetchFile): (request: Request) => Promise<Response> {
  const root = normalize(rootDir);
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return notFound();
    }
    const file = normalize(join(root, path === '/' || path === '' ? 'index.html' : path));
    const inside = relative(root, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return notFound();
    let response: Response;
    try {
      response = await fetchFile(pathToFileURL(file).href);
    } catch {
      return notFound();
    }
    if (!response.ok) return notFound();
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
    return new Response(response.body, { status: response.status, headers });
  };
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS } });
}
