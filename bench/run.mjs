#!/usr/bin/env node
// Runs a TypeScript benchmark: `node bench/run.mjs bench/conv.ts [args]`. Node 20 cannot run .ts
// itself, so the entry is bundled with Vite (a dev dependency; packages stay external) into a
// temporary folder under node_modules/.cache and imported from there.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const entry = process.argv[2];
if (entry === undefined) {
  process.stderr.write('usage: node bench/run.mjs bench/<name>.ts [args]\n');
  process.exit(2);
}
// Inside the project (in an ignored cache folder) so the bundle's package imports resolve.
const cache = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'skipwire-bench');
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(join(cache, 'run-'));
try {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: resolve(entry),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: '[name].mjs' } },
    },
  });
  process.argv.splice(2, 1);
  await import(pathToFileURL(join(outDir, basename(entry).replace(/\.ts$/, '.mjs'))).href);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
