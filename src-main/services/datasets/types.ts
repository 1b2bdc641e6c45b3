/** A dataset's kind of target. */
export type Task = 'classification' | 'segmentation';

/** Which stored part of a dataset: its training files or its test files. */
export type Part = 'train' | 'test';

/** A problem with a dataset, naming the file (or folder) at fault. */
export class DatasetError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DatasetError';
    this.file = file;
  }
}

/**
 * Raw examples as stored: 8-bit pixels, height × width × channels each, and a label each (a class
 * index, or an H×W mask of class indices for segmentation). Sources read on demand, so a large
 * dataset is never copied whole into one JS array unless it fits comfortably (Fashion-MNIST does).
 */
export interface ExampleSource {
  readonly name: string;
  readonly task: Task;
  /** [height, width, channels]. */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly classNames: readonly string[];
  /** Per-channel mean and standard deviation of pixels/255, used to normalize. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly counts: Readonly<Record<Part, number>>;
  /** Where it came from (a folder, or "generated with seed 7"). */
  readonly location: string;
  /**
   * Reads examples `indices` of `part` into `pixels` (indices.length × H×W×C bytes) and `labels`
   * (indices.length entries; × H×W for segmentation).
   */
  read(part: Part, indices: ArrayLike<number>, pixels: Uint8Array, labels: Int32Array): Promise<void>;
  close(): Promise<void>;
}

/** What a dataset is, once split. */
export interface DatasetInfo {
  readonly name: string;
  readonly task: Task;
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly classNames: readonly string[];
  readonly trainSize: number;
  readonly validationSize: number;
  readonly testSize: number;
  readonly location: string;
  /** Per-channel mean and standard deviation of pixels/255 the batches are normalized with (to show examples as images). */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** Random crop after zero padding, and horizontal flip (seeded; the mask follows the image). */
export interface AugmentOptions {
  /** Pad each side by this many pixels with zeros (black), then crop back at a random offset. */
  readonly cropPadding?: number;
  /** Mirror left-right with probability 1/2. */
  readonly flip?: boolean;
}

export interface BatchOptions {
  readonly batchSize: number;
  /** Visit the examples in a seeded random order (default false: stored order). */
  readonly shuffle?: boolean;
  /** Seed for the order and the augmentation; pass a different one each epoch (e.g. seed + epoch). */
  readonly seed?: number;
  readonly augment?: AugmentOptions;
  /** Skip a last, smaller batch. */
  readonly dropRemainder?: boolean;
}

/**
 * One batch: x is NHWC float32, normalized per channel ((pixel/255 − mean)/std). Labels are class
 * indices — one per example for classification, H×W per example for segmentation — as Int32Array
 * (the trainer turns them into one-hot tensors with tf.oneHot, on the device).
 */
export interface Batch {
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
  readonly xShape: [number, number, number, number];
  readonly labelShape: [number] | [number, number, number];
}

export interface Split {
  readonly size: number;
  batches(o: BatchOptions): AsyncGenerator<Batch>;
}

export interface Dataset {
  readonly info: DatasetInfo;
  readonly train: Split;
  readonly validation: Split;
  readonly test: Split;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Fraction of the (limited) training examples held out for validation (default 0.1). */
  readonly validationFraction?: number;
  /** Seed of the train/validation split and of which examples `limit` keeps (default 0). */
  readonly seed?: number;
  /** Use at most this many training examples (before the split) and this many test examples. */
  readonly limit?: number;
}
