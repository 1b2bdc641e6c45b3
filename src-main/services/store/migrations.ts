import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';

/**
 * Schema migrations of the project store, keyed by `PRAGMA user_version`: migration N takes a
 * store at version N-1 to N. Each runs in its own IMMEDIATE transaction together with the
 * user_version bump, so a crash mid-migration leaves the store at N-1, and two processes opening
 * the same store at once migrate it once. Never edit a released migration: add the next one (the
 * test keeps a frozen copy of every older DDL and migrates fixture stores built from it).
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'projects, working copies, immutable graph versions, settings',
    sql: `
      CREATE TABLE projects (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        trashed_at  INTEGER
      ) STRICT;
      CREATE INDEX projects_by_updated ON projects (updated_at DESC);

      -- The autosaved document. revision bumps on every save; a save names the revision it was
      -- based on and is refused when someone else saved since (two windows, two hosts).
      CREATE TABLE working_copies (
        project_id  TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
        revision    INTEGER NOT NULL CHECK (revision >= 0),
        saved_at    INTEGER NOT NULL,
        document    TEXT NOT NULL CHECK (json_valid(document))
      ) STRICT;

      -- Immutable snapshots ("Save version"). content_hash is sha256 of the canonical JSON.
      CREATE TABLE versions (
        id            TEXT PRIMARY KEY,
        project_id    TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        number        INTEGER NOT NULL CHECK (number >= 1),
        message       TEXT NOT NULL,
        content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
        created_at    INTEGER NOT NULL,
        document      TEXT NOT NULL CHECK (json_valid(document)),
        UNIQUE (project_id, number)
      ) STRICT;
      CREATE INDEX versions_by_hash ON versions (project_id, content_hash);
      CREATE TRIGGER versions_are_immutable BEFORE UPDATE ON versions
        BEGIN SELECT RAISE(ABORT, 'graph versions are immutable'); END;

      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'training runs, metrics (written in batches), checkpoints',
    sql: `
      CREATE TABLE runs (
        id               TEXT PRIMARY KEY,
        project_id       TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        version_id       TEXT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
        dataset          TEXT NOT NULL,
        engine           TEXT NOT NULL,
        hyperparameters  TEXT NOT NULL CHECK (json_valid(hyperparameters)),
        status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'canceled')),
        created_at       INTEGER NOT NULL,
        started_at       INTEGER,
        finished_at      INTEGER,
        error            TEXT
      ) STRICT;
      CREATE INDEX runs_by_project ON runs (project_id, created_at);

      -- value NULL stands for NaN (SQLite stores NaN as NULL); +-Infinity are kept as REAL.
      CREATE TABLE metrics (
        run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        step    INTEGER NOT NULL CHECK (step >= 0),
        epoch   INTEGER NOT NULL CHECK (epoch >= 0),
        value   REAL,
        PRIMARY KEY (run_id, name, step)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE checkpoints (
        run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        epoch       INTEGER NOT NULL CHECK (epoch >= 0),
        created_at  INTEGER NOT NULL,
        weights     BLOB NOT NULL,
        PRIMARY KEY (run_id, epoch)
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: 'run labels, groups and owners (experiments, the queue, restart recovery), sample predictions of the final evaluation',
    sql: `
      ALTER TABLE runs ADD COLUMN label TEXT;
      ALTER TABLE runs ADD COLUMN group_id TEXT;
      -- The process training the run (host:pid), so a later start can tell a run left running
      -- by a process that died from one another process is training now.
      ALTER TABLE runs ADD COLUMN owner TEXT;
      -- JSON array of sample predictions (images and labels or masks) of the final evaluation.
      ALTER TABLE runs ADD COLUMN samples TEXT CHECK (samples IS NULL OR json_valid(samples));
      CREATE INDEX runs_by_group ON runs (group_id, created_at) WHERE group_id IS NOT NULL;
      CREATE INDEX runs_by_status ON runs (status, created_at);
    `,
  },
  {
    version: 4,
    description: 'drafts: the working network of a window that is in no project, kept on every edit so the next start can offer it back',
    sql: `
      -- One row per window (id chosen by the window); removed when the network is saved into a
      -- project, discarded, or the person declines to recover it.
      CREATE TABLE drafts (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        layers    INTEGER NOT NULL CHECK (layers >= 0),
        saved_at  INTEGER NOT NULL,
        document  TEXT NOT NULL CHECK (json_valid(document))
      ) STRICT;
      CREATE INDEX drafts_by_saved ON drafts (saved_at DESC);
    `,
  },
];

/** The schema version this build of Skipwire writes. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

export function newerStoreError(path: string, found: number, known: number): StoreError {
  return new StoreError('newer', `the project store at ${path} was written by a newer Skipwire (store schema ${found}, this version knows up to ${known}): update Skipwire`);
}

function userVersion(db: Database.Database): number {
  const v = db.pragma('user_version', { simple: true });
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`unexpected user_version ${String(v)}`);
  return v;
}

/**
 * Brings the store at `path` up to STORE_SCHEMA_VERSION. Refuses (StoreError 'newer') a store
 * written by a newer Skipwire rather than guess at its tables. Returns the versions applied.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const target = migrations.length;
  const applied: number[] = [];
  for (;;) {
    const step = db
      .transaction((): number | null => {
        const current = userVersion(db);
        if (current > target) throw newerStoreError(path, current, target);
        if (current === target) return null;
        const m = migrations[current];
        if (m === undefined || m.version !== current + 1) throw new Error(`migration ${current + 1} is missing`);
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
        return m.version;
      })
      .immediate();
    if (step === null) return applied;
    applied.push(step);
  }
}
