import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * better-sqlite3 is a native addon built for the Node that ran `npm ci`; Electron embeds another
 * Node with another ABI, so the desktop app needs its own build of the addon. `npm start` makes
 * it once per Electron version (prebuilt download, else a compile against Electron's headers)
 * into node_modules/.cache and hands its path to the store as SKIPWIRE_SQLITE_BINDING. The
 * package's own addon is left as it is: the CLI and the browser host keep using it.
 */

export interface CommandResult {
  status: number | null;
  output: string;
}
export type RunCommand = (command: string, args: readonly string[], cwd: string) => CommandResult;

export const runCommand: RunCommand = (command, args, cwd) => {
  const r = spawnSync(command, [...args], { cwd, encoding: 'utf8', timeout: 10 * 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error === undefined ? '' : r.error.message}` };
};

function packageDir(appRoot: string): string {
  return dirname(createRequire(join(appRoot, 'package.json')).resolve('better-sqlite3/package.json'));
}

function packageVersion(dir: string): string {
  const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Where the addon for one Electron version, platform and CPU lives once built. */
export function electronSqlitePath(appRoot: string, electronVersion: string, platform: string = process.platform, arch: string = process.arch): string {
  const version = packageVersion(packageDir(appRoot));
  return join(appRoot, 'node_modules', '.cache', 'skipwire', `better-sqlite3-${version}-electron-${electronVersion}-${platform}-${arch}.node`);
}

/** node-gyp: npm's own (npm exports its path to scripts), else one installed in the project. */
function findNodeGyp(appRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  const fromNpm = env.npm_config_node_gyp;
  if (fromNpm !== undefined && fromNpm !== '' && existsSync(fromNpm)) return fromNpm;
  try {
    return createRequire(join(appRoot, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

export type PrepareResult = { ok: true; path: string; built: boolean } | { ok: false; reason: string };

export interface PrepareOptions {
  appRoot: string;
  electronVersion: string;
  env?: NodeJS.ProcessEnv;
  platform?: string;
  arch?: string;
  run?: RunCommand;
  /** The Node that runs prebuild-install and node-gyp. */
  node?: string;
}

const lastLine = (s: string): string =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-1)[0] ?? 'no output';

/**
 * The addon for this Electron: SKIPWIRE_SQLITE_BINDING when set, the cached build when there is
 * one, else built now in a scratch copy of the package (prebuild-install for Electron, falling
 * back to node-gyp with Electron's headers) and moved into the cache. Never throws: a failure
 * says why in one line, and the app then runs without its project store.
 */
export function prepareElectronSqlite(o: PrepareOptions): PrepareResult {
  const env = o.env ?? process.env;
  const given = env.SKIPWIRE_SQLITE_BINDING;
  if (given !== undefined && given !== '') return existsSync(given) ? { ok: true, path: given, built: false } : { ok: false, reason: `SKIPWIRE_SQLITE_BINDING=${given} does not exist` };
  let target: string;
  let pkg: string;
  try {
    pkg = packageDir(o.appRoot);
    target = electronSqlitePath(o.appRoot, o.electronVersion, o.platform, o.arch);
  } catch (e) {
    return { ok: false, reason: `better-sqlite3 is not installed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): run npm ci` };
  }
  if (existsSync(target)) return { ok: true, path: target, built: false };
  const run = o.run ?? runCommand;
  const node = o.node ?? process.execPath;
  const arch = o.arch ?? process.arch;
  const scratch = mkdtempSync(join(tmpdir(), 'skipwire-sqlite-electron-'));
  try {
    const copy = join(scratch, 'better-sqlite3');
    cpSync(pkg, copy, { recursive: true, filter: (src) => !src.startsWith(join(pkg, 'build')) });
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
    const attempts: string[] = [];
    let prebuild: string | undefined;
    try {
      prebuild = createRequire(join(pkg, 'package.json')).resolve('prebuild-install/bin.js');
    } catch {
      attempts.push('prebuild-install: not installed');
    }
    if (prebuild !== undefined) {
      const r = run(node, [prebuild, '--runtime', 'electron', '--target', o.electronVersion, '--arch', arch], copy);
      if (r.status !== 0 || !existsSync(built)) attempts.push(`prebuilt download: ${lastLine(r.output)}`);
    }
    if (!existsSync(built)) {
      const gyp = findNodeGyp(o.appRoot, env);
      if (gyp === undefined) attempts.push('node-gyp: not found');
      else {
        const r = run(node, [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${o.electronVersion}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'], copy);
        if (r.status !== 0 || !existsSync(built)) attempts.push(`compile against Electron's headers: ${lastLine(r.output)}`);
      }
    }
    if (!existsSync(built)) return { ok: false, reason: `could not build SQLite (better-sqlite3) for Electron ${o.electronVersion}: ${attempts.join('; ')}` };
    mkdirSync(dirname(target), { recursive: true });
    // Copied beside the target, then renamed: a half-copied addon never sits at the cached path.
    copyFileSync(built, `${target}.partial`);
    renameSync(`${target}.partial`, target);
    return { ok: true, path: target, built: true };
  } catch (e) {
    return { ok: false, reason: `could not build SQLite (better-sqlite3) for Electron ${o.electronVersion}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
