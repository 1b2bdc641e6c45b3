import type { GraphDocument } from '../../src-shared/graph/document.js';
import type { Clients } from '../../src-shared/api/index.js';

/** The project the open network is saved into, and the revision this window last saw. */
export interface SaveTarget {
  projectId: string;
  revision: number;
}

export type SaveOutcome =
  | { ok: true; target: SaveTarget; created: boolean; message: string }
  | { ok: false; target: SaveTarget | undefined; message: string };

/**
 * Save: the first save creates a project from the network; later saves write the working copy at
 * the revision this window last saw. When someone else saved since, nothing is overwritten: the
 * reply says so and the network stays here, unsaved (export it, or reopen the project).
 */
export async function saveToProject(api: Clients, doc: GraphDocument, target: SaveTarget | undefined): Promise<SaveOutcome> {
  const name = doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name;
  if (target === undefined) {
    const p = await api.projects.create({ name, document: doc });
    return { ok: true, created: true, target: { projectId: p.id, revision: p.revision }, message: `Saved as a new project “${p.name}”.` };
  }
  const r = await api.projects.saveWorkingCopy({ id: target.projectId, document: doc, baseRevision: target.revision });
  if (!r.saved) {
    return {
      ok: false,
      target,
      message: `Not saved: this project was saved elsewhere (revision ${r.currentRevision}, this window had ${target.revision}). Nothing was overwritten; export your network to keep it.`,
    };
  }
  return { ok: true, created: false, target: { projectId: target.projectId, revision: r.revision }, message: `Saved “${name}”.` };
}

/** Save version: save the working copy, then freeze it as an immutable version with a message. */
export async function saveProjectVersion(api: Clients, doc: GraphDocument, target: SaveTarget | undefined, message: string): Promise<SaveOutcome> {
  const saved = await saveToProject(api, doc, target);
  if (!saved.ok) return saved;
  const v = await api.projects.saveVersion({ id: saved.target.projectId, message });
  return { ...saved, message: `Saved version ${v.number}${message === '' ? '' : ` — ${message}`}.` };
}
