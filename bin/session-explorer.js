#!/usr/bin/env node
// Runs the TypeScript CLI directly (Node >= 22.18 strips types by itself; 22.12–22.17 need the flag).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../core/cli/entry.ts', import.meta.url));
if (process.features.typescript) {
  await import(main);
} else {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', main, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
