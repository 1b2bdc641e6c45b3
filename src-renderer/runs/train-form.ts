import { Hyperparameters } from '../../src-shared/api/services/training.js';
import type { EngineChoice, HyperparametersInput, OptimizerKind } from '../../src-shared/api/services/training.js';
import type { DatasetInfo, DatasetSpec } from '../../src-shared/api/services/datasets.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';

/** The Train panel's fields as typed (numbers as text, so a half-typed value is not lost). */
export interface TrainForm {
  datasetId: string;
  /** For CIFAR-10 and image folders: where they are. */
  datasetPath: string;
  engine: EngineChoice;
  optimizer: OptimizerKind;
  /** Empty: the optimizer's default. */
  learningRate: string;
  weightDecay: string;
  momentum: string;
  nesterov: boolean;
  batchSize: string;
  epochs: string;
  schedule: 'constant' | 'cosine' | 'step';
  /** Step schedule: epochs after which the rate is divided, comma-separated. */
  milestones: string;
  stepFactor: string;
  warmupEpochs: string;
  /** Empty: every example. */
  limit: string;
  validationFraction: string;
  /** Empty: a random seed (the run records it). */
  seed: string;
  cropPadding: string;
  flip: boolean;
  probeEvery: string;
}

/** Where the defaults came from, for the panel to say. */
export interface FormDefaults {
  readonly form: TrainForm;
  readonly source: string;
}

const BASE: TrainForm = {
  datasetId: 'synthetic',
  datasetPath: '',
  engine: 'auto',
  optimizer: 'momentum',
  learningRate: '',
  weightDecay: '',
  momentum: '0.9',
  nesterov: false,
  batchSize: '32',
  epochs: '10',
  schedule: 'constant',
  milestones: '',
  stepFactor: '0.1',
  warmupEpochs: '0',
  limit: '',
  validationFraction: '0.1',
  seed: '',
  cropPadding: '0',
  flip: false,
  probeEvery: '20',
};

/** Epochs at these fractions of the run, as text (`5,8` for 10 epochs at 0.5 and 0.75). */
function milestonesAt(epochs: number, fractions: readonly number[]): string {
  return [...new Set(fractions.map((f) => Math.max(1, Math.round(epochs * f))))].filter((m) => m < epochs).join(',');
}

/**
 * The papers' recipes, scaled to a short local run (10 epochs): ResNet / plain / pre-act (He et al.
 * 2015/2016): SGD momentum 0.9, lr 0.1, weight decay 1e-4, batch 128, ÷10 at 50% and 75%; WRN:
 * Nesterov, 5e-4, ×0.2 at 30/60/80%; DenseNet-BC: Nesterov, 1e-4, batch 64; ResNeXt: 5e-4;
 * U-Net / FCN: Adam 1e-3, batch 8. A network from no template gets the contract's defaults.
 */
export function defaultsFor(doc: GraphDocument): FormDefaults {
  const t = doc.meta.template?.id;
  const epochs = 10;
  const sgd = (wd: string, batch: string, milestones: string, extra: Partial<TrainForm> = {}): TrainForm => ({
    ...BASE,
    optimizer: 'momentum',
    learningRate: '0.1',
    weightDecay: wd,
    batchSize: batch,
    epochs: String(epochs),
    schedule: 'step',
    milestones,
    cropPadding: doc.input.height >= 32 ? '4' : '0',
    flip: doc.input.height >= 32,
    ...extra,
  });
  switch (t) {
    case 'resnet':
    case 'plain':
    case 'preact-resnet':
      return { form: sgd('0.0001', '128', milestonesAt(epochs, [0.5, 0.75])), source: `${t} recipe (He et al.): SGD momentum 0.9, lr 0.1, wd 1e-4, batch 128, ÷10 at 50% and 75% of the epochs` };
    case 'wrn':
      return { form: sgd('0.0005', '128', milestonesAt(epochs, [0.3, 0.6, 0.8]), { nesterov: true, stepFactor: '0.2' }), source: 'WRN recipe (Zagoruyko & Komodakis): Nesterov momentum, lr 0.1, wd 5e-4, ×0.2 at 30/60/80%' };
    case 'densenet-bc':
      return { form: sgd('0.0001', '64', milestonesAt(epochs, [0.5, 0.75]), { nesterov: true }), source: 'DenseNet recipe (Huang et al.): Nesterov momentum, lr 0.1, wd 1e-4, batch 64, ÷10 at 50% and 75%' };
    case 'resnext':
      return { form: sgd('0.0005', '128', milestonesAt(epochs, [0.5, 0.75])), source: 'ResNeXt recipe (Xie et al.): SGD momentum 0.9, lr 0.1, wd 5e-4, batch 128' };
    case 'unet':
    case 'fcn':
      return { form: { ...BASE, optimizer: 'adam', learningRate: '0.001', weightDecay: '0', batchSize: '8', epochs: String(epochs) }, source: `${t} for segmentation: Adam, lr 1e-3, batch 8` };
    default:
      return { form: { ...BASE }, source: 'the training defaults (momentum SGD, lr 0.1, batch 32)' };
  }
}

/**
 * The dataset a network should start with: segmentation networks the synthetic masks; a 28×28×1
 * input Fashion-MNIST and a 32×32×3 one CIFAR-10 when this machine has them; otherwise synthetic
 * data in the network's own shape.
 */
export function defaultDataset(doc: GraphDocument, datasets: readonly DatasetInfo[]): string {
  const has = (id: string): boolean => datasets.some((d) => d.id === id && d.available);
  const t = doc.meta.template?.id;
  if (doc.meta.task === 'segmentation' || t === 'unet' || t === 'fcn') return 'synthetic-segmentation';
  const { height, width, channels } = doc.input;
  if (height === 28 && width === 28 && channels === 1 && has('fashion-mnist')) return 'fashion-mnist';
  if (height === 32 && width === 32 && channels === 3 && has('cifar10')) return 'cifar10';
  return 'synthetic';
}

/** Dataset ids that need a path typed in. */
export function needsPath(datasetId: string): boolean {
  return datasetId === 'cifar10' || datasetId === 'folder';
}

export type FormResult =
  | { readonly ok: true; readonly dataset: DatasetSpec; readonly engine: EngineChoice; readonly hyper: HyperparametersInput }
  | { readonly ok: false; readonly field: keyof TrainForm; readonly message: string };

const LABEL: Readonly<Record<keyof TrainForm, string>> = {
  datasetId: 'Dataset',
  datasetPath: 'Dataset path',
  engine: 'Engine',
  optimizer: 'Optimizer',
  learningRate: 'Learning rate',
  weightDecay: 'Weight decay',
  momentum: 'Momentum',
  nesterov: 'Nesterov',
  batchSize: 'Batch size',
  epochs: 'Epochs',
  schedule: 'Schedule',
  milestones: 'Milestones',
  stepFactor: 'Step factor',
  warmupEpochs: 'Warm-up',
  limit: 'Limit',
  validationFraction: 'Validation',
  seed: 'Seed',
  cropPadding: 'Crop padding',
  flip: 'Flip',
  probeEvery: 'Probe every',
};

/** Hyperparameter paths (zod issue paths) back to the form's fields. */
const FIELD_OF_PATH: Readonly<Record<string, keyof TrainForm>> = {
  optimizer: 'optimizer',
  learningRate: 'learningRate',
  weightDecay: 'weightDecay',
  momentum: 'momentum',
  nesterov: 'nesterov',
  batchSize: 'batchSize',
  epochs: 'epochs',
  schedule: 'milestones',
  'schedule.milestones': 'milestones',
  'schedule.factor': 'stepFactor',
  warmupEpochs: 'warmupEpochs',
  limit: 'limit',
  validationFraction: 'validationFraction',
  seed: 'seed',
  'augment.cropPadding': 'cropPadding',
  'augment.flip': 'flip',
  probeEvery: 'probeEvery',
};

export function fieldLabel(f: keyof TrainForm): string {
  return LABEL[f];
}

class FieldError extends Error {
  constructor(
    readonly field: keyof TrainForm,
    message: string,
  ) {
    super(message);
  }
}

function num(form: TrainForm, field: keyof TrainForm, optional: true): number | undefined;
function num(form: TrainForm, field: keyof TrainForm, optional?: false): number;
function num(form: TrainForm, field: keyof TrainForm, optional = false): number | undefined {
  const text = String(form[field]).trim();
  if (text === '') {
    if (optional) return undefined;
    throw new FieldError(field, 'a number is required');
  }
  const v = Number(text);
  if (!Number.isFinite(v)) throw new FieldError(field, `“${text}” is not a number`);
  return v;
}

/** The request the form stands for, or the first field that is wrong and why (one line). */
export function formToRequest(form: TrainForm): FormResult {
  try {
    let dataset: DatasetSpec;
    const path = form.datasetPath.trim();
    switch (form.datasetId) {
      case 'fashion-mnist':
        dataset = path === '' ? { kind: 'fashion-mnist' } : { kind: 'fashion-mnist', path };
        break;
      case 'cifar10':
      case 'folder':
        if (path === '') throw new FieldError('datasetPath', `give the folder that holds ${form.datasetId === 'cifar10' ? 'CIFAR-10 (cifar-10-batches-bin)' : 'one sub-folder of images per class'}`);
        dataset = { kind: form.datasetId, path };
        break;
      case 'synthetic':
        dataset = { kind: 'synthetic', task: 'classification' };
        break;
      case 'synthetic-segmentation':
        dataset = { kind: 'synthetic', task: 'segmentation' };
        break;
      default:
        throw new FieldError('datasetId', `unknown dataset “${form.datasetId}”`);
    }
    const milestones =
      form.schedule === 'step'
        ? form.milestones
            .split(/[\s,]+/)
            .filter((m) => m !== '')
            .map((m) => {
              const v = Number(m);
              if (!Number.isInteger(v)) throw new FieldError('milestones', `“${m}” is not a whole epoch number`);
              return v;
            })
        : [];
    if (form.schedule === 'step' && milestones.length === 0) throw new FieldError('milestones', 'the step schedule needs at least one epoch, e.g. 5,8');
    const lr = num(form, 'learningRate', true);
    const wd = num(form, 'weightDecay', true);
    const limit = num(form, 'limit', true);
    const seed = num(form, 'seed', true);
    const hyper: HyperparametersInput = {
      optimizer: form.optimizer,
      ...(lr === undefined ? {} : { learningRate: lr }),
      ...(wd === undefined ? {} : { weightDecay: wd }),
      momentum: num(form, 'momentum'),
      nesterov: form.nesterov,
      batchSize: num(form, 'batchSize'),
      epochs: num(form, 'epochs'),
      schedule: form.schedule === 'step' ? { kind: 'step', milestones, factor: num(form, 'stepFactor') } : form.schedule === 'cosine' ? { kind: 'cosine', minLearningRate: 0 } : { kind: 'constant' },
      warmupEpochs: num(form, 'warmupEpochs'),
      ...(limit === undefined ? {} : { limit }),
      validationFraction: num(form, 'validationFraction'),
      ...(seed === undefined ? {} : { seed }),
      augment: { cropPadding: num(form, 'cropPadding'), flip: form.flip },
      probeEvery: num(form, 'probeEvery'),
    };
    const checked = Hyperparameters.safeParse(hyper);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const path = (issue?.path ?? []).map(String);
      const field = FIELD_OF_PATH[path.join('.')] ?? FIELD_OF_PATH[path[0] ?? ''] ?? 'optimizer';
      throw new FieldError(field, issue?.message ?? 'invalid value');
    }
    return { ok: true, dataset, engine: form.engine, hyper };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, field: e.field, message: `${LABEL[e.field]}: ${e.message}` };
    throw e;
  }
}
