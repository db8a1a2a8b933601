import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { grafanaAssets } from './vite/grafanaAssets.ts';

const shim = (name: string) => fileURLToPath(new URL(`./src/shims/${name}.ts`, import.meta.url));

export default defineConfig({
  // Relative asset URLs: the page is served by `meshkit-obs serve` from its root,
  // but nothing here should depend on the mount point.
  base: './',
  plugins: [react(), grafanaAssets()],
  resolve: {
    // Trap 1: Vite 8 hands these CJS packages' module namespace to @grafana/ui's
    // default imports (React error #130). Route the bare specifiers to local shims
    // that re-export the real default. Exact-match regexes so the shims' own deep
    // imports ('react-custom-scrollbars-2/lib/index.js') are not re-aliased.
    alias: [
      { find: /^react-custom-scrollbars-2$/, replacement: shim('react-custom-scrollbars-2') },
      { find: /^react-highlight-words$/, replacement: shim('react-highlight-words') },
      { find: /^calculate-size$/, replacement: shim('calculate-size') },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // @grafana/ui is large by nature (~2.5 MB main chunk); don't warn about it.
    chunkSizeWarningLimit: 4000,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/testSetup.ts'],
    // @grafana/data ships ESM that imports CommonJS moment-timezone by name; let Vite transform
    // it instead of Node.
    server: { deps: { inline: [/@grafana\/data/] } },
  },
});
