import { create } from 'zustand';
import type { Clients } from '../../src-shared/api/index.js';
import type { EpochEvent, EvaluationEvent, ProgressEvent, RunStatus, StatusEvent, TrainingRun } from '../../src-shared/api/services/training.js';
import type { Host } from '../host/host.js';
import { isActive } from './format.js';
import { EMPTY_SERIES, STEP_METRICS, appendEpoch, appendProgress, seriesFromStored } from './series.js';
import type { RunSeries } from './series.js';

/** What this window knows about one run: from its events while it trains, and from the store. */
export interface RunState {
  readonly runId: string;
  readonly status: RunStatus | null;
  readonly engine: string | null;
  readonly detail: string | null;
  readonly error: string | null;
  /** The latest progress event (where the run is now). */
  readonly progress: ProgressEvent | null;
  readonly series: RunSeries;
  readonly evaluation: EvaluationEvent | null;
  /** The stored curves have been read (or the run has none stored). */
  readonly loaded: boolean;
  /** The run's record (dataset, engine, version, hyperparameters) as last read. */
  readonly record: TrainingRun | null;
}

export function emptyRun(runId: string): RunState {
  return { runId, status: null, engine: null, detail: null, error: null, progress: null, series: EMPTY_SERIES, evaluation: null, loaded: false, record: null };
}

export function onProgress(r: RunState, e: ProgressEvent): RunState {
  return { ...r, progress: e, status: r.status === null || r.status === 'queued' ? 'running' : r.status, series: appendProgress(r.series, e) };
}

export function onEpoch(r: RunState, e: EpochEvent): RunState {
  return { ...r, series: appendEpoch(r.series, e) };
}

export function onStatus(r: RunState, e: StatusEvent): RunState {
  return { ...r, status: e.status, engine: e.engine ?? r.engine, detail: e.detail ?? r.detail, error: e.error ?? (e.status === 'failed' ? r.error : null) };
}

/**
 * Stored curves joined with what the events brought meanwhile: the stored steps, then any live
 * step past them; epochs from both (stored wins for the same epoch).
 */
export function mergeStored(r: RunState, stored: RunSeries): RunState {
  const last = stored.steps[stored.steps.length - 1] ?? -Infinity;
  const keep = r.series.steps.map((s, i) => [s, i] as const).filter(([s]) => s > last);
  const lastT = stored.throughputSteps[stored.throughputSteps.length - 1] ?? -Infinity;
  const keepT = r.series.throughputSteps.map((s, i) => [s, i] as const).filter(([s]) => s > lastT);
  const storedEpochs = new Set(stored.epochs.map((e) => e.epoch));
  return {
    ...r,
    loaded: true,
    series: {
      steps: [...stored.steps, ...keep.map(([s]) => s)],
      loss: [...stored.loss, ...keep.map(([, i]) => r.series.loss[i] ?? null)],
      accuracy: [...stored.accuracy, ...keep.map(([, i]) => r.series.accuracy[i] ?? null)],
      lr: [...stored.lr, ...keep.map(([, i]) => r.series.lr[i] ?? null)],
      throughputSteps: [...stored.throughputSteps, ...keepT.map(([s]) => s)],
      throughput: [...stored.throughput, ...keepT.map(([, i]) => r.series.throughput[i] ?? 0)],
      epochs: [...stored.epochs, ...r.series.epochs.filter((e) => !storedEpochs.has(e.epoch))].sort((a, b) => a.epoch - b.epoch),
    },
  };
}

export interface RunsState {
  readonly runs: Readonly<Record<string, RunState>>;
  update(runId: string, f: (r: RunState) => RunState): void;
  /** Records as a list reply gave them (status and record only; curves load on demand). */
  records(runs: readonly TrainingRun[]): void;
}

export const useRuns = create<RunsState>((set) => ({
  runs: {},
  update: (runId, f) => set((s) => ({ runs: { ...s.runs, [runId]: f(s.runs[runId] ?? emptyRun(runId)) } })),
  records: (list) =>
    set((s) => {
      const runs = { ...s.runs };
      for (const rec of list) {
        const r = runs[rec.id] ?? emptyRun(rec.id);
        runs[rec.id] = { ...r, record: rec, status: r.status !== null && isActive(rec.status) ? r.status : rec.status, engine: r.engine ?? rec.engine };
      }
      return { runs };
    }),
}));

/** Feeds every training event of the host into the runs store; returns the unsubscribe. */
export function followTrainingEvents(host: Host): () => void {
  const { update } = useRuns.getState();
  const offs = [
    host.on('training', 'progress', (e) => update(e.runId, (r) => onProgress(r, e))),
    host.on('training', 'epoch', (e) => update(e.runId, (r) => onEpoch(r, e))),
    host.on('training', 'status', (e) => update(e.runId, (r) => onStatus(r, e))),
    host.on('training', 'evaluation', (e) => update(e.runId, (r) => ({ ...r, evaluation: e }))),
  ];
  return () => offs.forEach((off) => off());
}

/** Reads a run's step series page by page (projects.metrics caps one reply). */
export async function readStepMetrics(api: Clients, runId: string): Promise<Awaited<ReturnType<Clients['projects']['metrics']>>['points']> {
  const points: Awaited<ReturnType<Clients['projects']['metrics']>>['points'] = [];
  let afterStep = -1;
  for (let page = 0; page < 100; page++) {
    const r = await api.projects.metrics({ runId, names: [...STEP_METRICS], afterStep, limit: 20_000 });
    points.push(...r.points);
    const last = r.points[r.points.length - 1];
    if (!r.more || last === undefined) break;
    // A page may end in the middle of a step: read that step again from its start.
    const cut = last.step;
    while (points.length > 0 && points[points.length - 1]?.step === cut) points.pop();
    if (cut - 1 <= afterStep) break;
    afterStep = cut - 1;
  }
  return points;
}

/** Loads a saved run's curves, status and evaluation into the store (once per run unless `force`). */
export async function loadRun(api: Clients, runId: string, force = false): Promise<void> {
  const have = useRuns.getState().runs[runId];
  if (have?.loaded === true && !force) return;
  const got = await api.training.get({ runId });
  const points = got.run.projectId === null ? [] : await readStepMetrics(api, runId);
  const stored = seriesFromStored(points, got.epochs);
  useRuns.getState().update(runId, (r) => {
    const merged = mergeStored(r, stored);
    return {
      ...merged,
      status: r.status !== null && isActive(got.run.status) ? r.status : got.run.status,
      engine: r.engine ?? got.run.engine,
      record: got.run,
      error: got.run.error ?? r.error,
      evaluation: r.evaluation ?? (got.evaluation === null ? null : { ...got.evaluation, runId }),
    };
  });
}
