import { METRIC } from '../../src-shared/api/services/training.js';
import type { EpochEvent, ProgressEvent } from '../../src-shared/api/services/training.js';
import type { MetricPoint } from '../../src-shared/api/services/projects.js';

/** One finished epoch as the curves use it. */
export interface EpochPoint {
  readonly epoch: number;
  /** The global step at the epoch's end (where its validation point sits on a step axis). */
  readonly step: number;
  readonly trainLoss: number | null;
  readonly trainAccuracy: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly learningRate: number | null;
  readonly imagesPerSecond: number | null;
}

/**
 * A run's curves: per step (training batch loss, accuracy, learning rate), throughput as it was
 * reported, and per epoch. Immutable: every update returns a new object (the charts compare by
 * reference).
 */
export interface RunSeries {
  readonly steps: readonly number[];
  readonly loss: readonly (number | null)[];
  readonly accuracy: readonly (number | null)[];
  readonly lr: readonly (number | null)[];
  /** Images per second by step (live: each progress event; stored: each epoch). */
  readonly throughputSteps: readonly number[];
  readonly throughput: readonly number[];
  readonly epochs: readonly EpochPoint[];
}

export const EMPTY_SERIES: RunSeries = { steps: [], loss: [], accuracy: [], lr: [], throughputSteps: [], throughput: [], epochs: [] };

/** Adds a progress event's batches (those past the last step already held) and its throughput. */
export function appendProgress(s: RunSeries, e: Pick<ProgressEvent, 'step' | 'imagesPerSecond' | 'samples'>): RunSeries {
  const last = s.steps.length === 0 ? -Infinity : (s.steps[s.steps.length - 1] ?? -Infinity);
  const fresh = [...e.samples].filter((x) => x.step > last).sort((a, b) => a.step - b.step);
  const lastT = s.throughputSteps.length === 0 ? -Infinity : (s.throughputSteps[s.throughputSteps.length - 1] ?? -Infinity);
  const addT = e.step > lastT && e.imagesPerSecond > 0;
  if (fresh.length === 0 && !addT) return s;
  return {
    ...s,
    steps: fresh.length === 0 ? s.steps : [...s.steps, ...fresh.map((x) => x.step)],
    loss: fresh.length === 0 ? s.loss : [...s.loss, ...fresh.map((x) => x.loss)],
    accuracy: fresh.length === 0 ? s.accuracy : [...s.accuracy, ...fresh.map((x) => x.accuracy)],
    lr: fresh.length === 0 ? s.lr : [...s.lr, ...fresh.map((x) => x.learningRate)],
    throughputSteps: addT ? [...s.throughputSteps, e.step] : s.throughputSteps,
    throughput: addT ? [...s.throughput, e.imagesPerSecond] : s.throughput,
  };
}

/** Adds (or replaces) a finished epoch. */
export function appendEpoch(s: RunSeries, e: Omit<EpochEvent, 'runId' | 'etaSeconds' | 'epochs' | 'seconds'>): RunSeries {
  const point: EpochPoint = {
    epoch: e.epoch,
    step: e.step,
    trainLoss: e.trainLoss,
    trainAccuracy: e.trainAccuracy,
    valLoss: e.valLoss,
    valAccuracy: e.valAccuracy,
    learningRate: e.learningRate,
    imagesPerSecond: e.imagesPerSecond,
  };
  const epochs = [...s.epochs.filter((p) => p.epoch !== e.epoch), point].sort((a, b) => a.epoch - b.epoch);
  return { ...s, epochs };
}

/** The step-level metric names a stored run's curves need (projects.metrics `names`). */
export const STEP_METRICS: readonly string[] = [METRIC.batchLoss, METRIC.batchAccuracy, METRIC.learningRate];

/**
 * A stored run's curves: step series from its metric samples, epochs from training.get (their
 * throughput is the per-epoch images/s, as the run recorded it).
 */
export function seriesFromStored(points: readonly MetricPoint[], epochs: readonly Omit<EpochEvent, 'runId' | 'etaSeconds' | 'epochs' | 'seconds'>[]): RunSeries {
  const byStep = new Map<number, { loss: number | null; accuracy: number | null; lr: number | null }>();
  for (const p of points) {
    const key = p.name === METRIC.batchLoss ? 'loss' : p.name === METRIC.batchAccuracy ? 'accuracy' : p.name === METRIC.learningRate ? 'lr' : null;
    if (key === null) continue;
    const row = byStep.get(p.step) ?? { loss: null, accuracy: null, lr: null };
    row[key] = p.value;
    byStep.set(p.step, row);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  let s: RunSeries = {
    ...EMPTY_SERIES,
    steps,
    loss: steps.map((k) => byStep.get(k)?.loss ?? null),
    accuracy: steps.map((k) => byStep.get(k)?.accuracy ?? null),
    lr: steps.map((k) => byStep.get(k)?.lr ?? null),
  };
  for (const e of epochs) s = appendEpoch(s, e);
  const withRate = s.epochs.filter((e) => e.imagesPerSecond !== null);
  return { ...s, throughputSteps: withRate.map((e) => e.step), throughput: withRate.map((e) => e.imagesPerSecond ?? 0) };
}

/** The last finished epoch, or undefined. */
export function lastEpoch(s: RunSeries): EpochPoint | undefined {
  return s.epochs[s.epochs.length - 1];
}

/**
 * The curves up to a step (a run resumed from the checkpoint at that step trains the later steps
 * again: what the stopped attempt did after it is dropped).
 */
export function truncateAfter(s: RunSeries, step: number): RunSeries {
  const keep = s.steps.findIndex((x) => x > step);
  const n = keep === -1 ? s.steps.length : keep;
  const keepT = s.throughputSteps.findIndex((x) => x > step);
  const m = keepT === -1 ? s.throughputSteps.length : keepT;
  return {
    steps: s.steps.slice(0, n),
    loss: s.loss.slice(0, n),
    accuracy: s.accuracy.slice(0, n),
    lr: s.lr.slice(0, n),
    throughputSteps: s.throughputSteps.slice(0, m),
    throughput: s.throughput.slice(0, m),
    epochs: s.epochs.filter((e) => e.step <= step),
  };
}
