import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { DocumentJson } from '../../../src-shared/api/common.js';
import type {
  DraftSummary,
  MetricPoint,
  ProjectSummary,
  RunSummary,
  SaveReply,
  VersionSummary,
} from '../../../src-shared/api/services/projects.js';
import type { RunStatus } from '../../../src-shared/api/services/training.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { canonicalJson, contentHash } from './canonical.js';
import { StoreError, storeFailure } from './errors.js';
import { openDb } from './open.js';
import type { MovedAside, OpenOptions } from './open.js';
import {
  CheckpointInfoRow,
  CheckpointRow,
  CountRow,
  DraftRow,
  DraftWithDocumentRow,
  MetricRow,
  ProjectCountRow,
  ProjectRow,
  RunRow,
  SamplesRow,
  SettingRow,
  VersionRow,
  VersionWithDocumentRow,
  WorkingCopyRow,
} from './rows.js';

export interface StoreOptions extends OpenOptions {
  /** Milliseconds since the epoch (tests); the store keeps its timestamps strictly increasing. */
  clock?: () => number;
}

export interface ListOptions {
  query?: string;
  includeTrashed?: boolean;
  onlyTrashed?: boolean;
}

export interface NewRun {
  projectId: string;
  versionId: string;
  dataset: string;
  engine: string;
  hyperparameters: Record<string, unknown>;
  status?: z.infer<typeof RunStatus>;
  label?: string | null;
  group?: string | null;
  /** The process that trains it (host:pid). */
  owner?: string | null;
}

export interface RunPatch {
  status?: z.infer<typeof RunStatus>;
  engine?: string;
  owner?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  error?: string | null;
}

export interface CheckpointInfo {
  runId: string;
  epoch: number;
  createdAt: number;
  bytes: number;
}

const PROJECT_COLUMNS = `p.id, p.name, p.created_at, p.updated_at, p.trashed_at, w.revision
  FROM projects p JOIN working_copies w ON w.project_id = p.id`;
const VERSION_COLUMNS = 'id, project_id, number, message, content_hash, created_at';
const RUN_COLUMNS = 'id, project_id, version_id, dataset, engine, hyperparameters, status, created_at, started_at, finished_at, error, label, group_id, owner';

function toSummary(r: ProjectRow): ProjectSummary {
  return { id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, trashedAt: r.trashed_at, revision: r.revision };
}

function toVersion(r: VersionRow): VersionSummary {
  return { id: r.id, projectId: r.project_id, number: r.number, message: r.message, contentHash: r.content_hash, createdAt: r.created_at };
}

function toRun(r: RunRow): RunSummary {
  return {
    id: r.id,
    projectId: r.project_id,
    versionId: r.version_id,
    dataset: r.dataset,
    engine: r.engine,
    hyperparameters: r.hyperparameters,
    status: r.status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    label: r.label,
    group: r.group_id,
  };
}

function toDraft(r: DraftRow): DraftSummary {
  return { id: r.id, name: r.name, layers: r.layers, savedAt: r.saved_at };
}

/** A stored run with the process that trains it (the store's view; the contract's RunSummary has no owner). */
export interface StoredRun extends RunSummary {
  owner: string | null;
}

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A name with " (copy)" appended, kept within the 200-character limit. */
function copyName(name: string): string {
  const suffix = ' (copy)';
  return clip(name, 200 - suffix.length) + suffix;
}

/**
 * The project store: projects, their autosaved working copies, immutable graph versions, training
 * runs with metrics and checkpoints, and settings, in one SQLite file. Synchronous (better-sqlite3);
 * every write is one IMMEDIATE transaction, so it is atomic, and two processes sharing the file
 * serialise on the write lock instead of failing mid-way. Rows read back are validated.
 */
export class Store {
  readonly path: string;
  readonly movedAside: MovedAside | null;
  readonly migrationsApplied: readonly number[];
  /** Why the store was opened read-only (one line), or null when it can be written. */
  readonly readOnly: string | null;
  private readonly db: Database.Database;
  private readonly clock: () => number;
  private last = 0;

  private constructor(db: Database.Database, path: string, movedAside: MovedAside | null, applied: number[], clock: () => number, readOnly: string | null) {
    this.db = db;
    this.readOnly = readOnly;
    this.path = path;
    this.movedAside = movedAside;
    this.migrationsApplied = applied;
    this.clock = clock;
  }

  /** Opens `skipwire.db` in dataDir (see openDb: damaged files are moved aside; errors say where and why). */
  static open(dataDir: string, o: StoreOptions = {}): Store {
    const { db, path, movedAside, migrationsApplied, readOnly } = openDb(dataDir, o);
    return new Store(db, path, movedAside, migrationsApplied, o.clock ?? Date.now, readOnly);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Changes whenever another connection (another process) commits; cheap to poll. */
  dataVersion(): number {
    return this.read(() => Number(this.db.pragma('data_version', { simple: true })));
  }

  /** SQLite's full integrity check: 'ok' or the problems found. */
  integrityCheck(): string[] {
    return this.read(() => (this.db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0])));
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private now(): number {
    const t = Math.max(Math.trunc(this.clock()), this.last + 1);
    this.last = t;
    return t;
  }

  private write<T>(action: string, fn: () => T): T {
    if (this.readOnly !== null) throw new StoreError('io', `cannot ${action} the project store at ${this.path}: it is open read-only (${this.readOnly}); saving is unavailable`);
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      throw storeFailure(action, this.path, err);
    }
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw storeFailure('read', this.path, err);
    }
  }

  private parse<S extends z.ZodType>(schema: S, row: unknown, what: string): z.output<S> {
    const r = schema.safeParse(row);
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue !== undefined && issue.path.length > 0 ? issue.path.map(String).join('.') + ': ' : '';
      throw new StoreError('corrupt', `the project store at ${this.path} holds a ${what} that does not read back (${where}${issue?.message ?? 'invalid'})`);
    }
    return r.data;
  }

  private all<S extends z.ZodType>(schema: S, what: string, sql: string, ...params: unknown[]): z.output<S>[] {
    return this.db
      .prepare(sql)
      .all(...params)
      .map((row) => this.parse(schema, row, what));
  }

  private one<S extends z.ZodType>(schema: S, what: string, sql: string, ...params: unknown[]): z.output<S> | undefined {
    const row = this.db.prepare(sql).get(...params);
    return row === undefined ? undefined : this.parse(schema, row, what);
  }

  private projectRow(id: string): ProjectRow {
    const row = this.one(ProjectRow, 'project', `SELECT ${PROJECT_COLUMNS} WHERE p.id = ?`, id);
    if (row === undefined) throw new StoreError('not-found', `no project with id ${id}`);
    return row;
  }

  private document(json: unknown, what: string): DocumentJson {
    return this.parse(DocumentJson, json, what);
  }

  // ---- projects -------------------------------------------------------------------------------

  /** Projects, most recently changed first, with how many versions and runs each has; `query` matches the name case-insensitively. */
  listProjects(o: ListOptions = {}): ProjectSummary[] {
    return this.read(() => {
      const where = o.onlyTrashed === true ? 'WHERE p.trashed_at IS NOT NULL' : o.includeTrashed === true ? '' : 'WHERE p.trashed_at IS NULL';
      const rows = this.all(ProjectRow, 'project', `SELECT ${PROJECT_COLUMNS} ${where} ORDER BY p.updated_at DESC, p.created_at DESC, p.id`);
      const q = o.query?.trim().toLocaleLowerCase() ?? '';
      const count = (table: 'versions' | 'runs'): Map<string, number> =>
        new Map(this.all(ProjectCountRow, `${table} count`, `SELECT project_id, count(*) AS n FROM ${table} GROUP BY project_id`).map((r) => [r.project_id, r.n]));
      const versions = count('versions');
      const runs = count('runs');
      return rows
        .filter((r) => q === '' || r.name.toLocaleLowerCase().includes(q))
        .map((r) => ({ ...toSummary(r), versionCount: versions.get(r.id) ?? 0, runCount: runs.get(r.id) ?? 0 }));
    });
  }

  getProject(id: string): ProjectSummary {
    return this.read(() => toSummary(this.projectRow(id)));
  }

  createProject(name: string, document: GraphDocument): ProjectSummary {
    const id = randomUUID();
    return this.write('save to', () => {
      const t = this.now();
      this.db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, name, t, t);
      this.db.prepare('INSERT INTO working_copies (project_id, revision, saved_at, document) VALUES (?, 0, ?, ?)').run(id, t, JSON.stringify(document));
      return toSummary(this.projectRow(id));
    });
  }

  renameProject(id: string, name: string): ProjectSummary {
    return this.write('save to', () => {
      this.projectRow(id);
      this.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(name, this.now(), id);
      return toSummary(this.projectRow(id));
    });
  }

  trashProject(id: string): ProjectSummary {
    return this.write('save to', () => {
      this.projectRow(id);
      this.db.prepare('UPDATE projects SET trashed_at = coalesce(trashed_at, ?) WHERE id = ?').run(this.now(), id);
      return toSummary(this.projectRow(id));
    });
  }

  restoreProject(id: string): ProjectSummary {
    return this.write('save to', () => {
      this.projectRow(id);
      this.db.prepare('UPDATE projects SET trashed_at = NULL WHERE id = ?').run(id);
      return toSummary(this.projectRow(id));
    });
  }

  /** Deletes a project with its working copy, versions, runs, metrics and checkpoints. */
  deleteProject(id: string): ProjectSummary {
    return this.write('delete from', () => {
      const p = toSummary(this.projectRow(id));
      this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
      return p;
    });
  }

  /** Deletes every trashed project; returns those deleted. */
  emptyTrash(): ProjectSummary[] {
    return this.write('delete from', () => {
      const gone = this.all(ProjectRow, 'project', `SELECT ${PROJECT_COLUMNS} WHERE p.trashed_at IS NOT NULL`).map(toSummary);
      this.db.prepare('DELETE FROM projects WHERE trashed_at IS NOT NULL').run();
      return gone;
    });
  }

  /** A new project with a copy of the working copy (versions and runs stay with the original). */
  duplicateProject(id: string, name?: string): ProjectSummary {
    const newId = randomUUID();
    return this.write('save to', () => {
      const src = this.projectRow(id);
      const t = this.now();
      this.db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(newId, name ?? copyName(src.name), t, t);
      this.db
        .prepare('INSERT INTO working_copies (project_id, revision, saved_at, document) SELECT ?, 0, ?, document FROM working_copies WHERE project_id = ?')
        .run(newId, t, id);
      return toSummary(this.projectRow(newId));
    });
  }

  // ---- working copy ---------------------------------------------------------------------------

  readWorkingCopy(id: string): { project: ProjectSummary; document: DocumentJson; savedAt: number } {
    return this.read(() => {
      const project = toSummary(this.projectRow(id));
      const wc = this.one(WorkingCopyRow, 'working copy', 'SELECT revision, saved_at, document FROM working_copies WHERE project_id = ?', id);
      if (wc === undefined) throw new StoreError('not-found', `no project with id ${id}`);
      return { project, document: this.document(wc.document, 'working copy'), savedAt: wc.saved_at };
    });
  }

  /**
   * Autosave. Refused, never overwritten, when the stored revision is not `baseRevision` (someone
   * else saved since): the reply carries the current revision. One transaction; when it returns
   * `saved: true`, the document is on disk (synchronous=FULL).
   */
  saveWorkingCopy(id: string, document: GraphDocument, baseRevision: number): SaveReply {
    const text = JSON.stringify(document);
    return this.write('save to', () => this.replaceWorkingCopy(id, text, baseRevision));
  }

  private replaceWorkingCopy(id: string, text: string, baseRevision: number): SaveReply {
    const t = this.now();
    const res = this.db
      .prepare('UPDATE working_copies SET document = ?, revision = revision + 1, saved_at = ? WHERE project_id = ? AND revision = ?')
      .run(text, t, id, baseRevision);
    const current = this.projectRow(id).revision;
    if (res.changes !== 1) return { saved: false, conflict: true, currentRevision: current };
    this.db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(t, id);
    return { saved: true, revision: current };
  }

  // ---- versions -------------------------------------------------------------------------------

  private insertVersion(projectId: string, message: string, documentText: string, hash: string): VersionSummary {
    const id = randomUUID();
    const t = this.now();
    const n = this.parse(CountRow, this.db.prepare('SELECT coalesce(max(number), 0) + 1 AS n FROM versions WHERE project_id = ?').get(projectId), 'version number').n;
    this.db
      .prepare('INSERT INTO versions (id, project_id, number, message, content_hash, created_at, document) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, projectId, n, message, hash, t, documentText);
    this.db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(t, projectId);
    const row = this.one(VersionRow, 'version', `SELECT ${VERSION_COLUMNS} FROM versions WHERE id = ?`, id);
    if (row === undefined) throw new Error('version vanished after insert');
    return toVersion(row);
  }

  /** Freezes the working copy as an immutable version with a message. */
  saveVersion(id: string, message: string): VersionSummary {
    return this.write('save to', () => {
      this.projectRow(id);
      const wc = this.one(WorkingCopyRow, 'working copy', 'SELECT revision, saved_at, document FROM working_copies WHERE project_id = ?', id);
      if (wc === undefined) throw new StoreError('not-found', `no project with id ${id}`);
      const doc = this.document(wc.document, 'working copy');
      return this.insertVersion(id, message, canonicalJson(doc), contentHash(doc));
    });
  }

  /** The version of `document` in this project: an existing one with the same content, or a new one (what a training run trains). */
  versionFor(projectId: string, document: GraphDocument, message: string): VersionSummary {
    const hash = contentHash(document);
    return this.write('save to', () => {
      this.projectRow(projectId);
      const existing = this.one(
        VersionRow,
        'version',
        `SELECT ${VERSION_COLUMNS} FROM versions WHERE project_id = ? AND content_hash = ? ORDER BY number DESC LIMIT 1`,
        projectId,
        hash,
      );
      return existing !== undefined ? toVersion(existing) : this.insertVersion(projectId, message, canonicalJson(document), hash);
    });
  }

  /** Version history, newest first. */
  listVersions(id: string): VersionSummary[] {
    return this.read(() => {
      this.projectRow(id);
      return this.all(VersionRow, 'version', `SELECT ${VERSION_COLUMNS} FROM versions WHERE project_id = ? ORDER BY number DESC`, id).map(toVersion);
    });
  }

  getVersion(projectId: string, versionId: string): { version: VersionSummary; document: DocumentJson } {
    return this.read(() => {
      this.projectRow(projectId);
      const row = this.one(VersionWithDocumentRow, 'version', `SELECT ${VERSION_COLUMNS}, document FROM versions WHERE id = ? AND project_id = ?`, versionId, projectId);
      if (row === undefined) throw new StoreError('not-found', `project ${projectId} has no version ${versionId}`);
      return { version: toVersion(row), document: this.document(row.document, 'version') };
    });
  }

  /** Makes a version the working copy, as a save based on `baseRevision` (refused the same way on conflict). */
  restoreVersion(projectId: string, versionId: string, baseRevision: number): SaveReply & { document?: DocumentJson } {
    return this.write('save to', () => {
      const { document } = this.getVersion(projectId, versionId);
      const reply = this.replaceWorkingCopy(projectId, JSON.stringify(document), baseRevision);
      return reply.saved ? { ...reply, document } : reply;
    });
  }

  // ---- runs, metrics, checkpoints ---------------------------------------------------------------

  createRun(r: NewRun): RunSummary {
    const id = randomUUID();
    return this.write('save to', () => {
      this.projectRow(r.projectId);
      const v = this.one(VersionRow, 'version', `SELECT ${VERSION_COLUMNS} FROM versions WHERE id = ? AND project_id = ?`, r.versionId, r.projectId);
      if (v === undefined) throw new StoreError('not-found', `project ${r.projectId} has no version ${r.versionId}`);
      this.db
        .prepare(
          'INSERT INTO runs (id, project_id, version_id, dataset, engine, hyperparameters, status, created_at, label, group_id, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, r.projectId, r.versionId, r.dataset, r.engine, JSON.stringify(r.hyperparameters), r.status ?? 'queued', this.now(), r.label ?? null, r.group ?? null, r.owner ?? null);
      return this.runRow(id);
    });
  }

  private runRow(id: string): RunSummary {
    const row = this.one(RunRow, 'run', `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`, id);
    if (row === undefined) throw new StoreError('not-found', `no run with id ${id}`);
    return toRun(row);
  }

  getRun(id: string): RunSummary {
    return this.read(() => this.runRow(id));
  }

  updateRun(id: string, patch: RunPatch): RunSummary {
    return this.write('save to', () => {
      const cur = this.runRow(id);
      this.db
        .prepare('UPDATE runs SET status = ?, engine = ?, started_at = ?, finished_at = ?, error = ? WHERE id = ?')
        .run(
          patch.status ?? cur.status,
          patch.engine ?? cur.engine,
          patch.startedAt !== undefined ? patch.startedAt : cur.startedAt,
          patch.finishedAt !== undefined ? patch.finishedAt : cur.finishedAt,
          patch.error !== undefined ? patch.error : cur.error,
          id,
        );
      if (patch.owner !== undefined) this.db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(patch.owner, id);
      return this.runRow(id);
    });
  }

  /** Runs of a project, oldest first. */
  listRuns(projectId: string): RunSummary[] {
    return this.read(() => {
      this.projectRow(projectId);
      return this.all(RunRow, 'run', `SELECT ${RUN_COLUMNS} FROM runs WHERE project_id = ? ORDER BY created_at, id`, projectId).map(toRun);
    });
  }

  /** Runs in any of these statuses (of every project), oldest first: the queue, runs left running by a process that died. */
  listRunsByStatus(statuses: readonly z.infer<typeof RunStatus>[]): StoredRun[] {
    if (statuses.length === 0) return [];
    return this.read(() =>
      this.all(RunRow, 'run', `SELECT ${RUN_COLUMNS} FROM runs WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY created_at, id`, ...statuses).map(
        (r) => ({ ...toRun(r), owner: r.owner }),
      ),
    );
  }

  /**
   * Takes a queued run for this process: it becomes `running` with this owner only if it is still
   * queued (two processes on one store never both take it). False when it was not queued.
   */
  claimQueuedRun(id: string, owner: string): boolean {
    return this.write('save to', () => {
      this.runRow(id);
      return this.db.prepare("UPDATE runs SET status = 'running', owner = ? WHERE id = ? AND status = 'queued'").run(owner, id).changes === 1;
    });
  }

  /** Runs sharing a group id (an experiment's), oldest first. */
  listRunsByGroup(group: string): RunSummary[] {
    return this.read(() => this.all(RunRow, 'run', `SELECT ${RUN_COLUMNS} FROM runs WHERE group_id = ? ORDER BY created_at, id`, group).map(toRun));
  }

  /** Keeps the sample predictions of a run's final evaluation (JSON; replaces earlier ones). */
  saveRunSamples(runId: string, samples: readonly unknown[]): void {
    this.write('save to', () => {
      this.runRow(runId);
      this.db.prepare('UPDATE runs SET samples = ? WHERE id = ?').run(JSON.stringify(samples), runId);
    });
  }

  /** The stored sample predictions of a run (unparsed JSON values; the caller validates), or null when none were kept. */
  readRunSamples(runId: string): unknown[] | null {
    return this.read(() => {
      const row = this.one(SamplesRow, 'run', 'SELECT samples FROM runs WHERE id = ?', runId);
      if (row === undefined) throw new StoreError('not-found', `no run with id ${runId}`);
      return Array.isArray(row.samples) ? (row.samples as unknown[]) : null;
    });
  }

  /**
   * Appends a batch of metric samples in one transaction (a sample at the same run, name and step
   * replaces the earlier one, so a resumed run can re-log a step). NaN is stored as NULL.
   */
  addMetrics(runId: string, points: readonly MetricPoint[]): number {
    if (points.length === 0) return 0;
    return this.write('save to', () => {
      this.runRow(runId);
      const ins = this.db.prepare(
        'INSERT INTO metrics (run_id, name, step, epoch, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name, step) DO UPDATE SET epoch = excluded.epoch, value = excluded.value',
      );
      for (const p of points) ins.run(runId, p.name, p.step, p.epoch, p.value === null || Number.isNaN(p.value) ? null : p.value);
      return points.length;
    });
  }

  readMetrics(runId: string, o: { names?: readonly string[]; afterStep?: number; limit?: number } = {}): { points: MetricPoint[]; more: boolean } {
    return this.read(() => {
      this.runRow(runId);
      const limit = o.limit ?? 100_000;
      const names = o.names ?? [];
      const nameFilter = names.length > 0 ? `AND name IN (${names.map(() => '?').join(', ')})` : '';
      const rows = this.all(
        MetricRow,
        'metric',
        `SELECT name, step, epoch, value FROM metrics WHERE run_id = ? AND step > ? ${nameFilter} ORDER BY step, name LIMIT ?`,
        runId,
        o.afterStep ?? -1,
        ...names,
        limit + 1,
      );
      return { points: rows.slice(0, limit), more: rows.length > limit };
    });
  }

  /** Stores (or replaces) the weights of a run at an epoch. */
  saveCheckpoint(runId: string, epoch: number, weights: Uint8Array): CheckpointInfo {
    return this.write('save to', () => {
      this.runRow(runId);
      const t = this.now();
      this.db
        .prepare('INSERT INTO checkpoints (run_id, epoch, created_at, weights) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, epoch) DO UPDATE SET created_at = excluded.created_at, weights = excluded.weights')
        .run(runId, epoch, t, Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength));
      return { runId, epoch, createdAt: t, bytes: weights.byteLength };
    });
  }

  listCheckpoints(runId: string): CheckpointInfo[] {
    return this.read(() => {
      this.runRow(runId);
      return this.all(CheckpointInfoRow, 'checkpoint', 'SELECT run_id, epoch, created_at, length(weights) AS bytes FROM checkpoints WHERE run_id = ? ORDER BY epoch', runId).map(
        (r) => ({ runId: r.run_id, epoch: r.epoch, createdAt: r.created_at, bytes: r.bytes }),
      );
    });
  }

  readCheckpoint(runId: string, epoch: number): Buffer {
    return this.read(() => {
      const row = this.one(CheckpointRow, 'checkpoint', 'SELECT run_id, epoch, created_at, weights FROM checkpoints WHERE run_id = ? AND epoch = ?', runId, epoch);
      if (row === undefined) throw new StoreError('not-found', `run ${runId} has no checkpoint at epoch ${epoch}`);
      return row.weights;
    });
  }

  // ---- settings -------------------------------------------------------------------------------

  /** A setting, validated by `schema`; undefined when unset. A stored value that fails the schema is an error, not a silent default. */
  getSetting<S extends z.ZodType>(key: string, schema: S): z.output<S> | undefined {
    return this.read(() => {
      const row = this.one(SettingRow, 'setting', 'SELECT value FROM settings WHERE key = ?', key);
      return row === undefined ? undefined : this.parse(schema, row.value, `setting ${key}`);
    });
  }

  setSetting(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new StoreError('invalid', `setting ${key}: the value is not JSON`);
    this.write('save to', () => {
      this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, text);
    });
  }

  deleteSetting(key: string): void {
    this.write('save to', () => {
      this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    });
  }

  // ---- drafts (a window's network in no project) -------------------------------------------

  /** Keeps (or replaces) the draft of window `id`: the network as it is now. */
  saveDraft(id: string, document: GraphDocument): DraftSummary {
    const name = clip(document.meta.name, 200);
    const layers = Object.keys(document.nodes).length;
    const text = JSON.stringify(document);
    return this.write('save to', () => {
      const t = this.now();
      this.db
        .prepare('INSERT INTO drafts (id, name, layers, saved_at, document) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, layers = excluded.layers, saved_at = excluded.saved_at, document = excluded.document')
        .run(id, name, layers, t, text);
      return { id, name, layers, savedAt: t };
    });
  }

  /** Every draft, newest first. */
  listDrafts(): DraftSummary[] {
    return this.read(() => this.all(DraftRow, 'draft', 'SELECT id, name, layers, saved_at FROM drafts ORDER BY saved_at DESC, id').map(toDraft));
  }

  /** A draft with its network exactly as kept. */
  readDraft(id: string): { draft: DraftSummary; document: DocumentJson } {
    return this.read(() => {
      const row = this.one(DraftWithDocumentRow, 'draft', 'SELECT id, name, layers, saved_at, document FROM drafts WHERE id = ?', id);
      if (row === undefined) throw new StoreError('not-found', `no draft with id ${id}`);
      return { draft: toDraft(row), document: this.document(row.document, `draft ${id}`) };
    });
  }

  /** Forgets a draft; false when there was none. */
  removeDraft(id: string): boolean {
    return this.write('save to', () => this.db.prepare('DELETE FROM drafts WHERE id = ?').run(id).changes > 0);
  }

  /** id -> revision of every project (for noticing saves made by another process). */
  revisions(): Map<string, number> {
    return this.read(() => new Map(this.all(ProjectRow, 'project', `SELECT ${PROJECT_COLUMNS}`).map((r) => [r.id, r.revision])));
  }
}
