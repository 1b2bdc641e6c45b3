import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { datasetNormalization } from '../../../src-shared/api/services/datasets.js';
import { readIdx, readIdxHeader } from './idx.js';
import { DatasetError } from './types.js';
import type { ExampleSource, Part } from './types.js';

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** The file for `base` in `dir`: plain or .gz, or a clear error naming what is missing. */
function locate(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new DatasetError(join(dir, `${base}.gz`), `missing (expected ${base} or ${base}.gz in ${dir})`);
}

function checkDir(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new DatasetError(dir, 'folder not found (Fashion-MNIST: the four IDX files, e.g. Debian’s dataset-fashion-mnist package)');
  }
  if (!isDir) throw new DatasetError(dir, 'is not a folder (give the folder holding the four Fashion-MNIST IDX files)');
}

export interface FashionMnistFiles {
  readonly dir: string;
  readonly train: { images: string; labels: string; count: number };
  readonly test: { images: string; labels: string; count: number };
}

/** Finds and checks the headers of the four files (cheap: no data is loaded). */
export async function describeFashionMnist(dir = FASHION_MNIST_DEFAULT_DIR): Promise<FashionMnistFiles> {
  checkDir(dir);
  const out: Partial<Record<Part, { images: string; labels: string; count: number }>> = {};
  for (const part of ['train', 'test'] as const) {
    const images = locate(dir, FILES[part].images);
    const labels = locate(dir, FILES[part].labels);
    const id = await readIdxHeader(images);
    const ld = await readIdxHeader(labels);
    checkImageDims(images, id);
    checkLabelDims(labels, ld, id[0] as number, images);
    out[part] = { images, labels, count: id[0] as number };
  }
  return { dir, train: out.train as FashionMnistFiles['train'], test: out.test as FashionMnistFiles['test'] };
}

function checkImageDims(file: string, dims: number[]): void {
  if (dims.length !== 3 || dims[1] !== 28 || dims[2] !== 28) {
    throw new DatasetError(file, `expected images of N×28×28, the IDX header says ${dims.join('×')}`);
  }
  if ((dims[0] ?? 0) === 0) throw new DatasetError(file, 'holds no images');
}

function checkLabelDims(file: string, dims: number[], images: number, imagesFile: string): void {
  if (dims.length !== 1) throw new DatasetError(file, `expected a 1-d label file, the IDX header says ${dims.join('×')}`);
  if (dims[0] !== images) throw new DatasetError(file, `has ${dims[0]} labels but ${imagesFile} has ${images} images`);
}

/**
 * Fashion-MNIST from IDX files (.gz or not). All 70,000 images fit in memory as bytes (55 MB);
 * batches are converted to float on demand.
 */
export async function openFashionMnist(dir = FASHION_MNIST_DEFAULT_DIR): Promise<ExampleSource> {
  const files = await describeFashionMnist(dir);
  const parts = {} as Record<Part, { images: Uint8Array; labels: Uint8Array }>;
  for (const part of ['train', 'test'] as const) {
    const { images: fi, labels: fl } = files[part];
    const [images, labels] = await Promise.all([readIdx(fi), readIdx(fl)]);
    checkImageDims(fi, images.dims);
    checkLabelDims(fl, labels.dims, images.dims[0] as number, fi);
    for (let i = 0; i < labels.data.length; i++) {
      if ((labels.data[i] as number) > 9) throw new DatasetError(fl, `label ${labels.data[i]} of example ${i} is not a class 0–9`);
    }
    parts[part] = { images: images.data, labels: labels.data };
  }
  const px = 28 * 28;
  return {
    name: 'Fashion-MNIST',
    task: 'classification',
    shape: [28, 28, 1],
    classes: 10,
    classNames: FASHION_MNIST_CLASSES,
    ...datasetNormalization('fashion-mnist', 1),
    counts: { train: files.train.count, test: files.test.count },
    location: files.dir,
    read(part, indices, pixels, labels) {
      const src = parts[part];
      for (let i = 0; i < indices.length; i++) {
        const k = indices[i] as number;
        pixels.set(src.images.subarray(k * px, (k + 1) * px), i * px);
        labels[i] = src.labels[k] as number;
      }
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
