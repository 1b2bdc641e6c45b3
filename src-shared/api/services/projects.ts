import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Id, Name, Ok } from '../common.js';

export const ProjectSummary = z.object({
  id: Id,
  name: Name,
  createdAt: z.number(),
  updatedAt: z.number(),
  trashedAt: z.number().nullable(),
  /** Working-copy revision; bumps on every save, used to detect two writers. */
  revision: z.number().int().min(0),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const VersionSummary = z.object({
  id: Id,
  projectId: Id,
  message: z.string().max(2000),
  contentHash: z.string(),
  createdAt: z.number(),
});

export const projectsService = defineService(
  'projects',
  {
    list: method(
      z.object({ query: z.string().max(200).optional(), includeTrashed: z.boolean().optional() }).strict(),
      z.object({ projects: z.array(ProjectSummary) }),
      'Projects, most recently changed first',
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
    trash: method(z.object({ id: Id }).strict(), Ok, 'Move a project to the trash'),
    restore: method(z.object({ id: Id }).strict(), Ok, 'Bring a project back from the trash'),
    saveWorkingCopy: method(
      z.object({ id: Id, document: DocumentJson, baseRevision: z.number().int().min(0) }).strict(),
      z.discriminatedUnion('saved', [
        z.object({ saved: z.literal(true), revision: z.number().int() }),
        z.object({ saved: z.literal(false), conflict: z.literal(true), currentRevision: z.number().int() }),
      ]),
      'Autosave; refused (never overwritten) when someone else saved since baseRevision',
    ),
    saveVersion: method(
      z.object({ id: Id, message: z.string().max(2000) }).strict(),
      VersionSummary,
      'Freeze the working copy as an immutable version',
    ),
    versions: method(z.object({ id: Id }).strict(), z.object({ versions: z.array(VersionSummary) }), 'Version history'),
  },
  {
    /** Another client saved this project. */
    changed: z.object({ id: Id, revision: z.number().int(), by: z.string() }),
  },
);
