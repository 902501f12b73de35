import { defineConfig } from 'vitest/config';

// One build serves the local run and a deployment: everything environment-specific is read at
// runtime from /config.json, so nothing here depends on where the page is served.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0 },
  test: { environment: 'happy-dom', include: ['test/**/*.test.ts'] },
});
