// Builds the app (electron-vite build) unless out/ is newer than every source file.
// Used by `npm ci` (prepare) and `npm start`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['out/main/main.js', 'out/main/cli.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];
const stamp = join(root, 'out', '.build-stamp');
const inputs = ['src-main', 'src-shared', 'src-renderer', 'resources', 'package.json', 'package-lock.json', 'electron.vite.config.ts'];

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== 'node_modules') m = Math.max(m, newest(join(p, e)));
  return m;
}

const fresh =
  outputs.every((o) => existsSync(join(root, o))) &&
  existsSync(stamp) &&
  statSync(stamp).mtimeMs >= Math.max(...inputs.map((i) => newest(join(root, i))));

if (fresh) {
  if (process.argv.includes('--verbose')) console.log('skipwire: build is up to date');
} else if (!existsSync(join(root, 'node_modules', 'electron-vite'))) {
  console.log('skipwire: electron-vite is not installed (production install?); skipping the build');
} else {
  console.log('skipwire: building the app (electron-vite build)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('skipwire: the build failed (see above)');
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, new Date().toISOString() + '\n');
}
