import { create } from 'zustand';

export type DockTab = 'train' | 'runs' | 'compare' | 'experiments';

/** The runs dock: open or not, which tab, the run shown, the runs picked for comparison. */
export interface DockState {
  open: boolean;
  tab: DockTab;
  /** The run whose view is open in the Runs tab (null: the history list). */
  runId: string | null;
  /** Runs ticked for comparison, in the order they were ticked. */
  compare: readonly string[];
  show(tab: DockTab): void;
  close(): void;
  openRun(runId: string | null): void;
  toggleCompare(runId: string): void;
  setCompare(runIds: readonly string[]): void;
}

export const useDock = create<DockState>((set) => ({
  open: false,
  tab: 'train',
  runId: null,
  compare: [],
  show: (tab) => set({ open: true, tab }),
  close: () => set({ open: false }),
  openRun: (runId) => set({ open: true, tab: 'runs', runId }),
  toggleCompare: (runId) => set((s) => ({ compare: s.compare.includes(runId) ? s.compare.filter((r) => r !== runId) : [...s.compare, runId] })),
  setCompare: (compare) => set({ compare }),
}));
