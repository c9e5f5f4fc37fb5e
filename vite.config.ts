/**
 * The dashboard's build: src/web → dist/web, served by `revline serve` from the same origin as the API
 * (so the session cookie and CSRF header need no cross-origin set-up). `npm run dev:web` serves it with
 * hot reload and proxies /api to a running `revline serve`.
 */

import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  base: '/',
  publicDir: 'public',
  // React's automatic runtime, compiled by Vite's own transformer (no plugin needed for a build).
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: '../../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:4600' } },
});
