import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// SPEC §4: core imports nothing from Electron or the DOM; renderer nothing from Node.
const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  let files: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return files;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) files = files.concat(sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry)) files.push(path);
  }
  return files;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specifiers.push(m[1] ?? m[2] ?? m[3]);
  }
  return specifiers;
}

const nodeModules = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

test('core imports nothing from Electron, the renderer or the DOM', () => {
  const files = sourceFiles('core');
  assert.ok(files.length > 10, 'core has sources');
  for (const file of files) {
    for (const spec of importsOf(file)) {
      assert.ok(!/^electron(\/|$)/.test(spec), `${file} imports ${spec}`);
      assert.ok(!spec.includes('/renderer/') && !spec.includes('/electron/'), `${file} imports ${spec}`);
      assert.ok(!/^react(-dom)?(\/|$)/.test(spec), `${file} imports ${spec}`);
    }
    const text = readFileSync(join(root, file), 'utf8');
    assert.ok(!/\b(document|window|localStorage|HTMLElement)\s*[.[]/.test(text), `${file} touches the DOM`);
  }
});

test('renderer imports nothing from Node or the native cache', () => {
  for (const file of sourceFiles('renderer')) {
    for (const spec of importsOf(file)) {
      assert.ok(!nodeModules.has(spec), `${relative(root, file)} imports Node's ${spec}`);
      assert.ok(!/^(better-sqlite3|electron)(\/|$)/.test(spec), `${file} imports ${spec}`);
      // Of the core, only the API's declaration: the renderer talks to the core through a client.
      if (spec.includes('/core/')) assert.ok(spec.endsWith('/core/api/contract.ts'), `${file} imports ${spec}`);
    }
  }
});

test('the check itself sees imports', () => {
  const specs = importsOf('core/cli/main.ts');
  assert.ok(specs.includes('commander'));
  assert.ok(specs.some((s) => s.startsWith('node:')));
});

test('the API declaration stays free of Node, so the renderer can import it', () => {
  const specs = importsOf('core/api/contract.ts');
  assert.deepEqual(specs.filter((s) => nodeModules.has(s) || !s.startsWith('.')), []);
});

test('electron/ holds no SQL and reaches the core only through the API and the server', () => {
  for (const file of sourceFiles('electron')) {
    const text = readFileSync(join(root, file), 'utf8');
    assert.doesNotMatch(text, /\b(SELECT|INSERT|UPDATE|DELETE)\s+[\w*]/, `${file} holds SQL`);
    for (const spec of importsOf(file)) {
      if (spec.includes('/core/')) assert.match(spec, /\/core\/(api|server|util)\//, `${file} imports ${spec}`);
    }
  }
});
