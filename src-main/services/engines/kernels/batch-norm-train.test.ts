import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_GRAD_SUMS } from './batch-norm-grad.js';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, registerBatchNormTraining } from './batch-norm-train.js';
import { relErr, setupBackends, values } from './testing.js';

beforeAll(setupBackends);

interface Outcome {
  y: Float32Array;
  grads: Record<string, Float32Array>;
  movingMean: Float32Array;
  movingVariance: Float32Array;
}

/**
 * A tfjs-layers BatchNormalization (γ, β initialized off their defaults) in training mode on x,
 * a weighted sum of its output as the loss: the output, the gradients of x, γ and β, and the
 * moving statistics after the step.
 */
async function step(backend: 'cpu' | 'wasm', shape: number[], offset: number, fused: boolean): Promise<Outcome> {
  await tf.setBackend(backend);
  if (!fused) {
    tf.unregisterKernel(BATCH_NORM_TRAIN, backend);
    tf.unregisterKernel(BATCH_NORM_TRAIN_GRAD, backend);
  }
  try {
    const c = shape[shape.length - 1] as number;
    const layer = tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3 });
    layer.build(shape);
    layer.setWeights([
      tf.tensor(values([c], 3).map((v) => 1 + 0.5 * v)),
      tf.tensor(values([c], 4)),
      tf.tensor(values([c], 5).map((v) => 0.1 * v)),
      tf.tensor(values([c], 6).map((v) => 1 + 0.2 * v)),
    ]);
    const x = tf.variable(tf.tensor(values(shape, 1).map((v) => 3 * v + offset), shape), true, `x_${backend}_${fused}_${shape.join('x')}`);
    const w = tf.tensor(values(shape, 2), shape);
    const before = tf.memory().numTensors;
    let y: Float32Array = new Float32Array(0);
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      y = out.dataSync() as Float32Array;
      return tf.sum(tf.mul(out, w)) as tf.Scalar;
    });
    const names: Record<string, string> = { [x.name]: 'x' };
    for (const lw of layer.trainableWeights) names[(lw.read() as tf.Variable).name] = lw.name.includes('gamma') ? 'gamma' : 'beta';
    const out: Outcome = { y, grads: {}, movingMean: new Float32Array(0), movingVariance: new Float32Array(0) };
    for (const [name, g] of Object.entries(grads)) {
      const key = names[name];
      if (key !== undefined) out.grads[key] = (await g.data()) as Float32Array;
    }
    const weights = layer.getWeights(); // the variables' own tensors (disposed with them below)
    out.movingMean = (await (weights[2] as tf.Tensor).data()) as Float32Array;
    out.movingVariance = (await (weights[3] as tf.Tensor).data()) as Float32Array;
    tf.dispose([value, ...Object.values(grads)]);
    // Nothing left behind by the step (the layer's variables were made before).
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
    for (const lw of layer.weights) lw.dispose();
    return out;
  } finally {
    if (!fused) registerBatchNormTraining(backend);
  }
}

const SHAPES: [number[], number][] = [
  [[4, 8, 8, 16], 0],
  [[8, 32, 32, 16], 0], // 131K elements: every pass split over the threads
  [[5, 33, 35, 8], 50], // odd rows, a large mean against the spread
  [[2, 5, 5, 6], 0], // channels not a multiple of 4: the JavaScript loop
  [[64, 12], -3], // after a dense layer
];

describe('BatchNorm in training mode through the two fused kernels (tfjs-layers BatchNormalization patched)', () => {
  it.each(SHAPES.map(([s, o]) => [`${JSON.stringify(s)} offset ${o}`, s, o] as const))(
    'output, gradients of x, γ, β and the moving statistics match tfjs-layers’ own within 1e-4: %s',
    async (_n, shape, offset) => {
      const reference = await step('cpu', shape, offset, false);
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await step(backend, shape, offset, true);
        expect(relErr(got.y, reference.y), `${backend} y`).toBeLessThanOrEqual(1e-4);
        for (const k of ['x', 'gamma', 'beta']) {
          expect(got.grads[k], `${backend} d${k}`).toBeDefined();
          expect(relErr(got.grads[k] as Float32Array, reference.grads[k] as Float32Array), `${backend} d${k}`).toBeLessThanOrEqual(1e-4);
        }
        expect(relErr(got.movingMean, reference.movingMean), `${backend} moving mean`).toBeLessThanOrEqual(1e-5);
        expect(relErr(got.movingVariance, reference.movingVariance), `${backend} moving variance`).toBeLessThanOrEqual(1e-5);
      }
    },
  );

  it('uses the kernels in training mode only; inference reads the moving statistics as before', async () => {
    await tf.setBackend('wasm');
    const layer = tf.layers.batchNormalization({ axis: -1 });
    const x = tf.tensor(values([2, 4, 4, 8], 9), [2, 4, 4, 8]);
    const info = await tf.profile(() => {
      (layer.apply(x, { training: true }) as tf.Tensor).dispose();
    });
    expect(info.kernels.map((k) => k.name)).toContain(BATCH_NORM_TRAIN);
    const inference = await tf.profile(() => {
      (layer.apply(x, { training: false }) as tf.Tensor).dispose();
    });
    expect(inference.kernels.map((k) => k.name)).not.toContain(BATCH_NORM_TRAIN);
    x.dispose();
    layer.dispose();
    await tf.setBackend('cpu');
  });

  it('refuses mismatched inputs with the kernel named', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([2, 3, 3, 4]);
    const v3 = tf.ones([3]);
    expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN, { x, scale: v3, offset: v3 }, { epsilon: 1e-3 } as unknown as tf.NamedAttrMap)).toThrow(/SkipwireBatchNormTrain: per-channel vectors must be \[4\], got \[3\]/);
    const dy8 = tf.zeros([2, 3, 3, 8]);
    const m4 = tf.zeros([4]);
    expect(() => tf.engine().runKernel(BATCH_NORM_GRAD_SUMS, { x, mean: m4, dy: dy8 }, {} as tf.NamedAttrMap)).toThrow(/SkipwireBatchNormGradSums: dy \[2, 3, 3, 8\] must match x \[2, 3, 3, 4\]/);
    tf.dispose([x, v3, dy8, m4]);
    await tf.setBackend('cpu');
  });
});
