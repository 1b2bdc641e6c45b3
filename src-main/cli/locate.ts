import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json and out/ live), found by walking up from this file. */
export function findAppRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src-main'))) return dir;
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'out', 'main'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find Skipwire's folder above ${from}`);
    dir = up;
  }
}

/** The built renderer (index.html and assets), or a clear error saying how to build it. */
export function findRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.SKIPWIRE_RENDERER_DIR;
  if (override !== undefined && override !== '') {
    if (!existsSync(join(override, 'index.html'))) throw new Error(`SKIPWIRE_RENDERER_DIR=${override} has no index.html`);
    return override;
  }
  const dir = join(findAppRoot(), 'out', 'renderer');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the app is not built (${dir}/index.html is missing): run npm run build`);
  return dir;
}
