#!/usr/bin/env node
// The `skipwire` command: runs the built CLI (out/main/cli.js). `npm ci` builds it (prepare).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`skipwire: the app is not built (${cli} is missing): run \`npm run build\` in ${root}\n`);
  process.exit(1);
}
const { run } = await import(pathToFileURL(cli).href);
const code = await run(process.argv.slice(2));
if (code !== 0) process.exit(code);
