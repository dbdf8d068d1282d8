import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build:renderer`: the React UI into renderer/dist, which both hosts load — the
// Electron window (app://session-explorer/) and browser mode's server (`session-explorer serve`).
// Relative asset URLs (base './') so the build works under any origin or path, file:// included.
export default defineConfig({
  // import.meta.dirname rather than node:path: nothing under renderer/ imports Node (test/architecture.test.ts).
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    // One script and one stylesheet, no inline code: the pages' CSP allows 'self' scripts only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
