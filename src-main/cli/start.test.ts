import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { start } from './start.js';

/**
 * `start` where an Electron binary exists. Electron cannot run on the build machines, so an
 * executable that records how it was started stands in for it (ELECTRON_OVERRIDE_DIST_PATH is
 * Electron's own way to point at another build).
 */
let dir = '';
const keys = ['ELECTRON_OVERRIDE_DIST_PATH', 'SKIPWIRE_SQLITE_BINDING', 'SKIPWIRE_FORCE_BROWSER'] as const;
const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skipwire-start-'));
  const fake = join(dir, 'electron');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n%s\\n' "$1" "$SKIPWIRE_SQLITE_BINDING" > "${join(dir, 'started')}"\nexit 3\n`);
  chmodSync(fake, 0o755);
  process.env.ELECTRON_OVERRIDE_DIST_PATH = dir;
  delete process.env.SKIPWIRE_FORCE_BROWSER;
});
afterEach(() => {
  for (const k of keys) {
    const v = saved[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = 0;
});

describe('skipwire start with an Electron binary', () => {
  it.skipIf(process.platform === 'win32')('starts Electron on the app folder with the SQLite addon built for it, and passes on its exit code', async () => {
    const addon = join(dir, 'better_sqlite3-electron.node');
    writeFileSync(addon, 'addon');
    process.env.SKIPWIRE_SQLITE_BINDING = addon;
    const outs: string[] = [];
    const errs: string[] = [];
    await start({ port: 0, open: false, json: false }, { out: (l) => outs.push(l), err: (l) => errs.push(l) });
    const [appArg, binding] = readFileSync(join(dir, 'started'), 'utf8').split('\n');
    expect(appArg).toBe(process.cwd());
    expect(binding).toBe(addon);
    expect(outs.some((l) => l.startsWith('Starting Skipwire in Electron'))).toBe(true);
    expect(errs).toEqual([]);
    expect(process.exitCode).toBe(3);
  });

  it.skipIf(process.platform === 'win32')('when the addon cannot be had, says why in one line and still starts the app', async () => {
    process.env.SKIPWIRE_SQLITE_BINDING = join(dir, 'missing.node');
    const errs: string[] = [];
    await start({ port: 0, open: false, json: false }, { out: () => {}, err: (l) => errs.push(l) });
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^Warning: SKIPWIRE_SQLITE_BINDING=.*missing\.node does not exist\. The desktop app starts without its project store; .*SKIPWIRE_FORCE_BROWSER=1 npm start$/);
    const [, binding] = readFileSync(join(dir, 'started'), 'utf8').split('\n');
    // The broken value is passed on unchanged; the store then says it cannot load SQLite.
    expect(binding).toBe(join(dir, 'missing.node'));
  });
});
