import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// `npm run build:electron`: the main process and the preload, into dist-electron/.
//   main.js            ESM (package.json is "type": "module"; Electron 45 loads an ESM main),
//                      with the core bundled in and npm packages left to node_modules, which ship
//                      with the app (better-sqlite3 is native and cannot be bundled anyway);
//   csv-worker.js, id-gather-worker.js
//                      the worker threads the core starts by URL, as entries of the same build;
//   preload.cjs        one CommonJS file requiring nothing but 'electron': a sandboxed preload
//                      cannot load other files, nor ESM. (.cjs, because under "type": "module"
//                      a .js file would be taken for ESM wherever Node loads it.)

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The core starts worker threads as `new Worker(new URL('./NAME.ts', import.meta.url))`, which
 * runs the TypeScript source beside the module. In the bundle each worker is an entry built to
 * NAME.js in the same folder as every chunk, so the URL only needs its extension changed. A
 * worker not listed here fails the build rather than the app.
 */
const WORKERS: Record<string, string> = {
  'csv-worker': 'core/sources/csv-worker.ts',
  'id-gather-worker': 'core/cache/id-gather-worker.ts',
};
const WORKER_URL = /new\s+URL\(\s*(['"])\.\/([\w.-]+)\.ts\1\s*,\s*import\.meta\.url\s*\)/g;

export function builtWorkerUrls(): Plugin {
  return {
    name: 'session-explorer:built-worker-urls',
    transform(code, id) {
      if (!code.includes('import.meta.url')) return null;
      let changed = false;
      const rewritten = code.replace(WORKER_URL, (_match, _quote: string, name: string) => {
        if (!Object.hasOwn(WORKERS, name)) this.error(`${id} starts ./${name}.ts, which electron/vite.config.ts does not build: add it to WORKERS`);
        changed = true;
        return `new URL('./${name}.js', import.meta.url)`;
      });
      return changed ? { code: rewritten, map: null } : null;
    },
  };
}

/** A bare import (an npm package, Node or Electron): left to the runtime. */
const isPackage = (id: string) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);


export default defineConfig({
  root,
  // The renderer has its own config; nothing here is a web page.
  publicDir: false,
  logLevel: 'warn',
  plugins: [builtWorkerUrls()],
  // Shared by both environments; `--outDir` on the command line moves both (the tests build to a temporary folder).
  build: { outDir: 'dist-electron', target: 'node22', minify: false, sourcemap: true, reportCompressedSize: false },
  builder: {
    async buildApp(builder) {
      await builder.build(builder.environments.main);
      await builder.build(builder.environments.preload);
    },
  },
  environments: {
    main: {
      consumer: 'server',
      build: {
        emptyOutDir: true,
        rolldownOptions: {
          input: { main: 'electron/main.ts', ...WORKERS },
          external: isPackage,
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    },
    preload: {
      consumer: 'server',
      build: {
        emptyOutDir: false,
        rolldownOptions: {
          input: { preload: 'electron/preload.ts' },
          // Everything else, the contract's constants included, is inlined (a Node module
          // would not load in the sandbox, so it is not left external either).
          external: ['electron'],
          output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
        },
      },
    },
  },
});
