// `npm start`: build if needed, then start Electron where its binary exists, else the browser host.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-needed.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const app = spawn(process.execPath, [join(root, 'bin', 'skipwire.js'), 'start', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// A signal to this process (a supervisor's SIGTERM, not only Ctrl-C to the whole terminal group)
// reaches the app too, so stopping `npm start` never leaves the app or its server running.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => app.kill(signal));
app.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
