import type { DatasetSpec } from '../api/services/datasets.js';
import type { HyperparametersInput, OutcomeRow, PresetReference } from '../api/services/training.js';
import type { GraphDocument } from '../graph/document.js';

/** The input and classes the networks are built for (the dataset's). */
export interface ExperimentInput {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classes: number;
}

/** Fashion-MNIST: 28×28 grey, 10 classes (the default dataset of every preset). */
export const FASHION_MNIST_INPUT: ExperimentInput = { height: 28, width: 28, channels: 1, classes: 10 };
/** CIFAR-10: 32×32 RGB, 10 classes (when the user gives its path). */
export const CIFAR10_INPUT: ExperimentInput = { height: 32, width: 32, channels: 3, classes: 10 };

export interface ExperimentNetwork {
  /** Stable within the preset. */
  readonly key: string;
  readonly label: string;
  readonly description: string;
  readonly document: GraphDocument;
  readonly reference: PresetReference | null;
}

/**
 * One of the seeds' experiments: networks to train side by side, what the seeds found, and a
 * pure function that says what finished runs actually showed.
 */
export interface ExperimentPreset {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly expected: string;
  readonly datasetNote: string;
  readonly hyper: HyperparametersInput;
  /** The networks for this input (every one validates). */
  networks(input: ExperimentInput): ExperimentNetwork[];
  /** What the runs showed (rows: one per network, any status); honest about what is missing. */
  outcome(rows: readonly OutcomeRow[]): string;
}

/** The input the networks are built for, from the dataset spec. */
export function inputFor(spec: DatasetSpec): ExperimentInput {
  switch (spec.kind) {
    case 'fashion-mnist':
      return FASHION_MNIST_INPUT;
    case 'cifar10':
      return CIFAR10_INPUT;
    case 'folder':
      return spec.shape === undefined
        ? CIFAR10_INPUT
        : { height: spec.shape[0], width: spec.shape[1], channels: spec.shape[2], classes: 10 };
    case 'synthetic':
      return {
        height: spec.shape?.[0] ?? 32,
        width: spec.shape?.[1] ?? 32,
        channels: spec.shape?.[2] ?? 3,
        classes: spec.classes ?? 10,
      };
  }
}
