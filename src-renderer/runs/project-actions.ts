import type { Clients } from '../../src-shared/api/index.js';
import { saveToProject } from '../editor/project-save.js';
import type { SaveOutcome } from '../editor/project-save.js';
import type { EditorStore } from '../editor/store.js';
import { useProject } from '../state/project-store.js';
import { readStoredDocument } from './version-summary.js';

/**
 * What the runs dock asks of the window's project session (src-renderer/projects/session.ts):
 * save the network (the first save creates its project), open a project, restore one of its
 * versions as the working copy and load it.
 */
export interface ProjectActions {
  save(): Promise<SaveOutcome>;
  open(projectId: string): Promise<boolean>;
  restoreVersion(versionId: string, label: string): Promise<boolean>;
}

type Notify = (level: 'info' | 'warning' | 'error', message: string) => void;

/**
 * The same moves straight through the contract and the project store, for a window without a
 * project session: whoever follows `useProject` (autosave) sees the current project move.
 */
export function directProjectActions(api: Clients, editor: EditorStore, notify: Notify): ProjectActions {
  return {
    async save() {
      const r = await saveToProject(api, editor.getState().doc, useProject.getState().current);
      useProject.getState().setCurrent(r.target);
      return r;
    },
    async open(projectId) {
      const r = await api.projects.open({ id: projectId });
      const d = readStoredDocument(r.document);
      if (!d.ok) {
        notify('error', `“${r.project.name}” cannot be opened: ${d.message}`);
        return false;
      }
      editor.getState().load(d.doc);
      useProject.getState().setCurrent({ projectId, revision: r.project.revision });
      return true;
    },
    async restoreVersion(versionId, label) {
      const t = useProject.getState().current;
      if (t === undefined) return false;
      const r = await api.projects.restoreVersion({ id: t.projectId, versionId, baseRevision: t.revision });
      if (!r.saved) {
        notify('warning', `Not restored: this project was saved elsewhere (revision ${r.currentRevision}, this window had ${t.revision}). Nothing was overwritten.`);
        return false;
      }
      const d = readStoredDocument(r.document);
      if (!d.ok) {
        notify('error', `${label} cannot be loaded: ${d.message}`);
        return false;
      }
      editor.getState().load(d.doc);
      useProject.getState().setCurrent({ projectId: t.projectId, revision: r.revision });
      notify('info', `Restored ${label}; it is now the working copy.`);
      return true;
    },
  };
}
