import { create } from 'zustand';

/** An experiment started from a preset: its runs share a group id in one project. */
export interface StartedExperiment {
  readonly group: string;
  readonly preset: string;
  readonly title: string;
  readonly projectId: string;
  /** The runs in queue order, with their network's label. */
  readonly runs: readonly { readonly runId: string; readonly label: string }[];
  readonly startedAt: number;
}

const KEY = 'skipwire.experiments';

function read(): StartedExperiment[] {
  if (typeof localStorage === 'undefined') return [];
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null && typeof (x as { group?: unknown }).group === 'string') as StartedExperiment[]) : [];
  } catch {
    return [];
  }
}

/** The experiments this browser started (newest first), kept across reloads; the runs themselves are in the store. */
export interface ExperimentsState {
  started: readonly StartedExperiment[];
  add(e: StartedExperiment): void;
  remove(group: string): void;
}

export const useExperiments = create<ExperimentsState>((set) => ({
  started: read(),
  add: (e) =>
    set((s) => {
      const started = [e, ...s.started.filter((x) => x.group !== e.group)].slice(0, 20);
      if (typeof localStorage !== 'undefined') localStorage.setItem(KEY, JSON.stringify(started));
      return { started };
    }),
  remove: (group) =>
    set((s) => {
      const started = s.started.filter((x) => x.group !== group);
      if (typeof localStorage !== 'undefined') localStorage.setItem(KEY, JSON.stringify(started));
      return { started };
    }),
}));
