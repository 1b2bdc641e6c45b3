import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary =
  | { readonly found: true; readonly path: string; readonly version: string }
  | { readonly found: false; readonly reason: string };

/**
 * Finds Electron's executable WITHOUT requiring the `electron` package: since Electron 45 its
 * index.js downloads the binary on first require, which cannot work on machines without access
 * to Electron's download host. We read the same files it would (path.txt, dist/) instead.
 */
export function findElectronBinary(
  env: NodeJS.ProcessEnv = process.env,
  resolveFrom: string = import.meta.url,
): ElectronBinary {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(resolveFrom).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed (npm ci installs it as a dev dependency)' };
  }
  let version = 'unknown';
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') version = pkg.version;
  } catch {
    /* version stays unknown */
  }
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const p = join(override, rel ?? 'electron');
    return isExecutableFile(p)
      ? { found: true, path: p, version }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${p} is not an executable file` };
  }
  if (rel === undefined || rel === '') {
    return {
      found: false,
      reason: `Electron ${version}'s binary is not installed (${pathFile} is missing: its download did not happen on this machine)`,
    };
  }
  const p = join(pkgDir, 'dist', rel);
  if (!isExecutableFile(p)) return { found: false, reason: `Electron ${version}'s binary is missing at ${p}` };
  return { found: true, path: p, version };
}

function isExecutableFile(p: string): boolean {
  try {
    const s = statSync(p);
    return s.isFile() && (process.platform === 'win32' || (s.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
