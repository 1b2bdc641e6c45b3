import { z } from 'zod';
import { DocumentJson } from '../../../src-shared/api/common.js';
import { DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import {
  EngineChoice,
  EngineId,
  EpochEvent,
  Evaluation,
  ProbeEvent,
  ProgressEvent,
  ResolvedHyperparameters,
} from '../../../src-shared/api/services/training.js';

/**
 * The messages between the main side (TrainerManager) and a training worker, validated with zod
 * on both ends: a message that does not parse is an error, never guessed at. The events reuse the
 * training contract's payloads (without runId: a worker trains one run).
 */

/** Bytes (checkpoints); structured clone delivers a Uint8Array on the other side. */
const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes (a Uint8Array)');

// ---- main -> worker ---------------------------------------------------------------------------

export const StartMessage = z
  .object({
    type: z.literal('start'),
    /** The migrated graph document (the main side checked it). */
    document: DocumentJson,
    dataset: DatasetSpec,
    engine: EngineChoice,
    hyper: ResolvedHyperparameters,
    /** Continue from this checkpoint (Store blob) instead of fresh weights. */
    resume: z.object({ checkpoint: Bytes }).strict().optional(),
    /** At most one progress message per this many ms (every batch is still in its samples). */
    progressMs: z.number().int().min(0).max(60_000).default(250),
  })
  .strict();
export type StartMessage = z.infer<typeof StartMessage>;

export const ToWorker = z.discriminatedUnion('type', [
  StartMessage,
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
  z.object({ type: z.literal('cancel') }).strict(),
]);
export type ToWorker = z.input<typeof ToWorker>;

// ---- worker -> main ---------------------------------------------------------------------------

const EngineMessage = z
  .object({
    type: z.literal('engine'),
    engine: EngineId,
    /** tfjs backend name. */
    backend: z.string(),
    detail: z.string(),
    software: z.boolean(),
    kernels: z.array(z.string()),
  })
  .strict();

const ReadyMessage = z
  .object({
    type: z.literal('ready'),
    datasetName: z.string(),
    classNames: z.array(z.string()),
    trainSize: z.number().int().min(0),
    validationSize: z.number().int().min(0),
    testSize: z.number().int().min(0),
    stepsPerEpoch: z.number().int().min(0),
    totalSteps: z.number().int().min(0),
    /** Epochs and steps already done (a resumed run). */
    startEpoch: z.number().int().min(0),
    startStep: z.number().int().min(0),
  })
  .strict();

const StatusMessage = z.object({ type: z.literal('status'), status: z.enum(['running', 'paused']) }).strict();

const CheckpointMessage = z
  .object({ type: z.literal('checkpoint'), epoch: z.number().int().min(1), step: z.number().int().min(0), bytes: Bytes })
  .strict();

const DoneMessage = z.object({ type: z.literal('done'), status: z.enum(['done', 'canceled']), epochs: z.number().int().min(0) }).strict();

export const FailureKind = z.enum(['engine', 'graph', 'dataset', 'nan', 'checkpoint', 'error']);
export type FailureKind = z.infer<typeof FailureKind>;

const FailedMessage = z
  .object({
    type: z.literal('failed'),
    kind: FailureKind,
    /** One line: what went wrong and, where there is one, what to do. */
    error: z.string(),
    /** The global step at fault (a non-finite loss). */
    step: z.number().int().min(0).optional(),
  })
  .strict();

export const FromWorker = z.discriminatedUnion('type', [
  EngineMessage,
  ReadyMessage,
  StatusMessage,
  ProgressEvent.omit({ runId: true }).extend({ type: z.literal('progress') }).strict(),
  EpochEvent.omit({ runId: true }).extend({ type: z.literal('epoch') }).strict(),
  ProbeEvent.omit({ runId: true }).extend({ type: z.literal('probe') }).strict(),
  CheckpointMessage,
  Evaluation.extend({ type: z.literal('evaluation') }).strict(),
  DoneMessage,
  FailedMessage,
]);
export type FromWorker = z.infer<typeof FromWorker>;
export type FromWorkerOf<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

/** Parses a message; the error names what is wrong with it (for the run's error line). */
export function parseMessage<S extends z.ZodType>(schema: S, data: unknown, from: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue !== undefined && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  const type = typeof data === 'object' && data !== null && 'type' in data ? ` "${String((data as { type: unknown }).type)}"` : '';
  throw new Error(`bad message${type} from ${from}: ${where}${issue?.message ?? 'invalid'}`);
}
