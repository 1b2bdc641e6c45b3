import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Empty, Id, Ok } from '../common.js';

export const EngineId = z.enum(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
export type EngineId = z.infer<typeof EngineId>;

export const EngineStatus = z.object({
  id: EngineId,
  available: z.boolean(),
  /** Adapter / device when available; why not and the fix when not. */
  detail: z.string(),
});

export const Hyperparameters = z.object({
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(65_536),
  learningRate: z.number().positive().max(10),
  optimizer: z.enum(['sgd', 'momentum', 'adam']),
  momentum: z.number().min(0).max(1).optional(),
  weightDecay: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});

export const RunStatus = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'canceled']);

export const trainingService = defineService(
  'training',
  {
    engines: method(Empty, z.object({ engines: z.array(EngineStatus) }), 'Engines probed on this machine'),
    start: method(
      z
        .object({
          projectId: Id.optional(),
          document: DocumentJson,
          datasetId: Id,
          engine: EngineId.optional(),
          hyper: Hyperparameters,
        })
        .strict(),
      z.object({ runId: Id, engine: EngineId }),
      'Start a run in a worker',
    ),
    pause: method(z.object({ runId: Id }).strict(), Ok, 'Pause after the current batch'),
    resume: method(z.object({ runId: Id }).strict(), Ok, 'Resume a paused run'),
    cancel: method(z.object({ runId: Id }).strict(), Ok, 'Cancel; finished epochs are kept'),
  },
  {
    progress: z.object({
      runId: Id,
      epoch: z.number().int(),
      step: z.number().int(),
      metrics: z.record(z.string(), z.number()),
    }),
    status: z.object({ runId: Id, status: RunStatus, error: z.string().optional() }),
  },
);
