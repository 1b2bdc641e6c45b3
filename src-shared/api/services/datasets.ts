import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { Empty, Id } from '../common.js';

const Shape = z.tuple([z.number().int().min(1).max(4096), z.number().int().min(1).max(4096), z.number().int().min(1).max(64)]);
const Path = z.string().min(1).max(4096);

export const DatasetInfo = z.object({
  id: Id,
  name: z.string(),
  task: z.enum(['classification', 'segmentation', 'regression']),
  shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  classes: z.number().int().min(0),
  trainSize: z.number().int().min(0),
  testSize: z.number().int().min(0),
  available: z.boolean(),
  /** Where it was found, or why it is not available and how to get it. */
  detail: z.string(),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

/**
 * Which dataset to use, as the CLI's `--dataset` spells it: `fashion-mnist[:PATH]`,
 * `cifar10:PATH`, `folder:PATH`, `synthetic[:segmentation]`.
 */
export const DatasetSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fashion-mnist'), path: Path.optional() }).strict(),
  z.object({ kind: z.literal('cifar10'), path: Path }).strict(),
  z
    .object({
      kind: z.literal('folder'),
      path: Path,
      shape: Shape.optional(),
      /** Train without the images that cannot be decoded (found by a scan before training) instead of refusing the run. */
      skipBadImages: z.boolean().optional(),
      /** Images left out: what the scan found undecodable when skipBadImages was asked for (kept with the run). */
      exclude: z.array(Path).max(100_000).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('synthetic'),
      task: z.enum(['classification', 'segmentation']).default('classification'),
      /** The graph's input shape (default 32×32×3). */
      shape: Shape.optional(),
      /** The graph's class count (default 10; segmentation: mask classes with background, default 4). */
      classes: z.number().int().min(2).max(1000).optional(),
      trainSize: z.number().int().min(1).max(1_000_000).optional(),
      testSize: z.number().int().min(0).max(1_000_000).optional(),
      seed: z.number().int().optional(),
    })
    .strict(),
]);
export type DatasetSpec = z.infer<typeof DatasetSpec>;

/**
 * The per-channel mean and standard deviation (of pixel/255) each kind of dataset normalizes its
 * batches with, `(pixel/255 − mean)/std`: what a model trained on it expects, so exports state it.
 * The dataset readers take theirs from here.
 */
export function datasetNormalization(kind: DatasetSpec['kind'], channels: number): { readonly mean: readonly number[]; readonly std: readonly number[] } {
  const each = (v: number): number[] => Array.from({ length: channels }, () => v);
  switch (kind) {
    case 'fashion-mnist':
      return { mean: [0.286], std: [0.353] };
    case 'cifar10':
      return { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
    case 'folder':
    case 'synthetic':
      return { mean: each(0.5), std: each(0.5) };
  }
}

/** A dataset found and checked (headers and sizes only; nothing is loaded). */
export const DatasetDescription = DatasetInfo.extend({
  classNames: z.array(z.string()),
  /** The folder or file it was read from, or how it is generated. */
  location: z.string(),
});
export type DatasetDescription = z.infer<typeof DatasetDescription>;

export const datasetsService = defineService(
  'datasets',
  {
    list: method(Empty, z.object({ datasets: z.array(DatasetInfo) }), 'Datasets found on this machine'),
    describe: method(
      z.object({ spec: DatasetSpec }).strict(),
      DatasetDescription,
      'Find and check one dataset (a path for CIFAR-10, image folders, or Fashion-MNIST elsewhere); the error names the file at fault',
    ),
  },
  {},
);
