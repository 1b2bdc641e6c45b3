import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectEngine } from '../engines/select.js';
import { makeDataset } from './dataset.js';
import { maxSyntheticClasses, openSynthetic } from './synthetic.js';
import { collect } from './testing.js';

describe('synthetic data', () => {
  it('is deterministic per seed and index, and differs between seeds', async () => {
    const a = await openSynthetic({ shape: [12, 10, 3], classes: 12, seed: 5 });
    const b = await openSynthetic({ shape: [12, 10, 3], classes: 12, seed: 5 });
    const c = await openSynthetic({ shape: [12, 10, 3], classes: 12, seed: 6 });
    const read = async (s: typeof a, ids: number[]) => {
      const px = new Uint8Array(ids.length * 360);
      const lab = new Int32Array(ids.length);
      await s.read('train', ids, px, lab);
      return { px, lab };
    };
    const ra = await read(a, [7, 3, 1999]);
    const rb = await read(b, [1999, 7]);
    expect(Array.from(rb.px.subarray(360, 720))).toEqual(Array.from(ra.px.subarray(0, 360)));
    expect(rb.lab[0]).toBe(ra.lab[2]);
    const rc = await read(c, [7]);
    expect(Array.from(rc.px.subarray(0, 360))).not.toEqual(Array.from(ra.px.subarray(0, 360)));
  });

  it('covers every class, in any shape and channel count', async () => {
    for (const [shape, classes] of [
      [[8, 8, 1], 4],
      [[28, 28, 1], 30],
      [[16, 24, 3], 60],
      [[5, 5, 4], 10],
    ] as const) {
      const ds = makeDataset(await openSynthetic({ shape, classes, trainSize: 600 }), { validationFraction: 0 });
      expect(ds.info.shape).toEqual(shape);
      const seen = new Set<number>();
      for (const b of await collect(ds.train, { batchSize: 256 })) {
        expect(b.xShape.slice(1)).toEqual([...shape]);
        for (const l of b.labels) seen.add(l);
        expect(b.x.every((v) => Number.isFinite(v))).toBe(true);
      }
      expect(seen.size, `${shape.join('x')} with ${classes} classes`).toBe(classes);
    }
  });

  it('segmentation masks label the shapes drawn, background 0, and the image differs where the mask does', async () => {
    const src = await openSynthetic({ task: 'segmentation', shape: [16, 16, 3], classes: 5, trainSize: 50, seed: 2 });
    const ds = makeDataset(src, { validationFraction: 0 });
    const [b] = await collect(ds.train, { batchSize: 50 });
    expect(b?.labelShape).toEqual([50, 16, 16]);
    const counts = new Array<number>(5).fill(0);
    for (const l of b?.labels ?? []) counts[l] = (counts[l] ?? 0) + 1;
    counts.forEach((n, k) => expect(n, `class ${k} appears`).toBeGreaterThan(0));
    expect(counts[0] as number).toBeGreaterThan((b?.labels.length ?? 0) / 3); // mostly background
    // Shape pixels are bright, background dark: mean intensity inside masks ≫ outside.
    let inside = 0;
    let nIn = 0;
    let outside = 0;
    let nOut = 0;
    (b?.labels ?? new Int32Array()).forEach((l, p) => {
      const v = ((b?.x[p * 3] ?? 0) + (b?.x[p * 3 + 1] ?? 0) + (b?.x[p * 3 + 2] ?? 0)) / 3;
      if (l === 0) {
        outside += v;
        nOut++;
      } else {
        inside += v;
        nIn++;
      }
    });
    expect(inside / nIn).toBeGreaterThan(outside / nOut + 0.5);
  });

  it('refuses class counts it cannot make distinct, and bad shapes', async () => {
    expect(maxSyntheticClasses('classification', 1)).toBe(30);
    expect(maxSyntheticClasses('classification', 3)).toBe(60);
    await expect(openSynthetic({ shape: [8, 8, 1], classes: 31 })).rejects.toThrow(/makes 2–30 classes for 1 channel, not 31/);
    await expect(openSynthetic({ shape: [8, 8, 3], classes: 1 })).rejects.toThrow(/not 1/);
    await expect(openSynthetic({ shape: [2, 8, 3], classes: 3 })).rejects.toThrow(/at least 4x4/);
    await expect(openSynthetic({ task: 'segmentation', shape: [8, 8, 3], classes: 12 })).rejects.toThrow(/makes 2–11 classes/);
  });

  it('a small CNN learns it (wasm): validation accuracy far above chance after a few epochs', async () => {
    await selectEngine('wasm');
    const classes = 4;
    const ds = makeDataset(await openSynthetic({ shape: [16, 16, 1], classes, trainSize: 480, seed: 1 }), { validationFraction: 0.25, seed: 1 });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    for (let epoch = 0; epoch < 6; epoch++) {
      for await (const b of ds.train.batches({ batchSize: 32, shuffle: true, seed: epoch, augment: { flip: true } })) {
        const x = tf.tensor4d(b.x, b.xShape);
        const y = tf.oneHot(tf.tensor1d(b.labels, 'int32'), classes);
        await model.trainOnBatch(x, y);
        tf.dispose([x, y]);
      }
    }
    let right = 0;
    for await (const b of ds.validation.batches({ batchSize: 120 })) {
      const pred = tf.tidy(() => (model.predict(tf.tensor4d(b.x, b.xShape)) as tf.Tensor).argMax(-1));
      const p = await pred.data();
      pred.dispose();
      b.labels.forEach((l, i) => (right += l === p[i] ? 1 : 0));
    }
    const acc = right / ds.validation.size;
    expect(acc, `validation accuracy ${acc}`).toBeGreaterThan(0.6); // chance is 0.25
    model.dispose();
  }, 60_000);
});
