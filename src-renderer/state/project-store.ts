import { create } from 'zustand';
import type { SaveTarget } from '../editor/project-save.js';

/**
 * The project the open network belongs to (undefined: not saved into the store yet) and the
 * revision of its working copy this window last saw. Save, autosave, the projects page, the
 * version history and training all read and move it here.
 */
export interface ProjectState {
  current: SaveTarget | undefined;
  /** Open this project (or none) in the editor's window. */
  setCurrent(target: SaveTarget | undefined): void;
}

export const useProject = create<ProjectState>((set) => ({
  current: undefined,
  setCurrent: (current) => set({ current }),
}));
