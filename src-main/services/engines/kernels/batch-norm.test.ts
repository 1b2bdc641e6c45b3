import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_GRAD_SUMS } from './batch-norm-grad.js';
import { registerProjectKernels, restoreGradient } from './index.js';
import { gradients, inputOf, relErr, setupBackends, withShipped } from './testing.js';
import type { Input } from './testing.js';

beforeAll(setupBackends);

/** Runs `f` with tfjs's own FusedBatchNorm and Mean gradients, then puts the project's back. */
async function withShippedGradients<T>(f: () => Promise<T>): Promise<T> {
  restoreGradient('FusedBatchNorm');
  restoreGradient('Mean');
  try {
    return await f();
  } finally {
    registerProjectKernels('wasm');
    registerProjectKernels('cpu');
  }
}

/** Training-mode BatchNorm as tfjs-layers computes it: batch moments, then batchNorm. */
const trainBn =
  (axes: number[], eps = 1e-3) =>
  (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
    const m = tf.moments(x, axes);
    return tf.batchNorm(x, m.mean, m.variance, beta, gamma, eps);
  };

const SHAPES: [number, number, number, number][] = [
  [2, 4, 4, 3],
  [4, 8, 8, 16],
  [1, 3, 5, 7],
  [8, 2, 2, 64],
  [8, 32, 32, 16], // 131K elements: statistics, normalization, sums and tiles split over the threads
  [5, 33, 35, 8], // the same with an odd row count
];

function bnInputs(s: [number, number, number, number], seed: number, offset = 0): Input[] {
  const c = s[3];
  const x = inputOf(s, seed);
  if (offset !== 0) x.data = x.data.map((v) => v * 3 + offset);
  const gamma = inputOf([c], seed + 1);
  gamma.data = gamma.data.map((v) => 1 + 0.5 * v);
  return [x, gamma, inputOf([c], seed + 2)];
}

describe('BatchNorm on wasm: forward kernel, gradient without Tile, Mean gradient', () => {
  it('registers the gradient-sums kernel on wasm and cpu', () => {
    expect(tf.getKernel(BATCH_NORM_GRAD_SUMS, 'wasm')).toBeDefined();
    expect(tf.getKernel(BATCH_NORM_GRAD_SUMS, 'cpu')).toBeDefined();
  });

  it.each(SHAPES.map((s) => [JSON.stringify(s), s] as const))('training-mode forward and every gradient match tfjs’s own on cpu within 1e-4: %s', async (_n, s) => {
    for (const offset of [0, 50]) {
      const inputs = bnInputs(s, 11, offset);
      const f = trainBn([0, 1, 2]);
      const reference = await withShippedGradients(() => withShipped('FusedBatchNorm', 'wasm', () => gradients('cpu', f, inputs)));
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await gradients(backend, f, inputs);
        expect(relErr(got.y, reference.y)).toBeLessThanOrEqual(1e-4);
        got.grads.forEach((g, i) => expect(relErr(g, reference.grads[i] as Float32Array)).toBeLessThanOrEqual(1e-4));
      }
    }
  });

  it('with fixed statistics (inference-mode graph), per-element statistics, on rank 2', async () => {
    const s: [number, number, number, number] = [3, 4, 5, 6];
    const [x, gamma, beta] = bnInputs(s, 21) as [Input, Input, Input];
    const mean = inputOf([6], 24);
    const variance = inputOf([6], 25);
    variance.data = variance.data.map((v) => 0.5 + Math.abs(v));
    const full = inputOf(s, 26);
    const fullVar = inputOf(s, 27);
    fullVar.data = fullVar.data.map((v) => 0.5 + Math.abs(v));
    const fullGamma = inputOf(s, 28);
    const fullBeta = inputOf(s, 29);
    const cases: [string, (...t: tf.Tensor[]) => tf.Tensor, Input[]][] = [
      ['fixed statistics', (a, m, v, g, b) => tf.batchNorm(a as tf.Tensor, m as tf.Tensor, v as tf.Tensor, b, g, 1e-3), [x, mean, variance, gamma, beta]],
      // (Without a scale or an offset tfjs 4.22 cannot differentiate batchNorm on any backend: its
      // tape and saved tensors trip over the missing input. The forward pass is checked below.)
      ['per-element statistics', (a, m, v, g, b) => tf.batchNorm(a as tf.Tensor, m as tf.Tensor, v as tf.Tensor, b, g, 1e-3), [x, full, fullVar, fullGamma, fullBeta]],
      ['rank-2 input', (a, m, v, g, b) => tf.batchNorm(tf.reshape(a as tf.Tensor, [60, 6]), m as tf.Tensor, v as tf.Tensor, b, g, 1e-3), [x, mean, variance, gamma, beta]],
    ];
    for (const [name, f, inputs] of cases) {
      const reference = await withShippedGradients(() => withShipped('FusedBatchNorm', 'wasm', () => gradients('cpu', f, inputs)));
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await gradients(backend, f, inputs);
        expect(relErr(got.y, reference.y), `${name} on ${backend}: y`).toBeLessThanOrEqual(1e-4);
        got.grads.forEach((g, i) => expect(relErr(g, reference.grads[i] as Float32Array), `${name} on ${backend}: gradient ${i}`).toBeLessThanOrEqual(1e-4));
      }
    }
  });

  it('forward without scale or offset matches the cpu backend', async () => {
    const s = [3, 4, 5, 6];
    const run = async (backend: 'cpu' | 'wasm', withScale: boolean) => {
      await tf.setBackend(backend);
      const x = tf.tensor(inputOf(s, 51).data, s);
      const m = tf.tensor(inputOf([6], 52).data);
      const v = tf.abs(tf.tensor(inputOf([6], 53).data));
      const g = withScale ? tf.tensor(inputOf([6], 54).data) : undefined;
      const y = tf.batchNorm(x, m, v, undefined, g, 1e-3);
      const out = (await y.data()) as Float32Array;
      tf.dispose([x, m, v, y, ...(g === undefined ? [] : [g])]);
      return out;
    };
    for (const withScale of [false, true]) expect(relErr(await run('wasm', withScale), await run('cpu', withScale))).toBeLessThanOrEqual(1e-5);
  });

  it('Mean’s gradient matches tfjs’s own over axes and keepDims', async () => {
    const x = inputOf([3, 4, 5, 6], 31);
    for (const [axes, keep] of [
      [[0, 1, 2], false],
      [[1, 2], true],
      [[3], false],
      [[0, 2], false],
      [[0, 1, 2, 3], false],
    ] as [number[], boolean][]) {
      const f = (a: tf.Tensor) => tf.square(tf.mean(a, axes, keep));
      const reference = await withShippedGradients(() => gradients('cpu', f, [x]));
      const got = await gradients('wasm', f, [x]);
      expect(relErr(got.grads[0] as Float32Array, reference.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('leaves tensor memory flat over training steps', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(inputOf([4, 6, 6, 8], 41).data, [4, 6, 6, 8]);
    const gamma = tf.variable(tf.ones([8]));
    const beta = tf.variable(tf.zeros([8]));
    const opt = tf.train.sgd(0.1);
    const step = () => opt.minimize(() => tf.mean(tf.square(trainBn([0, 1, 2])(x, gamma, beta))), false);
    step();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([x, gamma, beta]);
    opt.dispose();
  });
});
