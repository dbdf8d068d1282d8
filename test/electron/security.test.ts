// The window's security settings (SPEC §6) against a fake Electron: webPreferences, navigation,
// new windows and external links, permissions, remote requests, and the app:// protocol that
// serves the renderer with the same CSP as browser mode.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../core/server/app-server.ts';
import { APP_SCHEME_PRIVILEGES, appProtocolHandler } from '../../electron/app-protocol.ts';
import {
  APP_URL, REMOTE_URL_PATTERNS, hardenContents, hardenSession, isAppUrl, isExternalLink, secureWebPreferences,
} from '../../electron/security.ts';
import { tempDir } from '../support/cli.ts';
import { FakeSession, FakeWebContents, navigationEvent } from './support/fake-electron.ts';

describe('webPreferences', () => {
  test('isolate and sandbox the page, with no Node, webviews or insecure content', () => {
    const prefs = secureWebPreferences('/app/dist-electron/preload.cjs');
    assert.equal(prefs.preload, '/app/dist-electron/preload.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.experimentalFeatures, false);
  });
});

describe('navigation, new windows and links', () => {
  const opened: string[] = [];
  const contents = new FakeWebContents();
  hardenContents(contents, (url) => opened.push(url));
  const navigate = (kind: 'will-navigate' | 'will-redirect', url: string) => {
    const event = navigationEvent();
    contents.emit(kind, event, url);
    return event.prevented;
  };

  test('every navigation and redirect is stopped, even to the app itself', () => {
    opened.length = 0;
    for (const url of [APP_URL, 'app://session-explorer/other.html', 'https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      assert.equal(navigate('will-navigate', url), true, url);
      assert.equal(navigate('will-redirect', url), true, url);
    }
    // A clicked http(s) link goes to the browser; nothing else leaves the app.
    assert.deepEqual(opened, ['https://example.com/']);
  });

  test('window.open is denied; http(s) links go to the browser, other schemes nowhere', () => {
    opened.length = 0;
    const handler = contents.windowOpenHandler!;
    const urls = ['https://example.com/docs', 'http://localhost:8080/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'app://session-explorer/index.html', 'not a url'];
    for (const url of urls) assert.deepEqual(handler({ url }), { action: 'deny' }, url);
    assert.deepEqual(opened, ['https://example.com/docs', 'http://localhost:8080/']);
  });

  test('webviews are never attached', () => {
    const event = navigationEvent();
    contents.emit('will-attach-webview', event, {}, {});
    assert.equal(event.prevented, true);
    assert.equal(contents.count('will-attach-webview'), 1);
  });

  test('a link the browser cannot open does not break the app', async () => {
    const failing = new FakeWebContents();
    hardenContents(failing, () => Promise.reject(new Error('no browser')));
    assert.deepEqual(failing.windowOpenHandler!({ url: 'https://example.com/' }), { action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
  });

  test('URL classification', () => {
    assert.equal(isAppUrl(APP_URL), true);
    assert.equal(isAppUrl('app://session-explorer/assets/index.js'), true);
    for (const url of ['app://evil/index.html', 'https://session-explorer/index.html', 'file:///index.html', '', 'garbage']) assert.equal(isAppUrl(url), false, url);
    assert.equal(isExternalLink('https://a.example/'), true);
    assert.equal(isExternalLink('HTTP://A.EXAMPLE/'), true);
    for (const url of ['file:///x', 'ftp://a/', 'mailto:a@b.c', 'javascript:void 0', 'app://session-explorer/']) assert.equal(isExternalLink(url), false, url);
  });
});

describe('the session', () => {
  const session = new FakeSession();
  hardenSession(session);

  test('denies every permission request and check', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: boolean | null = null;
      session.permissionRequestHandler!({}, permission, (g) => (granted = g));
      assert.equal(granted, false, permission);
    }
    assert.equal(session.permissionCheckHandler!(), false);
  });

  test('cancels every request to the network', () => {
    assert.deepEqual(session.beforeRequest!.filter.urls, REMOTE_URL_PATTERNS);
    for (const scheme of ['http', 'https', 'ws', 'wss']) assert.ok(REMOTE_URL_PATTERNS.includes(`${scheme}://*/*`), scheme);
    let response: { cancel: boolean } | null = null;
    session.beforeRequest!.listener({ url: 'https://tracker.example/pixel.gif' }, (r) => (response = r));
    assert.deepEqual(response, { cancel: true });
  });
});

describe('the app:// protocol', () => {
  const root = tempDir('electron-protocol-');
  mkdirSync(join(root, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(root, 'dist', 'index.html'), '<!doctype html><title>Session Explorer</title>');
  writeFileSync(join(root, 'dist', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'not for the page');
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const fetched: string[] = [];
  // Stands in for Electron's net.fetch of a file:// URL.
  const fetchFile = async (url: string) => {
    fetched.push(url);
    const path = fileURLToPath(url);
    return new Response(readFileSync(path), { headers: { 'content-type': types[extname(path)] ?? 'application/octet-stream' } });
  };
  const serve = appProtocolHandler(join(root, 'dist'), fetchFile);
  const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

  test('serves the built renderer with the strict CSP of browser mode', async () => {
    for (const url of ['app://session-explorer/', APP_URL]) {
      const response = await get(url);
      assert.equal(response.status, 200, url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('content-type'), 'text/html');
      assert.match(await response.text(), /Session Explorer/);
    }
    const script = await get('app://session-explorer/assets/app.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  });

  test('the policy allows nothing but the app itself', () => {
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.match(CONTENT_SECURITY_POLICY, /object-src 'none'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|https?:|\*/);
  });

  test('nothing outside the folder, on another host, missing, or written to', async () => {
    fetched.length = 0;
    for (const url of [
      'app://session-explorer/../secret.txt',
      'app://session-explorer/%2e%2e/secret.txt',
      'app://session-explorer/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://session-explorer/%E0%A4%A',
      'app://other-host/index.html',
      'app://session-explorer/missing.js',
    ]) {
      const response = await get(url);
      assert.equal(response.status, 404, url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    }
    assert.equal((await get(APP_URL, 'POST')).status, 404);
    // Only files of the folder were ever read (a URL's `..` stays inside it, or is refused).
    assert.ok(fetched.every((url) => fileURLToPath(url).startsWith(join(root, 'dist') + sep)), fetched.join(' '));
  });

  test('the scheme is standard and secure, and does not bypass the CSP', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.secure, true);
    assert.equal('bypassCSP' in APP_SCHEME_PRIVILEGES.privileges, false);
  });
});
