// The console's Vite build (Preact, relative asset URLs) and its dev server, proxying the API to `npm start`.

import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * `npx vite console` develops against a running `npm start`: API calls are proxied to 4242, so
 * the console keeps talking to the same origin it uses when the local server hosts it.
 */
export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the same build works at / locally and under any CloudFront path.
  base: './',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: true })],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 400 },
  server: {
    proxy: {
      '/api': 'http://localhost:4242',
      '/ofrep': 'http://localhost:4242',
    },
  },
});
