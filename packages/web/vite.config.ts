import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// One app.js + app.css with fixed names: `netpol serve` serves them, `netpol report` inlines
// them into one HTML file; the engine worker is inlined too (a blob: worker runs from file://).
export default defineConfig({
  base: './',
  plugins: [react()],
  // Classic (iife), not module: chromium refuses a module worker from a blob: URL under file://.
  worker: { format: 'iife' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: '',
    modulePreload: false,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      checks: { pluginTimings: false },
      // One app.js: a dynamic import (the editor's views, evaluated when first shown) is
      // inlined, its modules wrapped to run when imported.
      output: { entryFileNames: 'app.js', assetFileNames: 'app[extname]', codeSplitting: false },
    },
  },
});
