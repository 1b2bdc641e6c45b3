import { join } from 'node:path';
import { ContractError, systemService } from '../../../src-shared/api/index.js';
import type { CallContext, Dispatcher, ServiceImpl } from '../../../src-shared/api/index.js';
import { projectsService } from '../../../src-shared/api/services/projects.js';
import type { ProjectSummary, StoreStatus } from '../../../src-shared/api/services/projects.js';
import { emptyDocument } from '../../../src-shared/graph/document.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { diffDocuments } from './diff.js';
import { checkDocument, documentText, exportFileName, parseDocumentText } from './documents.js';
import { StoreError } from './errors.js';
import { DB_FILE } from './open.js';
import { Store, clip } from './store.js';
import { markDeadRunsInterrupted, processOwner } from './dead-runs.js';
import type { StoreOptions } from './store.js';

type ChangeKind = 'created' | 'saved' | 'renamed' | 'trashed' | 'restored' | 'deleted' | 'version';

export interface ProjectsServiceOptions {
  dataDir: string;
  /** Where events go (the dispatcher that provides the service). */
  dispatcher: Dispatcher;
  /**
   * Poll the store for commits made by another process (Electron and a browser host on one data
   * folder) every this many ms and emit `changed` for them; null/undefined: don't (the CLI).
   */
  watchIntervalMs?: number | null;
  storeOptions?: StoreOptions;
  /**
   * On opening the store, mark runs whose owning process is gone as interrupted (the CLI: a run
   * killed with `skipwire train` must not stay `running` until a host starts; the hosts' trainer
   * does it itself, with events).
   */
  markDeadRuns?: boolean;
}

export interface ProjectsBackend {
  impl: ServiceImpl<typeof projectsService>;
  /** The open store, for in-process services (the trainer writes runs here); throws StoreError when it cannot open. */
  store(): Store;
  status(): StoreStatus;
  close(): void;
}

/** Signature of a project's listing row: changes when another process saves, renames, trashes it. */
function signature(p: ProjectSummary): string {
  return `${p.revision}|${p.updatedAt}|${p.trashedAt ?? ''}|${p.name}`;
}

/**
 * The `projects` service over the SQLite store. The store opens lazily, on the first call, so a
 * backend always starts: when the store cannot open (read-only or full disk, a newer store), every
 * method fails with one line that says where and why, a system notice says it once, and the next
 * call tries again. A damaged store found at open is moved aside (a warning notice names both
 * paths) and a fresh one starts.
 *
 * Errors: a bad id or a refused document is `bad-request`; the machine's failures are `failed`.
 */
export function createProjectsService(o: ProjectsServiceOptions): ProjectsBackend {
  const path = join(o.dataDir, DB_FILE);
  let store: Store | null = null;
  let lastError: string | null = null;
  let movedAside: StoreStatus['movedAside'] = null;
  let watch: NodeJS.Timeout | null = null;
  let seen = new Map<string, string>();
  let seenVersion = -1;

  const notice = (level: 'info' | 'warning' | 'error', message: string): void => o.dispatcher.emit(systemService, 'notice', { level, message });
  const changed = (id: string, revision: number, by: string, what: ChangeKind): void =>
    o.dispatcher.emit(projectsService, 'changed', { id, revision, by, what });

  const snapshot = (s: Store): Map<string, string> => new Map(s.listProjects({ includeTrashed: true }).map((p) => [p.id, signature(p)]));

  /** Emits `changed` for what another process committed since we last looked. */
  const poll = (): void => {
    if (store === null || !store.isOpen) return;
    try {
      const v = store.dataVersion();
      if (v === seenVersion) return;
      seenVersion = v;
      const now = new Map(store.listProjects({ includeTrashed: true }).map((p) => [p.id, p]));
      for (const [id, p] of now) {
        if (seen.get(id) !== signature(p)) changed(id, p.revision, 'another process', seen.has(id) ? (p.trashedAt !== null ? 'trashed' : 'saved') : 'created');
      }
      for (const id of seen.keys()) if (!now.has(id)) changed(id, 0, 'another process', 'deleted');
      seen = new Map([...now].map(([id, p]) => [id, signature(p)]));
    } catch {
      // A failed poll is not worth a notice: the next call that needs the store reports the reason.
    }
  };

  const open = (): Store => {
    if (store !== null && store.isOpen) return store;
    try {
      store = Store.open(o.dataDir, { readOnlyFallback: true, ...o.storeOptions });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastError) notice('error', `Projects cannot be saved: ${message}`);
      lastError = message;
      throw err;
    }
    lastError = null;
    if (store.readOnly !== null) notice('warning', `The project store at ${store.path} is open read-only (${store.readOnly}): projects can be read; saving is unavailable.`);
    if (store.movedAside !== null) {
      movedAside = { ...store.movedAside };
      notice(
        'warning',
        `The project store at ${movedAside.from} was damaged (${movedAside.reason}); it was moved aside to ${movedAside.to}, untouched, and a fresh store was started.`,
      );
    }
    if (o.markDeadRuns === true && store.readOnly === null) {
      try {
        markDeadRunsInterrupted(store, { owner: processOwner() });
      } catch {
        // Not worth failing the command for: the next open (or a host) tries again.
      }
    }
    seen = snapshot(store);
    seenVersion = store.dataVersion();
    if (o.watchIntervalMs != null && watch === null) {
      watch = setInterval(poll, o.watchIntervalMs);
      watch.unref();
    }
    return store;
  };

  /** Remembers our own change so the watcher does not report it as another process's. */
  const own = (s: Store, id: string): void => {
    try {
      seen.set(id, signature(s.getProject(id)));
    } catch {
      seen.delete(id);
    }
    seenVersion = s.dataVersion();
  };

  /** Runs `fn` on the store; StoreErrors become ContractErrors with the same one line. */
  const use = async <T>(fn: (s: Store) => T, savingHint = false): Promise<T> => {
    try {
      return await Promise.resolve(fn(open()));
    } catch (err) {
      if (err instanceof StoreError) {
        if (err.kind === 'not-found' || err.kind === 'invalid') throw new ContractError('bad-request', err.message);
        throw new ContractError('failed', savingHint ? `${err.message} (nothing was saved; the open document is unchanged)` : err.message);
      }
      throw err;
    }
  };

  const by = (ctx: CallContext): string => ctx.clientId;

  const impl: ServiceImpl<typeof projectsService> = {
    list: (input) => use((s) => ({ projects: s.listProjects(input) })),

    create: (input, ctx) =>
      use((s) => {
        const doc = input.document === undefined ? emptyDocument(input.name) : checkDocument(input.document).document;
        const p = s.createProject(input.name, doc);
        own(s, p.id);
        changed(p.id, p.revision, by(ctx), 'created');
        return p;
      }, true),

    open: (input) =>
      use((s) => {
        const { project, document } = s.readWorkingCopy(input.id);
        return { project, document };
      }),

    rename: (input, ctx) =>
      use((s) => {
        const p = s.renameProject(input.id, input.name);
        own(s, p.id);
        changed(p.id, p.revision, by(ctx), 'renamed');
        return p;
      }),

    duplicate: (input, ctx) =>
      use((s) => {
        const p = s.duplicateProject(input.id, input.name);
        own(s, p.id);
        changed(p.id, p.revision, by(ctx), 'created');
        return p;
      }),

    trash: (input, ctx) =>
      use((s) => {
        const p = s.trashProject(input.id);
        own(s, p.id);
        changed(p.id, p.revision, by(ctx), 'trashed');
        return { ok: true as const };
      }),

    restore: (input, ctx) =>
      use((s) => {
        const p = s.restoreProject(input.id);
        own(s, p.id);
        changed(p.id, p.revision, by(ctx), 'restored');
        return { ok: true as const };
      }),

    deleteForever: (input, ctx) =>
      use((s) => {
        const p = s.deleteProject(input.id);
        own(s, p.id);
        changed(p.id, p.revision, by(ctx), 'deleted');
        return { ok: true as const };
      }),

    emptyTrash: (_input, ctx) =>
      use((s) => {
        const gone = s.emptyTrash();
        for (const p of gone) {
          own(s, p.id);
          changed(p.id, p.revision, by(ctx), 'deleted');
        }
        return { deleted: gone.length };
      }),

    saveWorkingCopy: (input, ctx) =>
      use((s) => {
        const { document } = checkDocument(input.document);
        const reply = s.saveWorkingCopy(input.id, document, input.baseRevision);
        if (reply.saved) {
          own(s, input.id);
          changed(input.id, reply.revision, by(ctx), 'saved');
        }
        return reply;
      }, true),

    saveVersion: (input, ctx) =>
      use((s) => {
        const v = s.saveVersion(input.id, input.message);
        own(s, input.id);
        changed(input.id, s.getProject(input.id).revision, by(ctx), 'version');
        return v;
      }, true),

    versions: (input) => use((s) => ({ versions: s.listVersions(input.id) })),

    getVersion: (input) => use((s) => s.getVersion(input.id, input.versionId)),

    diffVersions: (input) =>
      use((s) => {
        const from = s.getVersion(input.id, input.from);
        const before = checkDocument(from.document, `version ${from.version.number}`).document;
        let after: GraphDocument;
        if (input.to === undefined) {
          after = checkDocument(s.readWorkingCopy(input.id).document, 'the working copy').document;
        } else {
          const to = s.getVersion(input.id, input.to);
          after = checkDocument(to.document, `version ${to.version.number}`).document;
        }
        return diffDocuments(before, after);
      }),

    restoreVersion: (input, ctx) =>
      use((s) => {
        const reply = s.restoreVersion(input.id, input.versionId, input.baseRevision);
        if (!reply.saved) return reply;
        if (reply.document === undefined) throw new Error('restored version has no document');
        own(s, input.id);
        changed(input.id, reply.revision, by(ctx), 'saved');
        return { saved: true as const, revision: reply.revision, document: reply.document };
      }, true),

    importDocument: (input, ctx) =>
      use((s) => {
        const { document, migratedFrom } = parseDocumentText(input.text);
        const fromMeta = document.meta.name.trim();
        const name = clip(input.name ?? (fromMeta !== '' ? fromMeta : 'Imported network'), 200);
        const project = s.createProject(name, document);
        own(s, project.id);
        changed(project.id, project.revision, by(ctx), 'created');
        return { project, migratedFrom };
      }),

    exportDocument: (input) =>
      use((s) => {
        const project = s.getProject(input.id);
        if (input.versionId === undefined) {
          return { fileName: exportFileName(project.name), text: documentText(s.readWorkingCopy(input.id).document) };
        }
        const v = s.getVersion(input.id, input.versionId);
        return { fileName: exportFileName(`${project.name} v${v.version.number}`), text: documentText(v.document) };
      }),

    runs: (input) => use((s) => ({ runs: s.listRuns(input.id) })),

    metrics: (input) => use((s) => s.readMetrics(input.runId, input)),

    // Drafts change no project: no `changed` event (another window's draft is not its business).
    saveDraft: (input) => use((s) => s.saveDraft(input.id, checkDocument(input.document, 'the draft').document), true),

    drafts: () => use((s) => ({ drafts: s.listDrafts() })),

    openDraft: (input) => use((s) => s.readDraft(input.id)),

    removeDraft: (input) => use((s) => ({ removed: s.removeDraft(input.id) })),

    storeStatus: () => {
      try {
        open();
      } catch {
        // reported below
      }
      return Promise.resolve(status());
    },
  };

  const status = (): StoreStatus => ({
    path,
    available: store !== null && store.isOpen,
    error: store !== null && store.isOpen ? null : lastError,
    movedAside,
  });

  return {
    impl,
    store: open,
    status,
    close: () => {
      if (watch !== null) clearInterval(watch);
      watch = null;
      store?.close();
      store = null;
    },
  };
}
