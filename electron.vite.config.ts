import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        // The Electron main process and the headless CLI share the services; neither bundles the other.
        // The training worker is its own entry: out/main/trainer-worker.js, found next to them at run time.
        input: {
          main: resolve('src-main/electron/main.ts'),
          cli: resolve('src-main/cli.ts'),
          'trainer-worker': resolve('src-main/services/trainer/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot load ES modules or node_modules: one self-contained CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve('src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      minify: true,
      sourcemap: true,
      rolldownOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
