import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import type { DatasetDescription } from '../../../src-shared/api/services/datasets.js';
import { describeCifar10, openCifar10 } from './cifar10.js';
import { makeDataset } from './dataset.js';
import { describeFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DEFAULT_DIR, openFashionMnist } from './fashion-mnist.js';
import { describeFolder, openFolder } from './folder.js';
import { openSynthetic } from './synthetic.js';
import type { Dataset, ExampleSource, OpenOptions } from './types.js';

export { DatasetSpec };

/**
 * Parses the CLI's `--dataset` value: `fashion-mnist[:PATH]`, `cifar10:PATH`, `folder:PATH`,
 * `synthetic`, `synthetic:segmentation`. Throws a one-line error on anything else.
 */
export function parseDatasetSpec(text: string): DatasetSpec {
  const i = text.indexOf(':');
  const kind = (i < 0 ? text : text.slice(0, i)).trim().toLowerCase();
  const rest = i < 0 ? '' : text.slice(i + 1);
  switch (kind) {
    case 'fashion-mnist':
    case 'fashion_mnist':
    case 'fashionmnist':
      return rest === '' ? { kind: 'fashion-mnist' } : { kind: 'fashion-mnist', path: rest };
    case 'cifar10':
    case 'cifar-10':
      if (rest === '') throw new Error('cifar10 needs a path: --dataset cifar10:PATH (the folder with data_batch_1..5.bin and test_batch.bin)');
      return { kind: 'cifar10', path: rest };
    case 'folder':
      if (rest === '') throw new Error('folder needs a path: --dataset folder:PATH (one subfolder of images per class)');
      return { kind: 'folder', path: rest };
    case 'synthetic':
      if (rest === '' || rest === 'classification') return { kind: 'synthetic', task: 'classification' };
      if (rest === 'segmentation') return { kind: 'synthetic', task: 'segmentation' };
      throw new Error(`synthetic takes "classification" or "segmentation", not "${rest}"`);
    default:
      throw new Error(`unknown dataset "${text}": use fashion-mnist[:PATH], cifar10:PATH, folder:PATH or synthetic[:segmentation]`);
  }
}

/** The graph's input shape and class count, which synthetic data (and folders' decoding) follow. */
export interface GraphHints {
  readonly shape?: readonly [number, number, number];
  readonly classes?: number;
}

function syntheticDefaults(spec: Extract<DatasetSpec, { kind: 'synthetic' }>, hints: GraphHints) {
  const task = spec.task;
  return {
    task,
    shape: spec.shape ?? hints.shape ?? ([32, 32, 3] as const),
    classes: spec.classes ?? hints.classes ?? (task === 'segmentation' ? 4 : 10),
    ...(spec.trainSize !== undefined ? { trainSize: spec.trainSize } : {}),
    ...(spec.testSize !== undefined ? { testSize: spec.testSize } : {}),
    ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
  };
}

/** Opens the example source a spec names (loading Fashion-MNIST into memory; others read on demand). */
export function openSource(spec: DatasetSpec, hints: GraphHints = {}): Promise<ExampleSource> {
  switch (spec.kind) {
    case 'fashion-mnist':
      return openFashionMnist(spec.path ?? FASHION_MNIST_DEFAULT_DIR);
    case 'cifar10':
      return openCifar10(spec.path);
    case 'folder': {
      const shape = spec.shape ?? hints.shape;
      return openFolder(spec.path, { ...(shape === undefined ? {} : { shape }), ...(spec.exclude === undefined ? {} : { exclude: spec.exclude }) });
    }
    case 'synthetic':
      return openSynthetic(syntheticDefaults(spec, hints));
  }
}

/** Opens a dataset and splits it (see makeDataset for what the options mean). */
export async function openDataset(spec: DatasetSpec, o: OpenOptions & GraphHints = {}): Promise<Dataset> {
  return makeDataset(await openSource(spec, o), o);
}

/**
 * Finds and checks a dataset without loading it: file headers and sizes, folder listings.
 * Throws a DatasetError naming the file or folder at fault.
 */
export async function describeDataset(spec: DatasetSpec, hints: GraphHints = {}): Promise<DatasetDescription> {
  switch (spec.kind) {
    case 'fashion-mnist': {
      const f = await describeFashionMnist(spec.path ?? FASHION_MNIST_DEFAULT_DIR);
      return {
        id: 'fashion-mnist',
        name: 'Fashion-MNIST',
        task: 'classification',
        shape: [28, 28, 1],
        classes: 10,
        classNames: [...FASHION_MNIST_CLASSES],
        trainSize: f.train.count,
        testSize: f.test.count,
        available: true,
        detail: `found in ${f.dir}`,
        location: f.dir,
      };
    }
    case 'cifar10': {
      const f = describeCifar10(spec.path);
      const src = await openCifar10(spec.path);
      await src.close();
      return {
        id: 'cifar10',
        name: 'CIFAR-10',
        task: 'classification',
        shape: [32, 32, 3],
        classes: 10,
        classNames: [...src.classNames],
        trainSize: f.train.reduce((a, b) => a + b.records, 0),
        testSize: f.test.reduce((a, b) => a + b.records, 0),
        available: true,
        detail: `found in ${f.dir}`,
        location: f.dir,
      };
    }
    case 'folder': {
      const l = describeFolder(spec.path);
      const shape = spec.shape ?? hints.shape ?? ([32, 32, 3] as const);
      return {
        id: 'folder',
        name: `images in ${spec.path}`,
        task: 'classification',
        shape: [shape[0], shape[1], shape[2]],
        classes: l.classes.length,
        classNames: l.classes,
        trainSize: l.files.train.length,
        testSize: l.files.test.length,
        available: true,
        detail: `${l.files.train.length + l.files.test.length} images in ${l.classes.length} classes${l.skipped > 0 ? `; ${l.skipped} non-image files skipped` : ''}`,
        location: spec.path,
      };
    }
    case 'synthetic': {
      const src = await openSynthetic(syntheticDefaults(spec, hints));
      return {
        id: spec.task === 'segmentation' ? 'synthetic-segmentation' : 'synthetic',
        name: src.name,
        task: src.task,
        shape: [src.shape[0], src.shape[1], src.shape[2]],
        classes: src.classes,
        classNames: [...src.classNames],
        trainSize: src.counts.train,
        testSize: src.counts.test,
        available: true,
        detail: `${src.location}; made in the graph's own input shape and class count`,
        location: src.location,
      };
    }
  }
}

/** Where a CIFAR-10 download is looked for when no path is given. */
export function cifarCandidates(dataDir: string): string[] {
  return [join(dataDir, 'datasets', 'cifar-10-batches-bin'), join(dataDir, 'datasets', 'cifar10')];
}

export function findCifar(dataDir: string): string | null {
  return cifarCandidates(dataDir).find((d) => existsSync(join(d, 'data_batch_1.bin'))) ?? null;
}
