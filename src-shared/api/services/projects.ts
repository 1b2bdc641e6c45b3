import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Empty, Id, Name, Ok } from '../common.js';
import { MAX_OPEN_BYTES } from './dialog.js';
import { RunStatus } from './training.js';

export const ProjectSummary = z.object({
  id: Id,
  /** Names written by older versions may break today's Name rule; a listing still shows them. */
  name: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  trashedAt: z.number().nullable(),
  /** Working-copy revision; bumps on every save, used to detect two writers. */
  revision: z.number().int().min(0),
  /** How many versions and training runs the project has (in listings). */
  versionCount: z.number().int().min(0).optional(),
  runCount: z.number().int().min(0).optional(),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const VersionSummary = z.object({
  id: Id,
  projectId: Id,
  /** 1, 2, 3 … within the project. */
  number: z.number().int().min(1),
  message: z.string().max(2000),
  /** sha256 (hex) of the document's canonical JSON (keys sorted). */
  contentHash: z.string(),
  createdAt: z.number(),
});
export type VersionSummary = z.infer<typeof VersionSummary>;

/** Reply of a write to the working copy: saved at a new revision, or refused because someone else saved since. */
export const SaveReply = z.discriminatedUnion('saved', [
  z.object({ saved: z.literal(true), revision: z.number().int() }),
  z.object({ saved: z.literal(false), conflict: z.literal(true), currentRevision: z.number().int() }),
]);
export type SaveReply = z.infer<typeof SaveReply>;

/** One changed field of a node/edge/group: `params.filters`, `kind`, `position` … with its value before and after. */
export const FieldChange = z.object({ field: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });
export type FieldChange = z.infer<typeof FieldChange>;
export const RecordRef = z.object({ id: Id, kind: z.string().optional(), label: z.string().optional() });
export type RecordRef = z.infer<typeof RecordRef>;
export const RecordsDiff = z.object({
  added: z.array(RecordRef),
  removed: z.array(RecordRef),
  changed: z.array(RecordRef.extend({ changes: z.array(FieldChange) })),
});
export type RecordsDiff = z.infer<typeof RecordsDiff>;
/** What changed between two versions of a graph. */
export const DocumentDiff = z.object({
  identical: z.boolean(),
  nodes: RecordsDiff,
  edges: RecordsDiff,
  groups: RecordsDiff,
  /** Changes of the document's own fields (input, meta, schemaVersion). */
  document: z.array(FieldChange),
});
export type DocumentDiff = z.infer<typeof DocumentDiff>;

export const RunSummary = z.object({
  id: Id,
  projectId: Id,
  /** The immutable graph version that was trained. */
  versionId: Id,
  dataset: z.string(),
  engine: z.string(),
  hyperparameters: z.record(z.string(), z.unknown()),
  status: RunStatus,
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** A short name (a preset's network name), or null. */
  label: z.string().nullable(),
  /** Runs started together (a preset's experiment) share a group id; null for a lone run. */
  group: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** A metric sample; value null stands for NaN (a diverged loss). */
export const MetricPoint = z.object({
  name: z.string().min(1).max(100),
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  value: z.number().nullable(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** Where the projects are kept and whether the store could be opened (and what was moved aside). */
export const StoreStatus = z.object({
  path: z.string(),
  available: z.boolean(),
  /** Why not, when not (one line that says where and why). */
  error: z.string().nullable(),
  /** A damaged store found at open and renamed (never overwritten). */
  movedAside: z.object({ from: z.string(), to: z.string(), reason: z.string() }).nullable(),
});
export type StoreStatus = z.infer<typeof StoreStatus>;

/**
 * A draft: the working network of a window that is in no project, kept in the store on every edit
 * (debounced) so that the next start can offer it back. One per window; `id` is the window's.
 */
export const DraftSummary = z.object({
  id: Id,
  /** The network's name (meta.name), as it was when last kept. */
  name: z.string(),
  /** How many layers (nodes) it has. */
  layers: z.number().int().min(0),
  savedAt: z.number(),
});
export type DraftSummary = z.infer<typeof DraftSummary>;

export const projectsService = defineService(
  'projects',
  {
    list: method(
      z
        .object({
          /** Case-insensitive substring of the name. */
          query: z.string().max(200).optional(),
          includeTrashed: z.boolean().optional(),
          /** Only the trash. */
          onlyTrashed: z.boolean().optional(),
        })
        .strict(),
      z.object({ projects: z.array(ProjectSummary) }),
      'Projects, most recently changed first (optionally filtered by name)',
    ),
    create: method(
      z.object({ name: Name, document: DocumentJson.optional() }).strict(),
      ProjectSummary,
      'Create a project (empty, or from a document)',
    ),
    open: method(
      z.object({ id: Id }).strict(),
      z.object({ project: ProjectSummary, document: DocumentJson }),
      'The project and its working copy',
    ),
    rename: method(z.object({ id: Id, name: Name }).strict(), ProjectSummary, 'Rename a project'),
    duplicate: method(z.object({ id: Id, name: Name.optional() }).strict(), ProjectSummary, 'Copy a project (its working copy; versions and runs stay with the original)'),
    trash: method(z.object({ id: Id }).strict(), Ok, 'Move a project to the trash'),
    restore: method(z.object({ id: Id }).strict(), Ok, 'Bring a project back from the trash'),
    deleteForever: method(z.object({ id: Id }).strict(), Ok, 'Delete a project with its versions, runs and checkpoints'),
    emptyTrash: method(Empty, z.object({ deleted: z.number().int().min(0) }), 'Delete every project in the trash'),
    saveWorkingCopy: method(
      z.object({ id: Id, document: DocumentJson, baseRevision: z.number().int().min(0) }).strict(),
      SaveReply,
      'Autosave; refused (never overwritten) when someone else saved since baseRevision',
    ),
    saveVersion: method(
      z.object({ id: Id, message: z.string().max(2000) }).strict(),
      VersionSummary,
      'Freeze the working copy as an immutable version',
    ),
    versions: method(z.object({ id: Id }).strict(), z.object({ versions: z.array(VersionSummary) }), 'Version history, newest first'),
    getVersion: method(
      z.object({ id: Id, versionId: Id }).strict(),
      z.object({ version: VersionSummary, document: DocumentJson }),
      'One version and its document',
    ),
    diffVersions: method(
      z.object({ id: Id, from: Id, to: Id.optional() }).strict(),
      DocumentDiff,
      'Nodes, edges and groups added / removed / changed (params before -> after) from one version to another (to omitted: the working copy)',
    ),
    restoreVersion: method(
      z.object({ id: Id, versionId: Id, baseRevision: z.number().int().min(0) }).strict(),
      z.discriminatedUnion('saved', [
        z.object({ saved: z.literal(true), revision: z.number().int(), document: DocumentJson }),
        z.object({ saved: z.literal(false), conflict: z.literal(true), currentRevision: z.number().int() }),
      ]),
      'Make a version the working copy (a new revision; refused like a save when someone else saved since baseRevision)',
    ),
    importDocument: method(
      z.object({ text: z.string().max(MAX_OPEN_BYTES), name: Name.optional() }).strict(),
      z.object({ project: ProjectSummary, migratedFrom: z.number().int().nullable() }),
      'Create a project from .skipwire.json text; non-JSON, a wrong schema or a newer schemaVersion is refused with one line and changes nothing',
    ),
    exportDocument: method(
      z.object({ id: Id, versionId: Id.optional() }).strict(),
      z.object({ fileName: z.string(), text: z.string() }),
      'The working copy (or a version) as .skipwire.json text',
    ),
    runs: method(z.object({ id: Id }).strict(), z.object({ runs: z.array(RunSummary) }), 'Training runs of a project, oldest first'),
    metrics: method(
      z
        .object({
          runId: Id,
          names: z.array(z.string().min(1).max(100)).max(100).optional(),
          /** Only samples with a larger step (for incremental reads). */
          afterStep: z.number().int().min(-1).optional(),
          limit: z.number().int().min(1).max(100_000).optional(),
        })
        .strict(),
      z.object({ points: z.array(MetricPoint), more: z.boolean() }),
      'Metric samples of a run, by step',
    ),
    storeStatus: method(Empty, StoreStatus, 'Where projects are kept, whether the store opened, and what was moved aside'),
    saveDraft: method(
      z.object({ id: Id, document: DocumentJson }).strict(),
      DraftSummary,
      'Keep the working network of a window that is in no project (replaces that window’s draft)',
    ),
    drafts: method(Empty, z.object({ drafts: z.array(DraftSummary) }), 'Drafts left by windows, newest first (what the next start offers to recover)'),
    openDraft: method(z.object({ id: Id }).strict(), z.object({ draft: DraftSummary, document: DocumentJson }), 'A draft and its network, exactly as kept'),
    removeDraft: method(z.object({ id: Id }).strict(), z.object({ removed: z.boolean() }), 'Forget a draft (saved into a project, discarded, or declined); removed: false when there was none'),
  },
  {
    /** A project changed (saved, renamed, trashed …); `by` is the client that changed it, or `another process`. */
    changed: z.object({
      id: Id,
      revision: z.number().int(),
      by: z.string(),
      what: z.enum(['created', 'saved', 'renamed', 'trashed', 'restored', 'deleted', 'version']).optional(),
    }),
  },
);
