import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = join('src-main', 'services', 'trainer', 'worker.ts');

/** The repository root: up from this file (or from a bundle of it under node_modules/.cache), else the working directory. */
function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ENTRY))) return dir;
    if (dirname(dir) === dir) break;
  }
  if (existsSync(join(process.cwd(), ENTRY))) return process.cwd();
  throw new Error(`cannot find ${ENTRY} above ${fileURLToPath(import.meta.url)} or in ${process.cwd()}`);
}

/**
 * Development only (tests and benches; the app uses the worker electron-vite built): bundles
 * worker.ts with rolldown — packages stay external, so tfjs and its wasm files load from
 * node_modules — into node_modules/.cache/skipwire-trainer/<hash of the sources>/, reusing an
 * earlier bundle of the same sources. Returns the script's path.
 */
export function bundleWorker(): Promise<string> {
  return bundleScript(ENTRY, 'trainer-worker');
}

/** The same for another TypeScript entry of this repository (`entry` relative to its root): a runnable .mjs. */
export async function bundleScript(entry: string, name: string): Promise<string> {
  const root = repoRoot();
  const hash = createHash('sha1');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        const s = statSync(p);
        hash.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(join(root, 'src-main'));
  walk(join(root, 'src-shared'));
  const cache = join(root, 'node_modules', '.cache', 'skipwire-trainer');
  hash.update(`entry ${entry}`);
  const dir = join(cache, hash.digest('hex').slice(0, 16));
  const file = join(dir, `${name}.mjs`);
  if (existsSync(file)) return file;
  mkdirSync(cache, { recursive: true });
  // Bundles of older sources are dropped after a day.
  for (const e of readdirSync(cache, { withFileTypes: true })) {
    const p = join(cache, e.name);
    if (e.isDirectory() && Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { recursive: true, force: true });
  }
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const { build } = await import('rolldown');
  await build({
    input: join(root, entry),
    platform: 'node',
    logLevel: 'silent',
    external: (id: string) => !id.startsWith('.') && !id.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(id),
    output: { file: join(tmp, `${name}.mjs`), format: 'esm' },
  });
  try {
    renameSync(tmp, dir);
  } catch {
    // Another test file bundled the same sources at the same time: theirs is as good.
    rmSync(tmp, { recursive: true, force: true });
  }
  return file;
}
