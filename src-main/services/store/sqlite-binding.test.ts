import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { DB_FILE, sqlite } from './open.js';
import { Store } from './store.js';
import { chainDocument, sha256File, tempDir } from './test-helpers.js';

/** The package's own addon (built for this Node): standing in for one built for Electron's ABI. */
const packagedAddon = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

const saved = process.env.SKIPWIRE_SQLITE_BINDING;
let dir = '';
let cleanup = (): void => {};
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => {
  cleanup();
  if (saved === undefined) delete process.env.SKIPWIRE_SQLITE_BINDING;
  else process.env.SKIPWIRE_SQLITE_BINDING = saved;
});

describe('SKIPWIRE_SQLITE_BINDING (the addon npm start builds for Electron)', () => {
  it('opens connections with the named addon instead of the package’s', () => {
    const copy = join(dir, 'electron-abi', 'better_sqlite3.node');
    mkdirSync(dirname(copy));
    copyFileSync(packagedAddon, copy);
    const Database = sqlite({ SKIPWIRE_SQLITE_BINDING: copy });
    const db = new Database(':memory:');
    expect(db.prepare('select 40 + 2 as v').get()).toEqual({ v: 42 });
    db.close();
    // The copy is what was loaded (Node keeps it in its module cache under its own path).
    expect(Object.keys(createRequire(import.meta.url).cache)).toContain(copy);
  });

  it('a store opened with it keeps working: create, save, reopen', () => {
    const copy = join(dir, 'better_sqlite3.node');
    copyFileSync(packagedAddon, copy);
    process.env.SKIPWIRE_SQLITE_BINDING = copy;
    const store = Store.open(join(dir, 'data'));
    const p = store.createProject('Bound', chainDocument(3));
    store.close();
    const again = Store.open(join(dir, 'data'));
    expect(again.listProjects({}).map((x) => x.name)).toEqual([p.name]);
    again.close();
  });

  it('a file that is not an addon fails the store with one line naming it, and the store file is untouched', () => {
    const data = join(dir, 'data');
    const good = Store.open(data);
    good.createProject('Kept', chainDocument(2));
    good.close();
    const before = sha256File(join(data, DB_FILE));
    const bad = join(dir, 'not-an-addon.node');
    writeFileSync(bad, 'this is not a shared library');
    process.env.SKIPWIRE_SQLITE_BINDING = bad;
    let error: unknown;
    try {
      Store.open(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(String((error as Error).message)).toMatch(/cannot load SQLite .*SKIPWIRE_SQLITE_BINDING=.*not-an-addon\.node/);
    expect(String((error as Error).message)).not.toContain('\n');
    expect(sha256File(join(data, DB_FILE))).toBe(before);
  });
});
