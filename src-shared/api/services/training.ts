import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Id, Ok } from '../common.js';
import { DatasetSpec } from './datasets.js';

export const EngineId = z.enum(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
export type EngineId = z.infer<typeof EngineId>;

/** An engine by name, or `auto`: the best available one (see the engines service's probe). */
export const EngineChoice = z.union([EngineId, z.literal('auto')]);
export type EngineChoice = z.infer<typeof EngineChoice>;

export const EngineStatus = z.object({
  id: EngineId,
  available: z.boolean(),
  /** Adapter / device when available; why not and the fix when not. */
  detail: z.string(),
});

export const OptimizerKind = z.enum(['sgd', 'momentum', 'adam', 'adamw']);
export type OptimizerKind = z.infer<typeof OptimizerKind>;

/**
 * How the learning rate changes over the run (after any warm-up):
 * - constant;
 * - step: multiplied by `factor` (÷10 by default, as in the ResNet paper) once each milestone
 *   epoch is reached — milestone m applies from the (m+1)-th epoch on, i.e. after m epochs;
 * - cosine: from the base rate down to `minLearningRate` at the end of the last epoch.
 */
export const LrSchedule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }).strict(),
  z
    .object({
      kind: z.literal('step'),
      milestones: z.array(z.number().int().min(1).max(100_000)).min(1).max(50),
      factor: z.number().positive().max(1).default(0.1),
    })
    .strict(),
  z.object({ kind: z.literal('cosine'), minLearningRate: z.number().min(0).max(10).default(0) }).strict(),
]);
export type LrSchedule = z.infer<typeof LrSchedule>;

/** Image augmentation of the training batches (never of validation or test). */
export const Augmentation = z
  .object({
    /** Pad each side with this many zero pixels, then crop back at a random offset. */
    cropPadding: z.number().int().min(0).max(64).default(0),
    /** Mirror left-right with probability 1/2. */
    flip: z.boolean().default(false),
  })
  .strict();

/**
 * A run's settings. Omitted values get defaults; `learningRate` and `weightDecay` default by
 * optimizer (SGD/momentum 0.1 and 1e-4, as the ResNet paper; Adam 1e-3 and 0; AdamW 1e-3 and
 * 0.01) and an omitted `seed` is drawn at random — the run records the values it used.
 *
 * Weight decay applies to kernels (weights of rank ≥ 2), not to biases or BatchNorm's γ/β. It is
 * L2 added to the gradient for SGD, momentum and Adam, and decoupled (w ← w − lr·wd·w, Loshchilov
 * & Hutter) for AdamW.
 */
export const Hyperparameters = z
  .object({
    optimizer: OptimizerKind.default('momentum'),
    learningRate: z.number().positive().max(10).optional(),
    /** momentum: the velocity's decay. */
    momentum: z.number().min(0).max(0.9999).default(0.9),
    /** momentum: Nesterov's look-ahead form. */
    nesterov: z.boolean().default(false),
    weightDecay: z.number().min(0).max(1).optional(),
    /** Adam / AdamW. */
    beta1: z.number().min(0).max(0.9999).default(0.9),
    beta2: z.number().min(0).max(0.999999).default(0.999),
    epsilon: z.number().positive().max(1).default(1e-8),
    schedule: LrSchedule.default({ kind: 'constant' }),
    /** Linear warm-up from ~0 to the base rate over this many epochs (fractions allowed; counted in steps). */
    warmupEpochs: z.number().min(0).max(1000).default(0),
    batchSize: z.number().int().min(1).max(65_536).default(32),
    epochs: z.number().int().min(1).max(10_000).default(10),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    augment: Augmentation.default({ cropPadding: 0, flip: false }),
    /** Use at most this many training examples (before the validation split) and as many test examples. */
    limit: z.number().int().min(1).max(100_000_000).optional(),
    /** Fraction of the training examples held out for validation. */
    validationFraction: z.number().min(0).max(0.9).default(0.1),
    /** Every this many steps: gradient and weight norms per node, residual ratios, dead ReLUs. */
    probeEvery: z.number().int().min(1).max(1_000_000).default(20),
  })
  .strict();
export type HyperparametersInput = z.input<typeof Hyperparameters>;

/** The settings a run actually used: every default filled in. */
export const ResolvedHyperparameters = z
  .object({
    ...Hyperparameters.shape,
    learningRate: z.number().positive().max(10),
    weightDecay: z.number().min(0).max(1),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
  })
  .strict();
export type ResolvedHyperparameters = z.infer<typeof ResolvedHyperparameters>;

export const DEFAULT_LEARNING_RATE: Readonly<Record<OptimizerKind, number>> = { sgd: 0.1, momentum: 0.1, adam: 1e-3, adamw: 1e-3 };
export const DEFAULT_WEIGHT_DECAY: Readonly<Record<OptimizerKind, number>> = { sgd: 1e-4, momentum: 1e-4, adam: 0, adamw: 0.01 };

/** Fills the optimizer-dependent defaults and the seed (`randomSeed` when none was given). */
export function resolveHyperparameters(input: HyperparametersInput, randomSeed: number): ResolvedHyperparameters {
  const h = Hyperparameters.parse(input);
  return ResolvedHyperparameters.parse({
    ...h,
    learningRate: h.learningRate ?? DEFAULT_LEARNING_RATE[h.optimizer],
    weightDecay: h.weightDecay ?? DEFAULT_WEIGHT_DECAY[h.optimizer],
    seed: h.seed ?? (Math.abs(Math.trunc(randomSeed)) % 2 ** 31),
  });
}

export const RunStatus = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'canceled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** A number that may be NaN or ±Infinity on the worker's side travels as null (JSON has neither). */
const Num = z.number().nullable();

/** Per-batch progress, sent a few times a second (every batch's loss is in `samples`). */
export const ProgressEvent = z.object({
  runId: Id,
  /** 1-based epoch in progress. */
  epoch: z.number().int().min(1),
  epochs: z.number().int().min(1),
  /** Global step (batches done since the run began), 1-based. */
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  stepsPerEpoch: z.number().int().min(0),
  /** The latest batch. */
  loss: Num,
  accuracy: Num,
  learningRate: z.number(),
  /** Training images per second over the current epoch so far. */
  imagesPerSecond: z.number().min(0),
  /** Seconds left for the whole run (training, validation and the final evaluation), or null before it can be told. */
  etaSeconds: z.number().min(0).nullable(),
  /** Every batch since the previous progress event. */
  samples: z.array(z.object({ step: z.number().int(), loss: Num, accuracy: Num, learningRate: z.number() })),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** One finished epoch (its checkpoint is saved when this is sent). */
export const EpochEvent = z.object({
  runId: Id,
  epoch: z.number().int().min(1),
  epochs: z.number().int().min(1),
  step: z.number().int().min(0),
  trainLoss: Num,
  trainAccuracy: Num,
  /** null when there is no validation split (validationFraction 0). */
  valLoss: Num,
  valAccuracy: Num,
  learningRate: z.number(),
  imagesPerSecond: z.number().min(0),
  seconds: z.number().min(0),
  etaSeconds: z.number().min(0).nullable(),
});
export type EpochEvent = z.infer<typeof EpochEvent>;

/**
 * Health of the network, every `probeEvery` steps, on that training batch (training mode):
 * - nodes: L2 norm of the gradient and of the weights of every node with trainable weights,
 *   by node id (copies of a repeated block are `<id>__r<k>`);
 * - residuals: for every two-input Add and every Gate, ‖F(x)‖ / ‖x‖ over the batch, where x is the
 *   shortcut — Gate's port x; for Add the input whose source comes earlier in topological order
 *   (as the quick fixes decide) — and F the residual branch;
 * - activations: for every ReLU, the fraction of its units (channels; features for flat tensors)
 *   that are 0 for every example and position of the batch ("dead").
 */
export const ProbeEvent = z.object({
  runId: Id,
  epoch: z.number().int().min(1),
  step: z.number().int().min(0),
  nodes: z.array(z.object({ nodeId: z.string(), gradNorm: Num, weightNorm: Num })),
  residuals: z.array(z.object({ nodeId: z.string(), shortcut: z.string(), branch: z.string(), ratio: Num })),
  activations: z.array(z.object({ nodeId: z.string(), deadFraction: Num })),
});
export type ProbeEvent = z.infer<typeof ProbeEvent>;

/** A small image: uint8 pixels, row-major, channels interleaved (1 gray, 3 RGB), base64 in JSON. */
export const SampleImage = z.object({
  width: z.number().int().min(1).max(1024),
  height: z.number().int().min(1).max(1024),
  channels: z.union([z.literal(1), z.literal(3)]),
  data: z.string().max(4_000_000),
});
export type SampleImage = z.infer<typeof SampleImage>;

/** A segmentation mask: one class index per pixel (uint8), row-major, base64. */
export const SampleMask = z.object({
  width: z.number().int().min(1).max(1024),
  height: z.number().int().min(1).max(1024),
  data: z.string().max(2_000_000),
});
export type SampleMask = z.infer<typeof SampleMask>;

/**
 * One example of the evaluated split with what the trained model made of it. Classification:
 * true and predicted class and the softmax probability of the predicted class. Segmentation:
 * the true and predicted masks (labels null; confidence is the mean probability of the predicted
 * class over the pixels).
 */
export const SamplePrediction = z.object({
  /** Position in the evaluated split. */
  index: z.number().int().min(0),
  image: SampleImage,
  trueLabel: z.number().int().min(0).nullable(),
  predictedLabel: z.number().int().min(0).nullable(),
  confidence: Num,
  trueMask: SampleMask.optional(),
  predictedMask: SampleMask.optional(),
});
export type SamplePrediction = z.infer<typeof SamplePrediction>;

export const MAX_SAMPLE_PREDICTIONS = 16;

/** The final evaluation (test split; the validation split when the dataset has no test part). */
export const Evaluation = z.object({
  split: z.enum(['test', 'validation']),
  task: z.enum(['classification', 'segmentation']),
  /** Examples evaluated (for segmentation, counts in the matrix are pixels). */
  examples: z.number().int().min(0),
  loss: Num,
  /** Accuracy (pixel accuracy for segmentation). */
  accuracy: Num,
  classNames: z.array(z.string()),
  /** Recall per true class; null for a class absent from the split. */
  perClassAccuracy: z.array(Num),
  /** confusion[true][predicted]. */
  confusion: z.array(z.array(z.number().int().min(0))),
  /** Segmentation: intersection over union per class (null where the class is absent from both), and their mean. */
  iou: z.array(Num).optional(),
  meanIou: Num.optional(),
  /** Up to MAX_SAMPLE_PREDICTIONS examples of the split with their predictions (kept with the run). */
  samples: z.array(SamplePrediction).max(MAX_SAMPLE_PREDICTIONS).default([]),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const EvaluationEvent = Evaluation.extend({ runId: Id });
export type EvaluationEvent = z.infer<typeof EvaluationEvent>;

export const StatusEvent = z.object({
  runId: Id,
  status: RunStatus,
  /** Failed: what went wrong, in one line (a NaN loss names the step). */
  error: z.string().optional(),
  engine: EngineId.optional(),
  /** What the engine runs on. */
  detail: z.string().optional(),
});
export type StatusEvent = z.infer<typeof StatusEvent>;

/** Where a run is now (for a run alive in this process). */
export const LiveState = z.object({
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(1),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  loss: Num,
  accuracy: Num,
  imagesPerSecond: z.number().min(0),
  etaSeconds: z.number().min(0).nullable(),
});
export type LiveState = z.infer<typeof LiveState>;

/** A run as the training service tells it: the stored record, or an unsaved (no project) run of this process. */
export const TrainingRun = z.object({
  id: Id,
  /** null: not saved (started without a project). */
  projectId: Id.nullable(),
  versionId: Id.nullable(),
  /** The dataset as the CLI spells it (`fashion-mnist`, `synthetic:segmentation`, `cifar10:/data`). */
  dataset: z.string(),
  engine: z.string(),
  /** The resolved hyperparameters, with `dataset` (the spec and what it held) and `engineRequested`. */
  hyperparameters: z.record(z.string(), z.unknown()),
  status: RunStatus,
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** A short name (a preset's network name), or null. */
  label: z.string().nullable(),
  /** Runs started together (a preset's experiment) share a group id; null for a lone run. */
  group: Id.nullable(),
  /** Running or paused in this process: where it is. */
  live: LiveState.nullable(),
});
export type TrainingRun = z.infer<typeof TrainingRun>;

export const StartReply = z.object({
  runId: Id,
  engine: EngineId,
  /** What the engine runs on (adapter, SIMD/threads, project kernels; why auto picked it). */
  detail: z.string(),
  /** Saved in the project store (a projectId was given). */
  persisted: z.boolean(),
  versionId: Id.nullable(),
  hyper: ResolvedHyperparameters,
  /** The memory preflight's estimate and what it was compared with. */
  memory: z.object({ estimatedBytes: z.number(), freeBytes: z.number() }),
});
export type StartReply = z.infer<typeof StartReply>;

/**
 * Names of the metric samples a run stores (projects.metrics reads them back). Per step:
 * train/loss, train/accuracy, train/lr. Per epoch (at the epoch's last step): epoch/*. Probes:
 * grad_norm/<node>, weight_norm/<node>, residual_ratio/<node>, dead_relu/<node>. Final
 * evaluation (at the last step): test/loss, test/accuracy, test/class_accuracy/<k>,
 * test/confusion/<true>/<pred> (up to 100 classes), test/iou/<k>, test/mean_iou.
 */
export const METRIC = {
  batchLoss: 'train/loss',
  batchAccuracy: 'train/accuracy',
  learningRate: 'train/lr',
  trainLoss: 'epoch/train_loss',
  trainAccuracy: 'epoch/train_accuracy',
  valLoss: 'epoch/val_loss',
  valAccuracy: 'epoch/val_accuracy',
  epochLearningRate: 'epoch/lr',
  imagesPerSecond: 'epoch/images_per_second',
  epochSeconds: 'epoch/seconds',
  testLoss: 'test/loss',
  testAccuracy: 'test/accuracy',
  testExamples: 'test/examples',
  meanIou: 'test/mean_iou',
} as const;

const MAX_METRIC_NAME = 100;

/** FNV-1a, 32 bits, as 8 hex digits (names too long for the store get a stable short form). */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** `prefix/nodeId`, or for ids too long for the store's 100-character names, a clipped id and a hash of it. */
export function nodeMetric(prefix: 'grad_norm' | 'weight_norm' | 'residual_ratio' | 'dead_relu', nodeId: string): string {
  const full = `${prefix}/${nodeId}`;
  if (full.length <= MAX_METRIC_NAME) return full;
  const hash = fnv(nodeId);
  return `${prefix}/${nodeId.slice(0, MAX_METRIC_NAME - prefix.length - 2 - hash.length)}~${hash}`;
}

/** How `--dataset` spells a spec (synthetic options other than the task are not spelled). */
export function formatDatasetSpec(spec: DatasetSpec): string {
  switch (spec.kind) {
    case 'fashion-mnist':
      return spec.path === undefined ? 'fashion-mnist' : `fashion-mnist:${spec.path}`;
    case 'cifar10':
      return `cifar10:${spec.path}`;
    case 'folder':
      return `folder:${spec.path}`;
    case 'synthetic':
      return spec.task === 'segmentation' ? 'synthetic:segmentation' : 'synthetic';
  }
}

const RunRef = z.object({ runId: Id }).strict();

const StartInput = z
  .object({
    /** Save the run against a version of this project (the version is found or made for `document`). */
    projectId: Id.optional(),
    document: DocumentJson,
    dataset: DatasetSpec,
    engine: EngineChoice.default('auto'),
    hyper: Hyperparameters.prefault({}),
  })
  .strict();

/** A run's short name (shown in lists and legends). */
export const RunLabel = z.string().trim().min(1).max(200);

export const EnqueueInput = StartInput.extend({
  /** Queued runs are stored (they survive a restart), so they need a project. */
  projectId: Id,
  label: RunLabel.optional(),
  group: Id.optional(),
}).strict();

export const EnqueueReply = z.object({
  runId: Id,
  versionId: Id,
  /** Position in the queue: 0 = started (or starting) now. */
  position: z.number().int().min(0),
  hyper: ResolvedHyperparameters,
});
export type EnqueueReply = z.infer<typeof EnqueueReply>;

/** The queue changed: the running run (if any) and the queued ones in the order they will run. */
export const QueueEvent = z.object({ running: Id.nullable(), queued: z.array(Id) });
export type QueueEvent = z.infer<typeof QueueEvent>;

/** What `preflight` answers: what a start would use, and why it would refuse (nothing is started). */
export const PreflightReply = z.object({
  ok: z.boolean(),
  /** The first reason a start would refuse, or null. */
  refusal: z.object({ kind: z.enum(['graph', 'dataset', 'memory', 'engine', 'run']), message: z.string() }).nullable(),
  /** The engine that would train, and why (auto: the probe's reason). null when none is available. */
  engine: z.object({ id: EngineId, reason: z.string() }).nullable(),
  /** Training-memory estimate (shared cost model) against free memory; null when the graph does not validate. */
  memory: z
    .object({
      estimatedBytes: z.number(),
      freeBytes: z.number(),
      paramsBytes: z.number(),
      gradientsBytes: z.number(),
      optimizerBytes: z.number(),
      activationsBytes: z.number(),
    })
    .nullable(),
  /** What the graph expects; null when it does not validate. */
  graph: z
    .object({
      inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      task: z.enum(['classification', 'segmentation']),
      classes: z.number().int(),
    })
    .nullable(),
  /** The dataset found; null when it cannot be read. */
  dataset: z
    .object({
      name: z.string(),
      task: z.string(),
      shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      classes: z.number().int(),
      classNames: z.array(z.string()),
      trainSize: z.number().int(),
      testSize: z.number().int(),
      location: z.string(),
    })
    .nullable(),
  hyper: ResolvedHyperparameters,
});
export type PreflightReply = z.infer<typeof PreflightReply>;

/** Hyperparameters a preset lets the user change (everything else is the preset's). */
export const PresetHyperOverrides = z
  .object({
    optimizer: OptimizerKind.optional(),
    learningRate: z.number().positive().max(10).optional(),
    weightDecay: z.number().min(0).max(1).optional(),
    batchSize: z.number().int().min(1).max(65_536).optional(),
    epochs: z.number().int().min(1).max(10_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    limit: z.number().int().min(1).max(100_000_000).optional(),
    validationFraction: z.number().min(0).max(0.9).optional(),
    probeEvery: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();
export type PresetHyperOverrides = z.infer<typeof PresetHyperOverrides>;

/** A published number to compare a network with (errors in percent). */
export const PresetReference = z.object({
  /** The number (a bound such as "> 20%" gives its bound). */
  testErrorPercent: z.number().nullable(),
  /** As the source prints it ("6.61%", "> 20%"). */
  text: z.string(),
  /** Where it comes from. */
  source: z.string(),
});
export type PresetReference = z.infer<typeof PresetReference>;

/** One network of an experiment preset. */
export const PresetNetwork = z.object({
  /** Stable key within the preset (`plain-20`, `shortcut-gating`). */
  key: z.string(),
  /** What runs are labelled with. */
  label: z.string(),
  description: z.string(),
  /** For the preset's default input shape (shared cost model). */
  params: z.number().int().min(0),
  flops: z.number().min(0),
  /** A published number to compare with, or null. */
  reference: PresetReference.nullable(),
});
export type PresetNetwork = z.infer<typeof PresetNetwork>;

export const ExperimentPresetInfo = z.object({
  id: z.string(),
  title: z.string(),
  /** What is compared, in one or two sentences. */
  summary: z.string(),
  /** What the seeds found and why, in plain words. */
  expected: z.string(),
  networks: z.array(PresetNetwork).min(1),
  /** Fashion-MNIST by default; CIFAR-10 when the user gives its path. */
  dataset: DatasetSpec,
  datasetNote: z.string(),
  /** The preset's hyperparameters (before the user's overrides). */
  hyper: Hyperparameters,
});
export type ExperimentPresetInfo = z.infer<typeof ExperimentPresetInfo>;

export const StartPresetReply = z.object({
  projectId: Id,
  group: Id,
  runs: z.array(z.object({ runId: Id, versionId: Id, label: z.string(), network: z.string() })),
});
export type StartPresetReply = z.infer<typeof StartPresetReply>;

/** One run of an experiment, as the outcome compares it (errors are percentages, 0–100). */
export const OutcomeRow = z.object({
  runId: Id,
  network: z.string(),
  label: z.string(),
  status: RunStatus,
  epochs: z.number().int().min(0),
  trainLoss: Num,
  trainErrorPercent: Num,
  valLoss: Num,
  valErrorPercent: Num,
  testErrorPercent: Num,
  params: z.number().int().min(0).nullable(),
  flops: z.number().min(0).nullable(),
  reference: PresetReference.nullable(),
});
export type OutcomeRow = z.infer<typeof OutcomeRow>;

export const PresetOutcome = z.object({
  preset: z.string(),
  title: z.string(),
  group: Id,
  expected: z.string(),
  /** Every run has ended (done, failed or canceled). */
  finished: z.boolean(),
  /** What these runs actually showed, honestly (or what is still missing). */
  statement: z.string(),
  rows: z.array(OutcomeRow),
});
export type PresetOutcome = z.infer<typeof PresetOutcome>;

export const trainingService = defineService(
  'training',
  {
    start: method(
      StartInput,
      StartReply,
      'Check the graph, the dataset and the memory, start the engine in a training worker, and start the run (the reply comes once the engine is up)',
    ),
    pause: method(RunRef, Ok, 'Pause after the current batch'),
    resume: method(RunRef, Ok, 'Resume a paused run'),
    cancel: method(RunRef, Ok, 'Cancel after the current batch (a queued run: take it out of the queue); finished epochs (metrics, checkpoints) are kept'),
    enqueue: method(
      EnqueueInput,
      EnqueueReply,
      'Check the run and store it as queued against its project version; queued runs train one after another in the order they were queued, and the queue survives a restart',
    ),
    queue: method(
      z.object({ projectId: Id.optional() }).strict(),
      z.object({ runs: z.array(TrainingRun) }),
      'The running run and the queued ones (of a project, or all), in the order they run',
    ),
    preflight: method(
      StartInput.omit({ projectId: true }),
      PreflightReply,
      'What a start would use and whether it would refuse: engine and why, training-memory estimate and free memory, the dataset found — nothing is started',
    ),
    presets: method(
      z.object({}).strict(),
      z.object({ presets: z.array(ExperimentPresetInfo) }),
      "The seeds' experiments: networks, expected outcome, default dataset and hyperparameters",
    ),
    startPreset: method(
      z
        .object({
          preset: z.string().min(1).max(100),
          /** Add the experiment's versions and runs to this project instead of a new one named after it. */
          projectId: Id.optional(),
          dataset: DatasetSpec.optional(),
          engine: EngineChoice.default('auto'),
          hyper: PresetHyperOverrides.prefault({}),
        })
        .strict(),
      StartPresetReply,
      "Create a project for an experiment (one saved version per network) and queue one run per network under one group id",
    ),
    presetOutcome: method(
      z.object({ group: Id }).strict(),
      PresetOutcome,
      "What an experiment's runs showed so far: final metrics per network next to the expected outcome and reference numbers",
    ),
    resumeRun: method(
      z
        .object({
          runId: Id,
          /** A new total number of epochs (default: the run's). */
          epochs: z.number().int().min(1).max(10_000).optional(),
        })
        .strict(),
      StartReply,
      'Continue a saved run that stopped (failed, canceled, or done with more epochs asked) from its last checkpoint — weights, optimizer state, epoch count — on the engine it recorded',
    ),
    runs: method(
      z.object({ projectId: Id.optional() }).strict(),
      z.object({ runs: z.array(TrainingRun) }),
      "A project's runs, oldest first, with the live state of those training now; without a project, the runs alive in this process",
    ),
    get: method(
      RunRef,
      z.object({
        run: TrainingRun,
        /** One entry per finished epoch. */
        epochs: z.array(EpochEvent.omit({ runId: true, etaSeconds: true })),
        evaluation: Evaluation.nullable(),
        checkpoints: z.array(z.object({ epoch: z.number().int(), createdAt: z.number(), bytes: z.number().int() })),
      }),
      "A run with its per-epoch results, final evaluation and checkpoints (step-level series: projects.metrics)",
    ),
  },
  {
    progress: ProgressEvent,
    epoch: EpochEvent,
    probe: ProbeEvent,
    evaluation: EvaluationEvent,
    status: StatusEvent,
    queue: QueueEvent,
  },
);
