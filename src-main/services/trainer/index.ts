/** Training: a worker thread per run owns tfjs; the Trainer persists runs and emits the contract's events. */
export { Trainer } from './manager.js';
export type { TrainerOptions, TrainingEvents, EmitFn, EpochRow } from './manager.js';
export { createTrainingService } from './service.js';
export { TrainingRefused, graphFacts, checkCompatible } from './graph-facts.js';
export type { GraphFacts } from './graph-facts.js';
export { preflight, dawnAdapterLimits } from './preflight.js';
export type { AdapterLimits, PreflightOptions } from './preflight.js';
export { resolveWorkerPath, WORKER_FILE } from './worker-path.js';
export { learningRateAt } from './schedule.js';
