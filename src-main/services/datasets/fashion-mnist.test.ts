import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeDataset } from './dataset.js';
import { describeFashionMnist, FASHION_MNIST_DEFAULT_DIR, openFashionMnist } from './fashion-mnist.js';
import { DatasetError } from './types.js';
import { collect, idxBytes, tempDir } from './testing.js';

const REAL = FASHION_MNIST_DEFAULT_DIR;
const haveReal = existsSync(join(REAL, 'train-images-idx3-ubyte.gz'));

describe.skipIf(!haveReal)(`Fashion-MNIST, the real files in ${REAL}${haveReal ? '' : ' (skipped: absent — install Debian’s dataset-fashion-mnist)'}`, () => {
  it('describes 60,000 + 10,000 images of 28x28 from the headers alone', async () => {
    const f = await describeFashionMnist(REAL);
    expect(f.train.count).toBe(60_000);
    expect(f.test.count).toBe(10_000);
    expect(f.train.images.endsWith('.gz')).toBe(true);
  });

  it('loads, splits with a seed, and serves normalized NHWC batches with the known first examples', async () => {
    const src = await openFashionMnist(REAL);
    expect(src.counts).toEqual({ train: 60_000, test: 10_000 });
    // The first example of each file is an ankle boot (class 9); known from the files themselves.
    const px = new Uint8Array(2 * 784);
    const lab = new Int32Array(2);
    await src.read('train', [0, 1], px, lab);
    expect(Array.from(lab)).toEqual([9, 0]);
    expect(px.subarray(0, 784).reduce((a, b) => a + b, 0)).toBe(76247);
    await src.read('test', [0], px, lab);
    expect(lab[0]).toBe(9);

    const ds = makeDataset(src, { limit: 1000, validationFraction: 0.2, seed: 3 });
    expect(ds.info).toMatchObject({ name: 'Fashion-MNIST', shape: [28, 28, 1], classes: 10, trainSize: 800, validationSize: 200, testSize: 1000 });
    const batches = await collect(ds.train, { batchSize: 128, shuffle: true, seed: 1 });
    expect(batches.map((b) => b.size)).toEqual([128, 128, 128, 128, 128, 128, 32]);
    const b = batches[0] as (typeof batches)[number];
    expect(b.xShape).toEqual([128, 28, 28, 1]);
    expect(b.x).toHaveLength(128 * 784);
    let sum = 0;
    let sq = 0;
    for (const v of b.x) {
      sum += v;
      sq += v * v;
    }
    const mean = sum / b.x.length;
    const std = Math.sqrt(sq / b.x.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.15); // normalized with the dataset's mean/std
    expect(std).toBeGreaterThan(0.85);
    expect(std).toBeLessThan(1.15);
    const seen = new Set<number>();
    for (const x of batches) for (const l of x.labels) seen.add(l);
    expect([...seen].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads the same data from uncompressed copies', async () => {
    const dir = tempDir('fm-plain');
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      if (f.startsWith('train-images')) {
        // Keep the test fast: a plain copy of the labels and images would be 47 MB; use the gz for train images.
        copyFileSync(join(REAL, `${f}.gz`), join(dir, `${f}.gz`));
      } else {
        writeFileSync(join(dir, f), gunzipSync(readFileSync(join(REAL, `${f}.gz`))));
      }
    }
    const src = await openFashionMnist(dir);
    const px = new Uint8Array(784);
    const lab = new Int32Array(1);
    await src.read('test', [0], px, lab);
    expect(lab[0]).toBe(9);
    expect(px.reduce((a, b) => a + b, 0)).toBe(33456);
  });
});

describe('Fashion-MNIST, bad folders and files (small fixtures)', () => {
  /** A tiny, valid Fashion-MNIST folder: n train and m test images of 28x28. */
  function fixture(n = 6, m = 3): string {
    const dir = tempDir('fm');
    const img = (k: number) => Uint8Array.from({ length: k * 784 }, (_, i) => i % 251);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), idxBytes([n, 28, 28], img(n), true));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), idxBytes([n], Uint8Array.from({ length: n }, (_, i) => i % 10), true));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([m, 28, 28], img(m)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([m], Uint8Array.from({ length: m }, (_, i) => (i * 3) % 10)));
    return dir;
  }

  it('a valid mix of .gz and plain files opens', async () => {
    const src = await openFashionMnist(fixture());
    expect(src.counts).toEqual({ train: 6, test: 3 });
  });

  it('a missing folder, a file instead of a folder, and a missing file are named', async () => {
    await expect(describeFashionMnist('/nonexistent/fm')).rejects.toThrow('/nonexistent/fm: folder not found');
    const dir = fixture();
    await expect(describeFashionMnist(join(dir, 't10k-images-idx3-ubyte'))).rejects.toThrow(/t10k-images-idx3-ubyte: is not a folder/);
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    await expect(describeFashionMnist(dir)).rejects.toThrow(`${join(dir, 't10k-labels-idx1-ubyte.gz')}: missing (expected t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz in ${dir})`);
  });

  it('label/image count mismatch, wrong image size and bad labels are named', async () => {
    let dir = fixture();
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([2], Uint8Array.from([1, 2])));
    await expect(describeFashionMnist(dir)).rejects.toThrow(/t10k-labels-idx1-ubyte: has 2 labels but .*t10k-images-idx3-ubyte has 3 images/);
    dir = fixture();
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([3, 32, 32], new Uint8Array(3 * 1024)));
    await expect(describeFashionMnist(dir)).rejects.toThrow(/t10k-images-idx3-ubyte: expected images of N×28×28, the IDX header says 3×32×32/);
    dir = fixture();
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([3], Uint8Array.from([1, 12, 2])));
    const err = await openFashionMnist(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/t10k-labels-idx1-ubyte: label 12 of example 1 is not a class 0–9/);
  });

  it('a truncated gzip image file is named when loading', async () => {
    const dir = fixture();
    const f = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(f, readFileSync(f).subarray(0, 40));
    await expect(openFashionMnist(dir)).rejects.toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip data`));
  });
});
