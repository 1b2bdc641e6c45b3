import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamplePrediction } from '../../../src-shared/api/services/training.js';
import { compileGraph } from '../../../src-shared/graph/compile.js';
import { openDataset } from '../datasets/spec.js';
import { Store } from '../store/store.js';
import { decodeCheckpoint } from './checkpoint.js';
import { Trainer } from './manager.js';
import { decodeSampleBytes } from './samples.js';
import { tempDir, tinyNet, tinySegNet, useBundledWorker, useCpuBackend } from './testing.js';

/**
 * The final evaluation's sample predictions are the trained model's: the run trains in a worker
 * (wasm); here its last checkpoint is loaded into the same graph on tfjs's cpu backend and run on
 * the same test examples, read again from the same synthetic dataset.
 */

let cleanup: () => void = () => undefined;
let dir = '';
beforeAll(async () => {
  await useBundledWorker();
  await useCpuBackend(tf);
  ({ dir, cleanup } = tempDir('eval-samples'));
}, 60_000);
afterAll(() => cleanup());

describe('sample predictions', () => {
  it('match the trained model: same pixels, same predicted class, same confidence', async () => {
    const store = Store.open(dir);
    const document = tinyNet({ residual: true });
    const project = store.createProject('samples', document);
    const t = new Trainer({ store: () => store, emit: () => undefined });
    const spec = { kind: 'synthetic', task: 'classification', trainSize: 256, testSize: 40 } as const;
    const hyper = { epochs: 2, batchSize: 16, seed: 9, optimizer: 'adam', learningRate: 0.01 } as const;
    const r = await t.start({ projectId: project.id, document, dataset: spec, engine: 'wasm', hyper });
    expect(await t.settled(r.runId)).toBe('done');
    const samples = SamplePrediction.array().parse(t.get(r.runId).evaluation?.samples);
    expect(samples).toHaveLength(16);

    // The same graph with the run's last weights, on the cpu backend.
    const compiled = compileGraph(tf, document);
    const weights = new Map(decodeCheckpoint(store.readCheckpoint(r.runId, 2)).weights.map((w) => [w.key, w]));
    for (const layer of compiled.model.layers) {
      layer.weights.forEach((lw, i) => {
        const w = weights.get(`${layer.name}#${i}`);
        if (w === undefined) throw new Error(`no weights for ${layer.name}#${i}`);
        lw.write(tf.tensor(w.values, [...w.shape]));
      });
    }
    // The same test examples, in the order the evaluation read them.
    const ds = await openDataset(spec, { seed: r.hyper.seed, validationFraction: r.hyper.validationFraction, shape: [8, 8, 3], classes: 4 });
    const norm = ds.info.normalization;
    let seen = 0;
    let checked = 0;
    for await (const b of ds.test.batches({ batchSize: 64 })) {
      const probs = tf.tidy(() => (compiled.model.predict(tf.tensor4d(b.x, b.xShape)) as tf.Tensor).arraySync() as number[][]);
      for (let i = 0; i < b.size; i++) {
        const s = samples.find((x) => x.index === seen + i);
        if (s === undefined) continue;
        checked++;
        const p = probs[i] ?? [];
        const best = p.indexOf(Math.max(...p));
        expect(s.trueLabel).toBe(b.labels[i]);
        expect(s.predictedLabel).toBe(best);
        expect(s.confidence).toBeCloseTo(p[best] ?? NaN, 3);
        // The image is the example's own pixels.
        const px = decodeSampleBytes(s.image.data);
        for (let k = 0; k < 8 * 8 * 3; k++) {
          const c = k % 3;
          const back = ((b.x[i * 192 + k] ?? 0) * (norm?.std[c] ?? 1) + (norm?.mean[c] ?? 0)) * 255;
          expect(Math.abs((px[k] ?? -1) - back)).toBeLessThan(0.51);
        }
      }
      seen += b.size;
    }
    expect(seen).toBe(40);
    expect(checked).toBe(16);
    await ds.close();
    await t.close();
    store.close();
  }, 90_000);

  it('segmentation: the true mask is the example\'s and the predicted mask is the model\'s argmax per pixel', async () => {
    const store = Store.open(`${dir}/seg`);
    const document = tinySegNet(4);
    const project = store.createProject('seg samples', document);
    const t = new Trainer({ store: () => store, emit: () => undefined });
    const spec = { kind: 'synthetic', task: 'segmentation', trainSize: 96, testSize: 20 } as const;
    const r = await t.start({ projectId: project.id, document, dataset: spec, engine: 'wasm', hyper: { epochs: 1, batchSize: 16, seed: 5, optimizer: 'adam', learningRate: 0.01 } });
    expect(await t.settled(r.runId)).toBe('done');
    const samples = SamplePrediction.array().parse(t.get(r.runId).evaluation?.samples);
    expect(samples).toHaveLength(16);

    const compiled = compileGraph(tf, document);
    const weights = new Map(decodeCheckpoint(store.readCheckpoint(r.runId, 1)).weights.map((w) => [w.key, w]));
    for (const layer of compiled.model.layers) layer.weights.forEach((lw, i) => lw.write(tf.tensor(weights.get(`${layer.name}#${i}`)?.values ?? [], lw.shape.map((d) => d ?? 0))));
    const ds = await openDataset(spec, { seed: r.hyper.seed, validationFraction: r.hyper.validationFraction, shape: [8, 8, 3], classes: 4 });
    let seen = 0;
    let pixels = 0;
    let agree = 0;
    for await (const b of ds.test.batches({ batchSize: 64 })) {
      const probs = tf.tidy(() => (compiled.model.predict(tf.tensor4d(b.x, b.xShape)) as tf.Tensor).arraySync() as number[][][][]);
      for (let i = 0; i < b.size; i++) {
        const s = samples.find((x) => x.index === seen + i);
        if (s === undefined) continue;
        expect(s).toMatchObject({ trueLabel: null, predictedLabel: null, trueMask: { width: 8, height: 8 }, predictedMask: { width: 8, height: 8 } });
        const truth = decodeSampleBytes(s.trueMask?.data ?? '');
        const predicted = decodeSampleBytes(s.predictedMask?.data ?? '');
        for (let p = 0; p < 64; p++) {
          expect(truth[p]).toBe(b.labels[i * 64 + p]);
          const q = probs[i]?.[Math.floor(p / 8)]?.[p % 8] ?? [];
          const sorted = [...q].sort((x, y) => y - x);
          // Pixels where two classes tie within float noise may go either way on another backend.
          if ((sorted[0] ?? 0) - (sorted[1] ?? 0) < 1e-4) continue;
          pixels++;
          if (predicted[p] === q.indexOf(sorted[0] ?? NaN)) agree++;
        }
      }
      seen += b.size;
    }
    expect(pixels).toBeGreaterThan(16 * 60);
    expect(agree).toBe(pixels);
    await ds.close();
    await t.close();
    store.close();
  }, 90_000);
});
