import type { RunStatus } from '../../src-shared/api/services/training.js';
import type { RunState } from './runs-store.js';

/** Where a run is, from the freshest source there is: its latest event, its live state, or its stored curves. */
export interface ProgressFacts {
  readonly status: RunStatus;
  readonly epoch: number | null;
  readonly epochs: number | null;
  readonly step: number;
  readonly totalSteps: number | null;
  /** 0–1 for the progress bar. */
  readonly fraction: number;
  readonly loss: number | null;
  readonly accuracy: number | null;
  readonly imagesPerSecond: number | null;
  readonly etaSeconds: number | null;
}

export function progressFacts(run: RunState): ProgressFacts {
  const status = run.status ?? run.record?.status ?? 'queued';
  const p = run.progress;
  const live = run.record?.live ?? null;
  const s = run.series;
  const recorded = run.record?.hyperparameters.epochs;
  const last = <T>(xs: readonly T[]): T | undefined => xs[xs.length - 1];
  const epochs = p?.epochs ?? live?.epochs ?? (typeof recorded === 'number' ? recorded : null);
  const step = p?.step ?? live?.step ?? last(s.steps) ?? 0;
  const totalSteps = p?.totalSteps ?? live?.totalSteps ?? null;
  const epochsDone = s.epochs.length;
  const fraction =
    status === 'done' ? 1 : totalSteps !== null && totalSteps > 0 ? Math.min(1, step / totalSteps) : epochs !== null && epochs > 0 ? Math.min(1, epochsDone / epochs) : 0;
  return {
    status,
    epoch: p?.epoch ?? live?.epoch ?? (epochsDone > 0 ? epochsDone : null),
    epochs,
    step,
    totalSteps,
    fraction,
    loss: p?.loss ?? live?.loss ?? last(s.loss) ?? null,
    accuracy: p?.accuracy ?? live?.accuracy ?? last(s.accuracy) ?? null,
    imagesPerSecond: p?.imagesPerSecond ?? live?.imagesPerSecond ?? last(s.throughput) ?? null,
    etaSeconds: p?.etaSeconds ?? live?.etaSeconds ?? null,
  };
}
