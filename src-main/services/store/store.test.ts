import { existsSync, mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from './errors.js';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from './migrations.js';
import { DB_FILE, inspectHeader } from './open.js';
import { Store } from './store.js';
import { chainDocument, sha256File, tempDir } from './test-helpers.js';

let dir: string;
let cleanup: () => void;
const open: Store[] = [];
const openStore = (d = dir, o?: Parameters<typeof Store.open>[1]): Store => {
  const s = Store.open(d, o);
  open.push(s);
  return s;
};

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  cleanup();
});

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
}

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error('expected a StoreError');
}

describe('opening', () => {
  it('creates skipwire.db in WAL mode with foreign keys, FULL sync and the current schema', () => {
    const s = openStore(join(dir, 'a', 'b'));
    expect(s.path).toBe(join(dir, 'a', 'b', DB_FILE));
    expect(s.movedAside).toBeNull();
    expect(s.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.version));
    s.close();
    const raw = new Database(join(dir, 'a', 'b', DB_FILE));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['checkpoints', 'drafts', 'metrics', 'projects', 'runs', 'settings', 'versions', 'working_copies']);
    raw.close();
    const again = openStore(join(dir, 'a', 'b'));
    expect(again.migrationsApplied).toEqual([]);
    expect(again.integrityCheck()).toEqual(['ok']);
  });

  it('refuses a store written by a newer Skipwire without touching it', () => {
    const path = join(dir, DB_FILE);
    const raw = new Database(path);
    raw.pragma(`user_version = ${STORE_SCHEMA_VERSION + 5}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    const before = sha256File(path);
    const e = storeError(() => openStore());
    expect(e.kind).toBe('newer');
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/newer Skipwire \(store schema \d+, this version knows up to \d+\)/);
    expect(sha256File(path)).toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});

/** The version-1 DDL as released, frozen here: the fixture DB is built from it, not from MIGRATIONS. */
const V1_DDL = `
  CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200), created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, trashed_at INTEGER) STRICT;
  CREATE INDEX projects_by_updated ON projects (updated_at DESC);
  CREATE TABLE working_copies (project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE, revision INTEGER NOT NULL CHECK (revision >= 0), saved_at INTEGER NOT NULL, document TEXT NOT NULL CHECK (json_valid(document))) STRICT;
  CREATE TABLE versions (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE, number INTEGER NOT NULL CHECK (number >= 1), message TEXT NOT NULL, content_hash TEXT NOT NULL CHECK (length(content_hash) = 64), created_at INTEGER NOT NULL, document TEXT NOT NULL CHECK (json_valid(document)), UNIQUE (project_id, number)) STRICT;
  CREATE INDEX versions_by_hash ON versions (project_id, content_hash);
  CREATE TRIGGER versions_are_immutable BEFORE UPDATE ON versions BEGIN SELECT RAISE(ABORT, 'graph versions are immutable'); END;
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL CHECK (json_valid(value))) STRICT;
`;

/** The version-2 DDL (runs, metrics, checkpoints) as released, frozen here. */
const V2_DDL = `
  CREATE TABLE runs (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE, version_id TEXT NOT NULL REFERENCES versions (id) ON DELETE CASCADE, dataset TEXT NOT NULL, engine TEXT NOT NULL, hyperparameters TEXT NOT NULL CHECK (json_valid(hyperparameters)), status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'canceled')), created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, error TEXT) STRICT;
  CREATE INDEX runs_by_project ON runs (project_id, created_at);
  CREATE TABLE metrics (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, name TEXT NOT NULL, step INTEGER NOT NULL CHECK (step >= 0), epoch INTEGER NOT NULL CHECK (epoch >= 0), value REAL, PRIMARY KEY (run_id, name, step)) STRICT, WITHOUT ROWID;
  CREATE TABLE checkpoints (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, epoch INTEGER NOT NULL CHECK (epoch >= 0), created_at INTEGER NOT NULL, weights BLOB NOT NULL, PRIMARY KEY (run_id, epoch)) STRICT;
`;

describe('migrations', () => {
  it('migrates a version-2 fixture store: its runs, metrics and checkpoints stay, with no label, group or samples', () => {
    const path = join(dir, DB_FILE);
    const raw = new Database(path);
    raw.exec(V1_DDL);
    raw.exec(V2_DDL);
    const doc = chainDocument(2, 'v2');
    raw.prepare('INSERT INTO projects VALUES (?, ?, ?, ?, NULL)').run('p1', 'Runs project', 1000, 2000);
    raw.prepare('INSERT INTO working_copies VALUES (?, ?, ?, ?)').run('p1', 1, 2000, JSON.stringify(doc));
    raw.prepare('INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?)').run('v1', 'p1', 1, 'first', 'b'.repeat(64), 1500, JSON.stringify(doc));
    raw.prepare('INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run('r1', 'p1', 'v1', 'fashion-mnist', 'wasm', '{"epochs":2}', 'running', 1600, 1601, null, null);
    raw.prepare('INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run('r2', 'p1', 'v1', 'synthetic', 'cpu', '{"epochs":1}', 'queued', 1700, null, null, null);
    raw.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?)').run('r1', 'epoch/train_loss', 10, 1, 0.5);
    raw.prepare('INSERT INTO checkpoints VALUES (?, ?, ?, ?)').run('r1', 1, 1650, Buffer.from([9, 9]));
    raw.pragma('user_version = 2');
    raw.close();

    const s = openStore();
    expect(s.migrationsApplied).toEqual([3, 4]);
    expect(s.getRun('r1')).toMatchObject({ status: 'running', engine: 'wasm', hyperparameters: { epochs: 2 }, label: null, group: null });
    expect(s.listRunsByStatus(['running', 'paused']).map((r) => [r.id, r.owner])).toEqual([['r1', null]]);
    expect(s.listRunsByStatus(['queued']).map((r) => r.id)).toEqual(['r2']);
    expect(s.readMetrics('r1').points).toEqual([{ name: 'epoch/train_loss', step: 10, epoch: 1, value: 0.5 }]);
    expect([...s.readCheckpoint('r1', 1)]).toEqual([9, 9]);
    expect(s.readRunSamples('r1')).toBeNull();
    // Version 3's columns work on the migrated rows.
    expect(s.claimQueuedRun('r2', 'host:1')).toBe(true);
    expect(s.claimQueuedRun('r2', 'host:2')).toBe(false);
    expect(s.listRunsByStatus(['running']).map((r) => [r.id, r.owner])).toEqual([['r1', null], ['r2', 'host:1']]);
    s.saveRunSamples('r1', [{ index: 0 }]);
    expect(s.readRunSamples('r1')).toEqual([{ index: 0 }]);
    expect(s.integrityCheck()).toEqual(['ok']);
  });

  it('keeps run labels and groups, lists runs by status and by group, oldest first', () => {
    const s = openStore();
    const p = s.createProject('p', chainDocument(1));
    const v = s.versionFor(p.id, chainDocument(1), 'v');
    const mk = (label: string, group: string | null, status: 'queued' | 'done') => s.createRun({ projectId: p.id, versionId: v.id, dataset: 'd', engine: 'auto', hyperparameters: {}, status, label, group });
    const a = mk('a', 'g', 'queued');
    const b = mk('b', null, 'queued');
    const c = mk('c', 'g', 'done');
    expect(s.listRunsByGroup('g').map((r) => [r.label, r.group])).toEqual([['a', 'g'], ['c', 'g']]);
    expect(s.listRunsByStatus(['queued']).map((r) => r.id)).toEqual([a.id, b.id]);
    expect(s.listRunsByStatus([])).toEqual([]);
    expect(s.updateRun(a.id, { status: 'running', engine: 'wasm', owner: 'h:1' })).toMatchObject({ engine: 'wasm', label: 'a' });
    expect(s.listRunsByStatus(['running'])[0]?.owner).toBe('h:1');
    expect(s.listRuns(p.id).map((r) => r.id)).toEqual([a.id, b.id, c.id]);
    expect(() => s.readRunSamples('nope')).toThrow(/no run with id nope/);
  });

  it('has one numbered migration per version, in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('migrates an empty (version 0) database file', () => {
    const path = join(dir, DB_FILE);
    new Database(path).close();
    const s = openStore();
    expect(s.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('migrates a version-1 fixture store, keeping its projects, versions and settings', () => {
    const path = join(dir, DB_FILE);
    const raw = new Database(path);
    raw.exec(V1_DDL);
    const doc = chainDocument(3, 'old');
    raw.prepare('INSERT INTO projects VALUES (?, ?, ?, ?, NULL)').run('p1', 'Old project', 1000, 2000);
    raw.prepare('INSERT INTO working_copies VALUES (?, ?, ?, ?)').run('p1', 7, 2000, JSON.stringify(doc));
    raw.prepare('INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?)').run('v1', 'p1', 1, 'first', 'a'.repeat(64), 1500, JSON.stringify(doc));
    raw.prepare('INSERT INTO settings VALUES (?, ?)').run('theme', '"dark"');
    raw.pragma('user_version = 1');
    raw.close();

    const s = openStore();
    expect(s.migrationsApplied).toEqual([2, 3, 4]);
    expect(s.getProject('p1')).toMatchObject({ name: 'Old project', revision: 7, createdAt: 1000, updatedAt: 2000 });
    expect(s.readWorkingCopy('p1').document).toEqual(doc);
    expect(s.listVersions('p1').map((v) => v.message)).toEqual(['first']);
    expect(s.getSetting('theme', z.string())).toBe('dark');
    // Version 2's tables work on the migrated store, linked to the old rows.
    const run = s.createRun({ projectId: 'p1', versionId: 'v1', dataset: 'cifar10', engine: 'cpu', hyperparameters: { epochs: 1 } });
    expect(s.addMetrics(run.id, [{ name: 'loss', step: 0, epoch: 0, value: 2.3 }])).toBe(1);
    expect(s.integrityCheck()).toEqual(['ok']);
    const v = new Database(path, { readonly: true });
    expect(v.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    v.close();
  });

  it('rolls a failing migration back whole (user_version and tables unchanged)', () => {
    const path = join(dir, DB_FILE);
    const raw = new Database(path);
    raw.exec(V1_DDL);
    raw.exec('CREATE TABLE runs (x)'); // collides with migration 2
    raw.pragma('user_version = 1');
    raw.close();
    const e = storeError(() => openStore());
    expect(e.kind).toBe('io');
    expect(e.message).toContain(path);
    const v = new Database(path, { readonly: true });
    expect(v.pragma('user_version', { simple: true })).toBe(1);
    expect(v.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('metrics', 'checkpoints')").pluck().get()).toBe(0);
    v.close();
  });
});

describe('damaged store files are moved aside, never overwritten', () => {
  function expectMovedAside(s: Store, originalHash: string, reason: RegExp): string {
    const m = s.movedAside;
    expect(m).not.toBeNull();
    if (m === null) throw new Error('unreachable');
    expect(m.from).toBe(join(dir, DB_FILE));
    expect(m.to).toMatch(new RegExp(`^${join(dir, DB_FILE).replace(/[.]/g, '\\.')}\\.corrupt-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z$`));
    expect(m.reason).toMatch(reason);
    expect(sha256File(m.to)).toBe(originalHash);
    // A fresh, working store in its place.
    expect(s.listProjects()).toEqual([]);
    expect(s.integrityCheck()).toEqual(['ok']);
    s.createProject('fresh', chainDocument(1));
    expect(sha256File(m.to)).toBe(originalHash);
    return m.to;
  }

  it('garbage bytes, with a stray -wal beside them', () => {
    const path = join(dir, DB_FILE);
    const garbage = Buffer.alloc(10_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251;
    writeFileSync(path, garbage);
    writeFileSync(path + '-wal', Buffer.from('not a wal either'));
    const h = sha256File(path);
    const hw = sha256File(path + '-wal');
    const to = expectMovedAside(openStore(), h, /not a SQLite database/);
    expect(sha256File(to + '-wal')).toBe(hw);
  });

  it('a file shorter than the header', () => {
    writeFileSync(join(dir, DB_FILE), 'SQLite format 3\0short');
    const h = sha256File(join(dir, DB_FILE));
    expectMovedAside(openStore(), h, /truncated: 21 bytes/);
  });

  function bigStore(): string {
    const s = Store.open(dir);
    for (let i = 0; i < 20; i++) s.createProject(`p${i}`, chainDocument(40, `p${i}`));
    s.close();
    const path = join(dir, DB_FILE);
    expect(existsSync(path + '-wal')).toBe(false); // checkpointed on close
    return path;
  }

  it('a file cut at a page boundary', () => {
    const path = bigStore();
    const size = readFileSync(path).length;
    truncateSync(path, Math.floor(size / 2 / 4096) * 4096);
    const h = sha256File(path);
    expectMovedAside(openStore(), h, /truncated: the header says \d+ pages, the file holds \d+/);
  });

  it('a file cut mid-page', () => {
    const path = bigStore();
    truncateSync(path, 4096 * 3 + 1000);
    const h = sha256File(path);
    expectMovedAside(openStore(), h, /not a whole number of 4096-byte pages/);
  });

  it('a damaged page inside an intact-looking file (found by quick_check)', () => {
    const path = bigStore();
    const bytes = readFileSync(path);
    // Scribble over the b-tree pages after the first two (the header and schema stay valid).
    for (let i = 4096 * 2; i < bytes.length; i += 97) bytes[i] = 0xff ^ (bytes[i] ?? 0);
    writeFileSync(path, bytes);
    expect(inspectHeader(path, false)).toEqual({ ok: true });
    const h = sha256File(path);
    expectMovedAside(openStore(), h, /quick_check|malformed|damaged|corrupt/i);
  });

  it('never reuses a moved-aside name', () => {
    const path = join(dir, DB_FILE);
    const at = new Date('2030-01-02T03:04:05.678Z');
    writeFileSync(path, 'garbage one, long enough to pass the length check for sure .........................................');
    const a = openStore(dir, { now: () => at });
    a.close();
    writeFileSync(path, 'garbage two, long enough to pass the length check for sure .........................................');
    const b = openStore(dir, { now: () => at });
    expect(a.movedAside?.to).not.toBe(b.movedAside?.to);
    expect(readFileSync(a.movedAside?.to ?? '', 'utf8')).toMatch(/^garbage one/);
    expect(readFileSync(b.movedAside?.to ?? '', 'utf8')).toMatch(/^garbage two/);
  });

  it('a healthy store with a live WAL is not touched', () => {
    const s = openStore();
    const p = s.createProject('keep', chainDocument(2));
    // Another process crashed with the WAL not checkpointed: simulate by copying the files while open.
    const path = join(dir, DB_FILE);
    const copyDir = join(dir, 'copy');
    mkdirSync(copyDir);
    writeFileSync(join(copyDir, DB_FILE), readFileSync(path));
    writeFileSync(join(copyDir, DB_FILE + '-wal'), readFileSync(path + '-wal'));
    const c = openStore(copyDir);
    expect(c.movedAside).toBeNull();
    expect(c.getProject(p.id).name).toBe('keep');
  });
});

describe('a read-only or full place gives one clear line', () => {
  // We run as root, so chmod would not stop us: these paths fail for root too.
  it('a data folder under a regular file (ENOTDIR)', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const e = storeError(() => openStore(join(file, 'sub')));
    expect(e.kind).toBe('io');
    expect(e.message).toBe(`cannot create the data folder ${join(file, 'sub')} for the project store: a part of the path is a file, not a folder (${e.message.split('(').slice(1).join('(').slice(0, -1)})`);
    expect(e.message).not.toContain('\n');
  });

  it('a data folder inside /proc (not writable, even for root)', () => {
    const e = storeError(() => openStore('/proc/skipwire-test-data'));
    expect(e.kind).toBe('io');
    expect(e.message).toMatch(/^cannot create the data folder \/proc\/skipwire-test-data for the project store: /);
  });

  it('skipwire.db that is a folder', () => {
    mkdirSync(join(dir, DB_FILE));
    const e = storeError(() => openStore());
    expect(e.kind).toBe('io');
    expect(e.message).toBe(`cannot open the project store at ${join(dir, DB_FILE)}: it is not a regular file`);
  });

  it('a full disk refuses the save, keeps the last saved copy and the store usable', () => {
    const s = openStore(dir, { maxPageCount: 40 });
    const p = s.createProject('full', chainDocument(2));
    const big = chainDocument(2);
    big.meta.description = 'x'.repeat(9000);
    let saved = 0;
    let revision = p.revision;
    let e: StoreError | undefined;
    for (let i = 0; i < 100 && e === undefined; i++) {
      try {
        const r = s.saveVersion(p.id, `v${i}`);
        expect(r.number).toBe(i + 1);
        const w = s.saveWorkingCopy(p.id, { ...big, meta: { ...big.meta, name: `n${i}` } }, revision);
        if (!w.saved) throw new Error('unexpected conflict');
        revision = w.revision;
        saved = i;
      } catch (err) {
        if (!(err instanceof StoreError)) throw err;
        e = err;
      }
    }
    expect(e?.kind).toBe('io');
    expect(e?.message).toBe(`cannot save to the project store at ${join(dir, DB_FILE)}: the disk is full (database or disk is full)`);
    // Nothing half-written: the last acknowledged save is what is there, and reads still work.
    const wc = s.readWorkingCopy(p.id);
    expect(wc.project.revision).toBe(revision);
    expect((wc.document as unknown as { meta: { name: string } }).meta.name).toBe(saved === 0 && revision === 0 ? 'chain' : `n${saved}`);
    expect(s.integrityCheck()).toEqual(['ok']);
  });
});

describe('projects', () => {
  it('lists most recently changed first, searches names, hides the trash', () => {
    let t = 1000;
    const s = openStore(dir, { clock: () => t });
    const a = s.createProject('ResNet-20', chainDocument(1));
    t = 2000;
    const b = s.createProject('Plain-56', chainDocument(1));
    t = 3000;
    const c = s.createProject('resnet-56 wide', chainDocument(1));
    expect(s.listProjects().map((p) => p.id)).toEqual([c.id, b.id, a.id]);
    t = 4000;
    s.renameProject(a.id, 'ResNet-20 (pre-act)');
    expect(s.listProjects().map((p) => p.id)).toEqual([a.id, c.id, b.id]);
    expect(s.listProjects({ query: 'RESNET' }).map((p) => p.name)).toEqual(['ResNet-20 (pre-act)', 'resnet-56 wide']);
    expect(s.listProjects({ query: '  plain ' }).map((p) => p.id)).toEqual([b.id]);
    expect(s.listProjects({ query: '%' })).toEqual([]);
    s.trashProject(b.id);
    expect(s.listProjects().map((p) => p.id)).toEqual([a.id, c.id]);
    expect(s.listProjects({ onlyTrashed: true }).map((p) => p.id)).toEqual([b.id]);
    expect(s.listProjects({ includeTrashed: true })).toHaveLength(3);
    expect(s.getProject(b.id).trashedAt).not.toBeNull();
    s.restoreProject(b.id);
    expect(s.getProject(b.id).trashedAt).toBeNull();
    expect(s.listProjects()).toHaveLength(3);
  });

  it('keeps timestamps strictly increasing when the clock stands still', () => {
    const s = openStore(dir, { clock: () => 5 });
    const a = s.createProject('a', chainDocument(1));
    const b = s.createProject('b', chainDocument(1));
    expect(b.createdAt).toBeGreaterThan(a.createdAt);
    expect(s.listProjects().map((p) => p.name)).toEqual(['b', 'a']);
  });

  it('duplicates the working copy under a new id, not the versions', () => {
    const s = openStore();
    const a = s.createProject('Net', chainDocument(3));
    s.saveVersion(a.id, 'one');
    const d = s.duplicateProject(a.id);
    expect(d.id).not.toBe(a.id);
    expect(d.name).toBe('Net (copy)');
    expect(d.revision).toBe(0);
    expect(s.readWorkingCopy(d.id).document).toEqual(s.readWorkingCopy(a.id).document);
    expect(s.listVersions(d.id)).toEqual([]);
    expect(s.duplicateProject(a.id, 'Other').name).toBe('Other');
    const long = s.createProject('x'.repeat(192) + '\u{1F600}' + 'y'.repeat(6), chainDocument(1));
    expect(s.duplicateProject(long.id).name).toBe('x'.repeat(192) + ' (copy)');
  });

  it('deletes for good (cascading) and empties the trash', () => {
    const s = openStore();
    const a = s.createProject('a', chainDocument(1));
    const b = s.createProject('b', chainDocument(1));
    const c = s.createProject('c', chainDocument(1));
    const v = s.saveVersion(a.id, 'v');
    const run = s.createRun({ projectId: a.id, versionId: v.id, dataset: 'd', engine: 'cpu', hyperparameters: {} });
    s.addMetrics(run.id, [{ name: 'loss', step: 1, epoch: 0, value: 1 }]);
    s.saveCheckpoint(run.id, 0, new Uint8Array([1, 2, 3]));
    s.deleteProject(a.id);
    expect(storeError(() => s.getProject(a.id)).kind).toBe('not-found');
    expect(storeError(() => s.getRun(run.id)).kind).toBe('not-found');
    s.trashProject(b.id);
    s.trashProject(c.id);
    expect(s.emptyTrash().map((p) => p.name).sort()).toEqual(['b', 'c']);
    expect(s.listProjects({ includeTrashed: true })).toEqual([]);
    expect(s.integrityCheck()).toEqual(['ok']);
  });

  it('says which id is unknown', () => {
    const s = openStore();
    expect(storeError(() => s.readWorkingCopy('nope')).message).toBe('no project with id nope');
    expect(storeError(() => s.renameProject('nope', 'x')).kind).toBe('not-found');
    expect(storeError(() => s.getVersion('nope', 'v')).message).toBe('no project with id nope');
  });
});

describe('working copy and versions', () => {
  it('bumps the revision on each save and refuses a stale base revision, keeping the other save', () => {
    const s = openStore();
    const p = s.createProject('n', chainDocument(1));
    expect(p.revision).toBe(0);
    const first = s.saveWorkingCopy(p.id, chainDocument(2), 0);
    expect(first).toEqual({ saved: true, revision: 1 });
    // A second window still at revision 0 tries to save: refused, told the current revision.
    expect(s.saveWorkingCopy(p.id, chainDocument(5), 0)).toEqual({ saved: false, conflict: true, currentRevision: 1 });
    expect(Object.keys((s.readWorkingCopy(p.id).document as unknown as { nodes: object }).nodes)).toHaveLength(2);
    expect(s.saveWorkingCopy(p.id, chainDocument(5), 1)).toEqual({ saved: true, revision: 2 });
    expect(s.getProject(p.id).revision).toBe(2);
  });

  it('detects the conflict across two connections (two processes on one file)', () => {
    const s1 = openStore();
    const s2 = openStore();
    const p = s1.createProject('shared', chainDocument(1));
    expect(s2.saveWorkingCopy(p.id, chainDocument(2), 0)).toEqual({ saved: true, revision: 1 });
    expect(s1.saveWorkingCopy(p.id, chainDocument(3), 0)).toEqual({ saved: false, conflict: true, currentRevision: 1 });
  });

  it('freezes versions with a content hash of the canonical JSON; versions are immutable', () => {
    const s = openStore();
    const p = s.createProject('n', chainDocument(2));
    const v1 = s.saveVersion(p.id, 'two convs');
    s.saveWorkingCopy(p.id, chainDocument(3), 0);
    const v2 = s.saveVersion(p.id, 'three convs');
    expect([v1.number, v2.number]).toEqual([1, 2]);
    expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(v1.contentHash).not.toBe(v2.contentHash);
    expect(s.listVersions(p.id).map((v) => v.message)).toEqual(['three convs', 'two convs']);
    expect(s.getVersion(p.id, v1.id).document).toEqual(chainDocument(2));
    // Same content in another key order: same hash (versionFor reuses the version).
    const reordered = reverseKeys(chainDocument(2)) as ReturnType<typeof chainDocument>;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(chainDocument(2)));
    expect(s.versionFor(p.id, reordered, 'run').id).toBe(v1.id);
    expect(s.versionFor(p.id, chainDocument(9), 'for a run').number).toBe(3);
    const raw = new Database(s.path);
    expect(() => raw.prepare('UPDATE versions SET message = ? WHERE id = ?').run('changed', v1.id)).toThrow(/immutable/);
    raw.close();
    expect(storeError(() => s.getVersion(p.id, 'missing')).message).toBe(`project ${p.id} has no version missing`);
  });

  it('restores a version as a new revision, refused on a stale base', () => {
    const s = openStore();
    const p = s.createProject('n', chainDocument(2));
    const v1 = s.saveVersion(p.id, 'two');
    s.saveWorkingCopy(p.id, chainDocument(4), 0);
    expect(s.restoreVersion(p.id, v1.id, 0)).toEqual({ saved: false, conflict: true, currentRevision: 1 });
    const r = s.restoreVersion(p.id, v1.id, 1);
    expect(r).toMatchObject({ saved: true, revision: 2 });
    expect(s.readWorkingCopy(p.id).document).toEqual(chainDocument(2));
  });
});

describe('runs, metrics, checkpoints, settings', () => {
  it('records a run of a version, its metrics in batches (NaN kept as null) and checkpoints', () => {
    const s = openStore();
    const p = s.createProject('n', chainDocument(2));
    const v = s.saveVersion(p.id, 'trained');
    const run = s.createRun({ projectId: p.id, versionId: v.id, dataset: 'cifar10', engine: 'tfjs-node', hyperparameters: { epochs: 2, learningRate: 0.1 } });
    expect(run).toMatchObject({ status: 'queued', versionId: v.id, startedAt: null, error: null, hyperparameters: { epochs: 2 } });
    s.updateRun(run.id, { status: 'running', startedAt: 10 });
    const batch = Array.from({ length: 500 }, (_, i) => ({ name: i % 2 === 0 ? 'loss' : 'acc', step: Math.floor(i / 2), epoch: i < 250 ? 0 : 1, value: i === 4 ? Number.NaN : i / 1000 }));
    expect(s.addMetrics(run.id, batch)).toBe(500);
    const all = s.readMetrics(run.id);
    expect(all.points).toHaveLength(500);
    expect(all.more).toBe(false);
    expect(all.points.find((m) => m.name === 'loss' && m.step === 2)?.value).toBeNull();
    const page = s.readMetrics(run.id, { names: ['loss'], afterStep: 100, limit: 10 });
    expect(page.points.map((m) => m.step)).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
    expect(page.more).toBe(true);
    // Re-logging a step replaces it.
    s.addMetrics(run.id, [{ name: 'loss', step: 0, epoch: 0, value: 9 }]);
    expect(s.readMetrics(run.id, { names: ['loss'], limit: 1 }).points[0]?.value).toBe(9);
    const weights = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(s.saveCheckpoint(run.id, 1, weights)).toMatchObject({ epoch: 1, bytes: 100_000 });
    expect(s.listCheckpoints(run.id).map((c) => [c.epoch, c.bytes])).toEqual([[1, 100_000]]);
    expect(Buffer.compare(s.readCheckpoint(run.id, 1), Buffer.from(weights))).toBe(0);
    const done = s.updateRun(run.id, { status: 'failed', finishedAt: 20, error: 'out of memory' });
    expect(done).toMatchObject({ status: 'failed', startedAt: 10, finishedAt: 20, error: 'out of memory' });
    expect(s.listRuns(p.id).map((r) => r.id)).toEqual([run.id]);
    expect(storeError(() => s.createRun({ projectId: p.id, versionId: 'nope', dataset: 'd', engine: 'cpu', hyperparameters: {} })).kind).toBe('not-found');
    expect(storeError(() => s.addMetrics('nope', [{ name: 'x', step: 0, epoch: 0, value: 1 }])).message).toBe('no run with id nope');
  });

  it('keeps settings as validated JSON', () => {
    const s = openStore();
    expect(s.getSetting('theme', z.string())).toBeUndefined();
    s.setSetting('theme', 'dark');
    s.setSetting('recent', { ids: ['a', 'b'] });
    expect(s.getSetting('theme', z.enum(['dark', 'light']))).toBe('dark');
    expect(s.getSetting('recent', z.object({ ids: z.array(z.string()) }))).toEqual({ ids: ['a', 'b'] });
    expect(storeError(() => s.getSetting('theme', z.number())).kind).toBe('corrupt');
    s.deleteSetting('theme');
    expect(s.getSetting('theme', z.string())).toBeUndefined();
  });

  it('validates rows read back: a hand-edited row is reported, not passed on', () => {
    const s = openStore();
    const p = s.createProject('n', chainDocument(1));
    const raw = new Database(s.path);
    raw.prepare('UPDATE working_copies SET document = ? WHERE project_id = ?').run('[1,2]', p.id);
    raw.close();
    const e = storeError(() => s.readWorkingCopy(p.id));
    expect(e.kind).toBe('corrupt');
    expect(e.message).toContain(s.path);
    expect(e.message).toContain('working copy');
  });
});

describe('listing counts', () => {
  it('lists each project with how many versions and runs it has', () => {
    const s = openStore();
    const a = s.createProject('a', chainDocument(1));
    const b = s.createProject('b', chainDocument(2));
    const v1 = s.saveVersion(a.id, 'one');
    s.saveVersion(a.id, 'two');
    s.createRun({ projectId: a.id, versionId: v1.id, dataset: 'd', engine: 'cpu', hyperparameters: {} });
    const counts = Object.fromEntries(s.listProjects().map((p) => [p.name, [p.versionCount, p.runCount]]));
    expect(counts).toEqual({ a: [2, 1], b: [0, 0] });
    s.trashProject(b.id);
    expect(s.listProjects({ onlyTrashed: true }).map((p) => [p.versionCount, p.runCount])).toEqual([[0, 0]]);
  });
});
