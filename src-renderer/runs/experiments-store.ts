import { create } from 'zustand';
import type { TrainingRun } from '../../src-shared/api/services/training.js';

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

/**
 * Experiments found in the store: runs of one project that share a group id (a preset's). The
 * group id starts with the preset's id (`degradation:<uuid>`); `titles` names the presets.
 */
export function experimentsFromRuns(projectId: string, runs: readonly TrainingRun[], titles: Readonly<Record<string, string>>): StartedExperiment[] {
  const groups = new Map<string, TrainingRun[]>();
  for (const r of runs) {
    if (r.group === null) continue;
    groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  }
  return [...groups.entries()].map(([group, rs]) => {
    const sorted = [...rs].sort((a, b) => a.createdAt - b.createdAt);
    const preset = group.split(':')[0] ?? group;
    return {
      group,
      preset,
      title: titles[preset] ?? preset,
      projectId,
      runs: sorted.map((r) => ({ runId: r.id, label: r.label ?? r.id })),
      startedAt: sorted[0]?.createdAt ?? 0,
    };
  });
}

/** The experiments this browser started and those found in the store, one per group, newest first. */
export function mergeExperiments(a: readonly StartedExperiment[], b: readonly StartedExperiment[]): StartedExperiment[] {
  const byGroup = new Map<string, StartedExperiment>();
  for (const e of [...b, ...a]) byGroup.set(e.group, e);
  return [...byGroup.values()].sort((x, y) => y.startedAt - x.startedAt);
}
