import { accessSync, closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError, errorCode, isCorruptionCode, reasonFor, storeFailure } from './errors.js';
import { STORE_SCHEMA_VERSION, migrate, newerStoreError } from './migrations.js';

export const DB_FILE = 'skipwire.db';
/** Files SQLite keeps beside the database; they belong to it and move with it. */
export const SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

let sqliteModule: { binding: string | undefined; module: typeof Database } | undefined;

/**
 * better-sqlite3, loaded on first use rather than at import: a native module built for another
 * runtime (Node vs Electron ABI) then fails the store with one line instead of the whole backend.
 *
 * `SKIPWIRE_SQLITE_BINDING` names a `better_sqlite3.node` to use instead of the package's own:
 * Electron runs with another ABI than the Node that installed the package, so `npm start` builds
 * one for Electron beside it (src-main/cli/electron-sqlite.ts) and passes it here.
 */
export function sqlite(env: NodeJS.ProcessEnv = process.env): typeof Database {
  const binding = env.SKIPWIRE_SQLITE_BINDING === undefined || env.SKIPWIRE_SQLITE_BINDING === '' ? undefined : env.SKIPWIRE_SQLITE_BINDING;
  if (sqliteModule !== undefined && sqliteModule.binding === binding) return sqliteModule.module;
  const req = createRequire(import.meta.url);
  try {
    const base = req('better-sqlite3') as typeof Database;
    if (binding === undefined) {
      sqliteModule = { binding, module: base };
      return base;
    }
    // Loaded here, so a wrong addon fails as "cannot load" (never as a damaged database file);
    // better-sqlite3 then requires the same path from Node's module cache.
    req(resolve(binding));
    const bound = function (this: unknown, file?: string | Buffer, options?: Database.Options): Database.Database {
      return new base(file, { ...options, nativeBinding: resolve(binding) });
    } as unknown as typeof Database;
    bound.prototype = base.prototype;
    sqliteModule = { binding, module: bound };
    return bound;
  } catch (err) {
    const first = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    const from = binding === undefined ? '' : ` (SKIPWIRE_SQLITE_BINDING=${binding})`;
    throw new StoreError('io', `cannot load SQLite (better-sqlite3) for the project store${from}: ${first}`);
  }
}

export interface MovedAside {
  /** The damaged store's path. */
  from: string;
  /** Where its bytes are now (its -wal/-shm beside it, with the same suffixes). */
  to: string;
  /** What was wrong, one line. */
  reason: string;
}

export interface OpenOptions {
  /** Milliseconds a writer waits for another process's lock before failing (default 5000). */
  busyTimeoutMs?: number;
  /** Clock for the moved-aside name (tests). */
  now?: () => Date;
  /** Test hook: SQLite's max_page_count, to make writes fail with SQLITE_FULL like a full disk. */
  maxPageCount?: number;
  /**
   * When the store exists but cannot be opened for writing (a read-only folder or mount, no
   * permission), open it read-only instead of failing: reading works, every write fails with one
   * line. Off by default; the services turn it on.
   */
  readOnlyFallback?: boolean;
}

export interface OpenedDb {
  db: Database.Database;
  path: string;
  movedAside: MovedAside | null;
  migrationsApplied: number[];
  /** Why the store is open read-only (one line), or null when it is writable. */
  readOnly: string | null;
}

/** A read-only copy of a store loaded into memory is refused above this size. */
const MAX_READONLY_COPY_BYTES = 1024 * 1024 * 1024;

/** Codes that mean "this place cannot be written", not "this file is damaged". */
function isUnwritable(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || (code?.startsWith('SQLITE_READONLY') ?? false);
}

/**
 * Opens an existing store that cannot be written, read-only. SQLite opens a WAL database read-only
 * only where it can create the -shm file or finds it; in a read-only folder after a clean close
 * neither holds, so the file is read into memory (its header's WAL flag set back to rollback mode
 * for the in-memory copy; the file is never written). A store of another schema version is refused:
 * a newer one as always, an older one because it cannot be migrated where it cannot be written.
 */
function openReadOnly(path: string, why: string): OpenedDb {
  let db: Database.Database;
  try {
    db = new (sqlite())(path, { readonly: true, fileMustExist: true });
    db.pragma('user_version', { simple: true });
  } catch (err) {
    if (!isUnwritable(err) || nonEmptyFile(path + '-wal')) throw storeFailure('open', path, err);
    const size = statSync(path).size;
    if (size > MAX_READONLY_COPY_BYTES) throw new StoreError('io', `cannot open the project store at ${path}: ${why}, and at ${size} bytes it is too large to read into memory`);
    const bytes = readFileSync(path);
    if (bytes.length >= HEADER_BYTES) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    try {
      db = new (sqlite())(bytes, { readonly: true });
    } catch (e) {
      throw storeFailure('open', path, e);
    }
  }
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > STORE_SCHEMA_VERSION) {
    db.close();
    throw newerStoreError(path, version, STORE_SCHEMA_VERSION);
  }
  if (version < STORE_SCHEMA_VERSION) {
    db.close();
    throw new StoreError('io', `cannot open the project store at ${path}: ${why}, and it needs upgrading (schema ${version} to ${STORE_SCHEMA_VERSION}); open it once where it can be written`);
  }
  return { db, path, movedAside: null, migrationsApplied: [], readOnly: why };
}

/**
 * What the first bytes say about a database file. Cheap checks that need no SQLite: SQLite itself
 * treats a short or foreign file as "not a database" only when it first reads it, and a file cut
 * at a page boundary can look fine until the missing page is needed.
 */
export function inspectHeader(path: string, hasWal: boolean): { ok: true } | { ok: false; reason: string } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { ok: true }; // SQLite's own "empty database": nothing to lose.
    if (size < HEADER_BYTES) return { ok: false, reason: `truncated: ${size} bytes, shorter than the ${HEADER_BYTES}-byte SQLite header` };
    const h = Buffer.alloc(HEADER_BYTES);
    readSync(fd, h, 0, HEADER_BYTES, 0);
    if (!h.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, reason: 'not a SQLite database (its header is wrong)' };
    const raw = h.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
      return { ok: false, reason: `damaged header: page size ${raw} is not valid` };
    }
    if (size % pageSize !== 0) return { ok: false, reason: `truncated: ${size} bytes is not a whole number of ${pageSize}-byte pages` };
    // The in-header page count is valid when the change counter matches version-valid-for. With a
    // WAL beside the file, pages may legitimately still live only in the WAL (crash mid-checkpoint).
    const pages = h.readUInt32BE(28);
    const valid = h.readUInt32BE(24) === h.readUInt32BE(92) && pages > 0;
    if (valid && !hasWal && pages * pageSize > size) {
      return { ok: false, reason: `truncated: the header says ${pages} pages, the file holds ${size / pageSize}` };
    }
    return { ok: true };
  } finally {
    closeSync(fd);
  }
}

function nonEmptyFile(p: string): boolean {
  try {
    return lstatSync(p).size > 0;
  } catch {
    return false;
  }
}

/** The result of checking an existing store without writing to it. */
type Health = { ok: true; userVersion: number } | { ok: false; reason: string };

/**
 * Checks an existing store read-only: header, then SQLite's quick_check (every page and record is
 * read; index-vs-table agreement, which integrity_check adds, is skipped to keep start-up fast on
 * big stores). A read-only connection never checkpoints the WAL into the file, so checking cannot
 * change the bytes of a damaged store. Errors that are not about the content (locks, permissions)
 * are thrown as StoreError 'io', never reported as damage.
 */
function checkHealth(path: string): Health {
  const header = inspectHeader(path, nonEmptyFile(path + '-wal'));
  if (!header.ok) return header;
  if (lstatSync(path).size === 0 && !nonEmptyFile(path + '-wal')) return { ok: true, userVersion: 0 };
  let db: Database.Database | undefined;
  try {
    db = new (sqlite())(path, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check') as unknown;
    const messages = Array.isArray(rows)
      ? rows.map((r: unknown) => (typeof r === 'object' && r !== null ? Object.values(r)[0] : r)).map(String)
      : [String(rows)];
    if (messages.length === 1 && messages[0] === 'ok') return { ok: true, userVersion: Number(db.pragma('user_version', { simple: true })) };
    return { ok: false, reason: `SQLite quick_check failed: ${messages.slice(0, 3).join('; ')}${messages.length > 3 ? ' …' : ''}` };
  } catch (err) {
    if (isCorruptionCode(errorCode(err))) return { ok: false, reason: reasonFor(err) };
    throw storeFailure('open', path, err);
  } finally {
    db?.close();
  }
}

/**
 * mkdir -p, one level at a time. Node's `mkdirSync(dir, { recursive: true })` never returns for a
 * path under /proc (it retries ENOENT forever, Node 20), so it cannot be trusted with a path we
 * did not choose.
 */
export function makeDirs(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
    throw Object.assign(new Error(`${dir} is a file, not a folder`), { code: 'ENOTDIR' });
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  try {
    mkdirSync(dir);
  } catch (err) {
    if (errorCode(err) === 'EEXIST' && statSync(dir).isDirectory()) return;
    throw err;
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

/**
 * Renames the damaged store and its side files to `<name>.corrupt-<timestamp>[-wal|-shm]`. Never
 * overwrites: a name already taken gets a counter. If the main file cannot be renamed, nothing is
 * touched and the store is reported unavailable (we never start a fresh store over old bytes).
 */
function moveAside(path: string, reason: string, now: Date): MovedAside {
  let to = `${path}.corrupt-${stamp(now)}`;
  for (let i = 1; [to, ...SIDE_SUFFIXES.map((s) => to + s)].some((p) => existsSync(p)); i++) to = `${path}.corrupt-${stamp(now)}-${i}`;
  try {
    renameSync(path, to);
  } catch (err) {
    throw new StoreError('io', `the project store at ${path} is damaged (${reason}) and could not be moved aside: ${reasonFor(err)}`);
  }
  for (const s of SIDE_SUFFIXES) {
    if (existsSync(path + s)) {
      try {
        renameSync(path + s, to + s);
      } catch (err) {
        throw new StoreError('io', `moved the damaged store ${path} to ${to} but not its ${s} file: ${reasonFor(err)}`);
      }
    }
  }
  return { from: path, to, reason };
}

/**
 * Opens (creating if needed) the project store `skipwire.db` in `dataDir`:
 * - a damaged file (short, foreign, cut, failing quick_check) is moved aside, never overwritten,
 *   and a fresh store starts (reported in `movedAside`, with both paths);
 * - WAL journal, synchronous=FULL (a save acknowledged to the caller survives a crash of the
 *   process and of the machine; autosaves are debounced, so the fsync per commit is affordable),
 *   foreign keys on, a busy timeout so two processes (Electron and a browser host) can share it;
 * - schema migrations up to the current version;
 * - anything else (read-only or full disk, a path under a file, a newer store) is a StoreError
 *   with one line that says where and why.
 */
export function openDb(dataDir: string, o: OpenOptions = {}): OpenedDb {
  try {
    return openWritable(dataDir, o);
  } catch (err) {
    const path = join(dataDir, DB_FILE);
    if (o.readOnlyFallback !== true || !(err instanceof StoreError) || err.kind !== 'io' || !isUnwritable(err.cause)) throw err;
    if (!existsSync(path) || !lstatSync(path).isFile()) throw err;
    return openReadOnly(path, whyUnwritable(dataDir, err.cause));
  }
}

/** Why a store cannot be written, said about the place when the place is the reason (a read-only mount, no permission). */
function whyUnwritable(dataDir: string, cause: unknown): string {
  try {
    accessSync(dataDir, constants.W_OK);
  } catch (err) {
    return reasonFor(err);
  }
  return reasonFor(cause);
}

function openWritable(dataDir: string, o: OpenOptions): OpenedDb {
  const path = join(dataDir, DB_FILE);
  try {
    makeDirs(dataDir);
  } catch (err) {
    throw new StoreError('io', `cannot create the data folder ${dataDir} for the project store: ${reasonFor(err)}`);
  }
  let movedAside: MovedAside | null = null;
  let exists = false;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) throw new StoreError('io', `cannot open the project store at ${path}: it is not a regular file`);
    exists = true;
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if (errorCode(err) !== 'ENOENT') throw storeFailure('open', path, err);
  }
  const now = (o.now ?? (() => new Date()))();
  if (exists) {
    const health = checkHealth(path);
    if (!health.ok) movedAside = moveAside(path, health.reason, now);
    // Refused before anything is written (even switching to WAL would change the file's header).
    else if (health.userVersion > STORE_SCHEMA_VERSION) throw newerStoreError(path, health.userVersion, STORE_SCHEMA_VERSION);
  } else if (SIDE_SUFFIXES.some((s) => nonEmptyFile(path + s))) {
    // A WAL or journal without its database would be replayed into a new, empty one: keep it aside.
    movedAside = moveAside(path, 'side files (-wal/-journal) were left without their database', now);
  }

  let db: Database.Database | undefined;
  try {
    db = new (sqlite())(path);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('io', `cannot open the project store at ${path}: the file system does not support WAL (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(o.busyTimeoutMs ?? 5000))}`);
    if (o.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.trunc(o.maxPageCount)}`);
    const migrationsApplied = migrate(db, path);
    return { db, path, movedAside, migrationsApplied, readOnly: null };
  } catch (err) {
    db?.close();
    throw storeFailure('open', path, err);
  }
}
