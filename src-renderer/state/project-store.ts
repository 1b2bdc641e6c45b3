import { create } from 'zustand';
import type { SaveTarget } from '../editor/project-save.js';
import type { AutosaveStatus } from '../projects/autosave.js';

/**
 * The project the open network belongs to (undefined: not saved into the store yet) and the
 * revision of its working copy this window last saw. Save, autosave, the projects page, the
 * version history and training all read and move it here.
 */
export interface ProjectState {
  current: SaveTarget | undefined;
  /** The current project's name as the store has it (undefined with no project). */
  name: string | undefined;
  /** What autosave is doing (the top bar shows it; the conflict banner appears on 'conflict'). */
  autosave: AutosaveStatus;
  /** Open this project (or none) in the editor's window. */
  setCurrent(target: SaveTarget | undefined): void;
  setName(name: string | undefined): void;
  setAutosave(status: AutosaveStatus): void;
}

export const useProject = create<ProjectState>((set) => ({
  current: undefined,
  name: undefined,
  autosave: { kind: 'detached' },
  setCurrent: (current) => set(current === undefined ? { current, name: undefined } : { current }),
  setName: (name) => set({ name }),
  setAutosave: (autosave) => set({ autosave }),
}));
