import { describe, expect, it } from 'vitest';
import { augmentExample, oneHot } from './augment.js';
import { makeDataset } from './dataset.js';
import { Rng } from './random.js';
import type { ExampleSource } from './types.js';
import { collect } from './testing.js';

/** A source whose example i (of part p) is a 2x3x1 image of value i (test: 100+i), label i % 3. */
function counting(train: number, test: number, task: 'classification' | 'segmentation' = 'classification'): ExampleSource & { reads: number[][] } {
  const reads: number[][] = [];
  return {
    reads,
    name: 'counting',
    task,
    shape: [2, 3, 1],
    classes: 3,
    classNames: ['a', 'b', 'c'],
    mean: [0],
    std: [1 / 255], // so x = pixel value exactly
    counts: { train, test },
    location: 'memory',
    read(part, indices, pixels, labels) {
      reads.push(Array.from(indices));
      for (let i = 0; i < indices.length; i++) {
        const k = indices[i] as number;
        pixels.fill((part === 'train' ? 0 : 100) + k, i * 6, (i + 1) * 6);
        if (task === 'segmentation') labels.fill(k % 3, i * 6, (i + 1) * 6);
        else labels[i] = k % 3;
      }
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

const ids = (bs: { x: Float32Array; size: number }[]) => bs.flatMap((b) => Array.from({ length: b.size }, (_, i) => b.x[i * 6] as number));

describe('makeDataset: splits', () => {
  it('holds out a seeded validation fraction, disjoint from train, the same for the same seed', async () => {
    const ds = makeDataset(counting(100, 20), { validationFraction: 0.2, seed: 4 });
    expect(ds.info).toMatchObject({ trainSize: 80, validationSize: 20, testSize: 20 });
    const train = ids(await collect(ds.train, { batchSize: 7 }));
    const val = ids(await collect(ds.validation, { batchSize: 7 }));
    expect(new Set([...train, ...val]).size).toBe(100);
    const again = makeDataset(counting(100, 20), { validationFraction: 0.2, seed: 4 });
    expect(ids(await collect(again.validation, { batchSize: 50 }))).toEqual(val);
    const other = makeDataset(counting(100, 20), { validationFraction: 0.2, seed: 5 });
    expect(ids(await collect(other.validation, { batchSize: 50 }))).not.toEqual(val);
    expect(ids(await collect(ds.test, { batchSize: 50 }))).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
  });

  it('limit keeps a seeded subset of train (before the split) and of test', async () => {
    const ds = makeDataset(counting(1000, 500), { limit: 50, validationFraction: 0.1, seed: 1 });
    expect(ds.info).toMatchObject({ trainSize: 45, validationSize: 5, testSize: 50 });
    const train = ids(await collect(ds.train, { batchSize: 100 }));
    expect(Math.max(...train)).toBeGreaterThan(100); // a random subset, not the first 50
  });

  it('refuses bad options', () => {
    expect(() => makeDataset(counting(10, 2), { validationFraction: 1 })).toThrow(/validationFraction/);
    expect(() => makeDataset(counting(10, 2), { limit: 0 })).toThrow(/limit must be a positive whole number/);
  });
});

describe('makeDataset: batches', () => {
  it('stored order by default, seeded shuffles per seed, remainder kept or dropped', async () => {
    const ds = makeDataset(counting(10, 0), { validationFraction: 0 });
    const plain = await collect(ds.train, { batchSize: 4 });
    expect(plain.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(ids(plain)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await collect(ds.train, { batchSize: 4, dropRemainder: true })).map((b) => b.size)).toEqual([4, 4]);
    const s1 = ids(await collect(ds.train, { batchSize: 4, shuffle: true, seed: 1 }));
    expect([...s1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ids(await collect(ds.train, { batchSize: 3, shuffle: true, seed: 1 }))).toEqual(s1);
    expect(ids(await collect(ds.train, { batchSize: 4, shuffle: true, seed: 2 }))).not.toEqual(s1);
  });

  it('normalizes per channel and labels by class index (one per example, or H×W for segmentation)', async () => {
    const [b] = await collect(makeDataset(counting(3, 0), { validationFraction: 0 }).train, { batchSize: 3 });
    expect(b?.xShape).toEqual([3, 2, 3, 1]);
    expect(b?.labelShape).toEqual([3]);
    expect(b?.x[6]).toBeCloseTo(1, 5);
    expect(Array.from(b?.labels ?? [])).toEqual([0, 1, 2]);
    const [s] = await collect(makeDataset(counting(3, 0, 'segmentation'), { validationFraction: 0 }).train, { batchSize: 3 });
    expect(s?.labelShape).toEqual([3, 2, 3]);
    expect(Array.from(s?.labels.subarray(6, 12) ?? [])).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('reads one batch ahead, and stopping early leaves nothing dangling', async () => {
    const src = counting(20, 0);
    const ds = makeDataset(src, { validationFraction: 0 });
    for await (const b of ds.train.batches({ batchSize: 5 })) {
      expect(b.size).toBe(5);
      break;
    }
    expect(src.reads.length).toBe(2); // the first batch and the read-ahead
  });

  it('refuses a bad batch size', async () => {
    await expect(collect(makeDataset(counting(3, 0)).train, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive whole number/);
  });
});

describe('augmentation', () => {
  // A 3x4 single-channel image with distinct values 1..12.
  const image = () => Uint8Array.from({ length: 12 }, (_, i) => i + 1);

  it('horizontal flip mirrors each row, and the mask follows', () => {
    // Find a seed whose first draws give no shift and a flip.
    for (let seed = 0; seed < 200; seed++) {
      const probe = new Rng(seed);
      if (probe.next() >= 0.5) continue;
      const px = image();
      const mask = Int32Array.from(image());
      augmentExample(new Rng(seed), 3, 4, 1, px, 0, true, new Uint8Array(12), mask, new Int32Array(12));
      expect(Array.from(px)).toEqual([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9]);
      expect(Array.from(mask)).toEqual([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9]);
      return;
    }
    throw new Error('no seed flipped');
  });

  it('random crop with padding shifts the image and fills with zeros; every shift in range happens', () => {
    const shifts = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      const px = image();
      augmentExample(new Rng(seed), 3, 4, 1, px, 1, false, new Uint8Array(12));
      // Recover the shift from where value 6 (row 1, col 1) went.
      const at = px.indexOf(6);
      const dy = at < 0 ? NaN : 1 - Math.floor(at / 4);
      const dx = at < 0 ? NaN : 1 - (at % 4);
      shifts.add(`${dy},${dx}`);
      // Check the whole image against the shift.
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 4; x++) {
          const sy = y + dy;
          const sx = x + dx;
          const want = sy < 0 || sy >= 3 || sx < 0 || sx >= 4 ? 0 : sy * 4 + sx + 1;
          expect(px[y * 4 + x]).toBe(want);
        }
    }
    expect(shifts.size).toBe(9);
  });

  it('is seeded inside batches: same seed, same augmented batch', async () => {
    const ds = makeDataset(counting(8, 0), { validationFraction: 0 });
    const o = { batchSize: 8, seed: 3, augment: { cropPadding: 1, flip: true } };
    const [a] = await collect(ds.train, o);
    const [b] = await collect(ds.train, o);
    const [c] = await collect(ds.train, { ...o, seed: 4 });
    expect(Array.from(a?.x ?? [])).toEqual(Array.from(b?.x ?? []));
    expect(Array.from(a?.x ?? [])).not.toEqual(Array.from(c?.x ?? []));
    const [plain] = await collect(ds.train, { batchSize: 8 });
    const zeros = (x: Float32Array | undefined) => Array.from(x ?? []).filter((v) => v === 0).length;
    expect(zeros(a?.x)).toBeGreaterThan(zeros(plain?.x)); // padding came in
  });

  it('oneHot', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow(/not a class index/);
  });
});
