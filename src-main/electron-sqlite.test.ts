import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronSqlitePath, prepareElectronSqlite } from './electron-sqlite.js';
import type { RunCommand } from './electron-sqlite.js';

/** A project folder with a better-sqlite3 package (its own Node addon in build/) and prebuild-install. */
let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'skipwire-electron-sqlite-'));
  writeFileSync(join(root, 'package.json'), '{"name":"app"}');
  const pkg = join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
  mkdirSync(join(pkg, 'lib'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{"name":"better-sqlite3","version":"12.11.1","main":"lib/index.js"}');
  writeFileSync(join(pkg, 'lib', 'index.js'), 'module.exports = {};');
  writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'node-abi addon');
  mkdirSync(join(root, 'node_modules', 'prebuild-install'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'prebuild-install', 'package.json'), '{"name":"prebuild-install","version":"7.1.3"}');
  writeFileSync(join(root, 'node_modules', 'prebuild-install', 'bin.js'), '');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const NO_ENV: NodeJS.ProcessEnv = {};

/** Records each command; `make` says which ones produce the addon in their working folder. */
function runner(make: (args: readonly string[]) => boolean, output: (args: readonly string[]) => string = () => 'ERR! 404 Not Found'): { run: RunCommand; calls: { args: readonly string[]; cwd: string; hadOwnBuild: boolean }[] } {
  const calls: { args: readonly string[]; cwd: string; hadOwnBuild: boolean }[] = [];
  const run: RunCommand = (_command, args, cwd) => {
    calls.push({ args, cwd, hadOwnBuild: existsSync(join(cwd, 'build', 'Release', 'better_sqlite3.node')) });
    if (!make(args)) return { status: 1, output: output(args) };
    mkdirSync(join(cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(join(cwd, 'build', 'Release', 'better_sqlite3.node'), `electron addon from ${args[1] === 'rebuild' ? 'node-gyp' : 'prebuild'}`);
    return { status: 0, output: '' };
  };
  return { run, calls };
}

describe('prepareElectronSqlite', () => {
  it('downloads the prebuilt addon for Electron into the cache, leaving the package’s own addon alone', () => {
    const { run, calls } = runner((args) => args.includes('--runtime'));
    const r = prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: NO_ENV, platform: 'linux', arch: 'x64', run });
    const target = electronSqlitePath(root, '45.4.1', 'linux', 'x64');
    expect(r).toEqual({ ok: true, path: target, built: true });
    expect(target).toMatch(/better-sqlite3-12\.11\.1-electron-45\.4\.1-linux-x64\.node$/);
    expect(readFileSync(target, 'utf8')).toBe('electron addon from prebuild');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.slice(1)).toEqual(['--runtime', 'electron', '--target', '45.4.1', '--arch', 'x64']);
    // It worked in a scratch copy without the Node build, now removed; the package is as it was.
    expect(calls[0]?.hadOwnBuild).toBe(false);
    expect(existsSync(calls[0]?.cwd ?? '')).toBe(false);
    expect(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('node-abi addon');
  });

  it('uses the cached addon next time without running anything', () => {
    const first = runner(() => true);
    prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: NO_ENV, run: first.run });
    const again = runner(() => true);
    const r = prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: NO_ENV, run: again.run });
    expect(r).toMatchObject({ ok: true, built: false });
    expect(again.calls).toHaveLength(0);
    // Another Electron version is another addon.
    const other = runner(() => true);
    expect(prepareElectronSqlite({ appRoot: root, electronVersion: '46.0.0', env: NO_ENV, run: other.run })).toMatchObject({ ok: true, built: true });
    expect(other.calls).toHaveLength(1);
  });

  it('compiles against Electron’s headers with npm’s node-gyp when no prebuilt addon downloads', () => {
    const gyp = join(root, 'node-gyp.js');
    writeFileSync(gyp, '');
    const { run, calls } = runner((args) => args[1] === 'rebuild');
    const r = prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: { npm_config_node_gyp: gyp }, arch: 'arm64', run });
    expect(r).toMatchObject({ ok: true, built: true });
    expect(calls.map((c) => c.args[0])).toEqual([join(root, 'node_modules', 'prebuild-install', 'bin.js'), gyp]);
    expect(calls[1]?.args).toContain('--runtime=electron');
    expect(calls[1]?.args).toContain('--target=45.4.1');
    expect(calls[1]?.args).toContain('--arch=arm64');
    expect(calls[1]?.args).toContain('--dist-url=https://electronjs.org/headers');
    if (r.ok) expect(readFileSync(r.path, 'utf8')).toBe('electron addon from node-gyp');
  });

  it('says in one line why it could not, and caches nothing', () => {
    const gyp = join(root, 'node-gyp.js');
    writeFileSync(gyp, '');
    const { run } = runner(
      () => false,
      (args) => (args[1] === 'rebuild' ? 'gyp info\ngyp ERR! connect ENETUNREACH electronjs.org\n' : 'prebuild-install warn install\nERR! 404 Not Found\n'),
    );
    const r = prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: { npm_config_node_gyp: gyp }, run });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/^could not build SQLite \(better-sqlite3\) for Electron 45\.4\.1: prebuilt download: ERR! 404 Not Found; compile against Electron's headers: gyp ERR! connect ENETUNREACH electronjs\.org$/);
      expect(r.reason).not.toContain('\n');
    }
    expect(existsSync(electronSqlitePath(root, '45.4.1'))).toBe(false);
  });

  it('SKIPWIRE_SQLITE_BINDING wins when it names a file, and is refused when it does not', () => {
    const given = join(root, 'mine.node');
    writeFileSync(given, 'x');
    const { run, calls } = runner(() => true);
    expect(prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: { SKIPWIRE_SQLITE_BINDING: given }, run })).toEqual({ ok: true, path: given, built: false });
    expect(prepareElectronSqlite({ appRoot: root, electronVersion: '45.4.1', env: { SKIPWIRE_SQLITE_BINDING: join(root, 'missing.node') }, run })).toMatchObject({ ok: false });
    expect(calls).toHaveLength(0);
  });
});
