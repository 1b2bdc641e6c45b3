import { randomInt } from 'node:crypto';
import { ContractError } from '../../../src-shared/api/errors.js';
import type { ServiceImpl } from '../../../src-shared/api/contract.js';
import { resolveHyperparameters } from '../../../src-shared/api/services/training.js';
import type { trainingService } from '../../../src-shared/api/services/training.js';
import { probeEngines } from '../engines/probe.js';
import type { ProbeReport } from '../engines/probe.js';
import { TrainingRefused } from './graph-facts.js';
import { Trainer } from './manager.js';
import type { TrainerOptions } from './manager.js';
import { preflightReport } from './preflight-report.js';
import { listPresets, presetOutcome, startPreset } from './presets.js';

/** Refusals are the caller's to fix (bad-request), except an engine that fails to start or a store that cannot save (failed). */
async function contract<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof TrainingRefused) throw new ContractError(err.kind === 'engine' || err.kind === 'store' ? 'failed' : 'bad-request', err.message);
    throw err;
  }
}

const OK = { ok: true as const };

export interface TrainingServiceOptions extends TrainerOptions {
  /** The engines probe for preflight (the app passes the engines service's cached one). */
  readonly probe?: () => Promise<ProbeReport>;
}

/**
 * The `training` contract service over a Trainer: runs train in worker threads, runs with a project
 * are saved in the project store with their metrics and checkpoints, and every event goes to every
 * client through `emit` (the dispatcher). Step-level series are read with projects.metrics.
 */
export function createTrainingService(o: TrainingServiceOptions): { impl: ServiceImpl<typeof trainingService>; trainer: Trainer } {
  const trainer = new Trainer(o);
  const probe = o.probe ?? (() => probeEngines());
  const impl: ServiceImpl<typeof trainingService> = {
    start: (input) => contract(() => trainer.start(input)),
    pause: ({ runId }) => contract(() => (trainer.pause(runId), OK)),
    resume: ({ runId }) => contract(() => (trainer.resume(runId), OK)),
    cancel: ({ runId }) => contract(() => (trainer.cancel(runId), OK)),
    resumeRun: ({ runId, epochs }) => contract(() => trainer.resumeRun(runId, epochs)),
    runs: ({ projectId }) => contract(() => ({ runs: trainer.list(projectId) })),
    get: ({ runId }) => contract(() => trainer.get(runId)),
    enqueue: (input) => contract(() => trainer.enqueue(input)),
    queue: ({ projectId }) => contract(() => ({ runs: trainer.queue(projectId) })),
    preflight: (input) =>
      contract(() => preflightReport({ ...input, hyper: resolveHyperparameters(input.hyper, randomInt(0, 2 ** 31 - 1)) }, { ...o, probe })),
    presets: () => contract(() => ({ presets: listPresets() })),
    startPreset: (input) => contract(() => startPreset(trainer, o, input)),
    presetOutcome: ({ group }) => contract(() => presetOutcome(trainer, o, group)),
  };
  return { impl, trainer };
}
