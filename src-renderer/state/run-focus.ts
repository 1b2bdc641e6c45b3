import { create } from 'zustand';

/**
 * The run the app is showing: its curves, its gradient-flow overlay on the canvas, its health and
 * evaluation panels. null: none (the canvas shows no overlay). The runs panel sets it when a run
 * starts or the person picks one; the overlay and the panels follow it.
 */
export interface RunFocusState {
  focusedRunId: string | null;
  /** Whether the canvas tints nodes and edges by the focused run's gradient norms. */
  overlay: boolean;
  focus(runId: string | null): void;
  setOverlay(on: boolean): void;
}

export const useRunFocus = create<RunFocusState>((set) => ({
  focusedRunId: null,
  overlay: true,
  focus: (focusedRunId) => set({ focusedRunId }),
  setOverlay: (overlay) => set({ overlay }),
}));
