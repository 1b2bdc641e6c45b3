import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_KERNELS } from './index.js';
import { gradients, inputOf, relErr, setupBackends } from './testing.js';
import type { Input } from './testing.js';

beforeAll(setupBackends);

const bn = (t: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => {
  const m = tf.moments(t, [0, 1, 2]);
  return tf.batchNorm(t, m.mean, m.variance, beta, gamma, 1e-3);
};
const conv = (t: tf.Tensor4D, w: tf.Tensor, s: number, pad: 'same' | 'valid' = 'same') => tf.conv2d(t, w as tf.Tensor4D, s, pad);

/**
 * One network that uses every op our layers compile to, in the ways architectures do: a conv
 * stem with fused bias+relu, a residual block with an identity add and BatchNorm, a strided block
 * with a 1x1 projection shortcut, a grouped conv (split/conv/concat), a separable conv, a U-Net
 * style nearest upsample + concat long skip, a bilinear upsample, a transposed conv, zero and
 * mirror padding, max and average pooling, a dense head and softmax cross-entropy.
 */
const SHAPES: Record<string, number[]> = {
  x: [2, 8, 8, 3],
  stem: [3, 3, 3, 8],
  stemBias: [8],
  r1: [3, 3, 8, 8],
  r2: [3, 3, 8, 8],
  g1: [8],
  b1: [8],
  g2: [8],
  b2: [8],
  proj: [1, 1, 8, 12],
  down: [3, 3, 8, 12],
  grpA: [3, 3, 6, 6],
  grpB: [3, 3, 6, 6],
  dw: [3, 3, 12, 1],
  pw: [1, 1, 12, 8],
  fuse: [3, 3, 16, 8],
  up: [3, 3, 4, 12],
  dense: [4 + 8 + 8 + 12, 5],
  denseBias: [5],
};
const NAMES = Object.keys(SHAPES);

function network(...ts: tf.Tensor[]): tf.Tensor {
  const p: Record<string, tf.Tensor> = {};
  NAMES.forEach((n, i) => (p[n] = ts[i] as tf.Tensor));
  const x = p.x as tf.Tensor4D;
  const stem = tf.fused.conv2d({ x, filter: p.stem as tf.Tensor4D, strides: 1, pad: 'same', bias: p.stemBias, activation: 'relu' });
  const r = conv(tf.relu(bn(conv(stem, p.r1 as tf.Tensor, 1), p.g1 as tf.Tensor, p.b1 as tf.Tensor)) as tf.Tensor4D, p.r2 as tf.Tensor, 1);
  const h = tf.relu(tf.add(stem, bn(r, p.g2 as tf.Tensor, p.b2 as tf.Tensor))) as tf.Tensor4D; // identity shortcut
  const h2 = tf.relu(tf.add(conv(h, p.proj as tf.Tensor, 2, 'valid'), conv(h, p.down as tf.Tensor, 2))) as tf.Tensor4D; // projection shortcut
  const [ga, gb] = tf.split(h2, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  const grouped = tf.concat([conv(ga, p.grpA as tf.Tensor, 1), conv(gb, p.grpB as tf.Tensor, 1)], 3) as tf.Tensor4D;
  const sep = tf.separableConv2d(grouped, p.dw as tf.Tensor4D, p.pw as tf.Tensor4D, 1, 'same');
  const upN = tf.image.resizeNearestNeighbor(sep, [8, 8]);
  const unet = tf.elu(conv(tf.concat([upN, h], 3) as tf.Tensor4D, p.fuse as tf.Tensor, 1)); // long skip
  const upB = tf.image.resizeBilinear(tf.leakyRelu(sep, 0.1), [7, 9]);
  const upT = tf.conv2dTranspose(tf.sigmoid(h2), p.up as tf.Tensor4D, [2, 8, 8, 4], 2, 'same');
  const padded = tf.mirrorPad(tf.pad(upT, [[0, 0], [1, 1], [1, 1], [0, 0]]), [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect');
  const pooled = [
    tf.mean(tf.maxPool(padded, 3, 2, 'same'), [1, 2]),
    tf.mean(tf.avgPool(unet, 3, 2, 'same'), [1, 2]),
    tf.max(upB, [1, 2]),
    tf.mean(tf.maxPool(h2, 2, 2, 'valid'), [1, 2]),
  ];
  const logits = tf.add(tf.matMul(tf.concat(pooled, 1) as tf.Tensor2D, p.dense as tf.Tensor2D), p.denseBias as tf.Tensor);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 3], 'int32'), 5), logits);
}

describe('training on wasm computes the same gradients as on cpu', () => {
  it('the project registers kernels on both backends', () => {
    expect(PROJECT_KERNELS.some((k) => k.backend === 'wasm')).toBe(true);
    expect(PROJECT_KERNELS.some((k) => k.backend === 'cpu')).toBe(true);
  });

  it('for a network using every op the layers compile to (ResNet, grouped, separable, U-Net, DenseNet pieces)', async () => {
    const inputs: Input[] = NAMES.map((n, i) => {
      const v = inputOf(SHAPES[n] as number[], 100 + i);
      // Gammas near 1 and small conv weights keep activations in a sane range.
      if (n.startsWith('g') && (SHAPES[n] as number[]).length === 1) v.data.forEach((x, j) => (v.data[j] = 1 + 0.2 * x));
      else if (n !== 'x') v.data.forEach((x, j) => (v.data[j] = 0.4 * x));
      return v;
    });
    const cpu = await gradients('cpu', network, inputs);
    const wasm = await gradients('wasm', network, inputs);
    expect(Math.abs((wasm.y[0] as number) - (cpu.y[0] as number)) / Math.abs(cpu.y[0] as number)).toBeLessThanOrEqual(1e-5);
    NAMES.forEach((n, i) => {
      const g = cpu.grads[i] as Float32Array;
      expect(g.some((v) => v !== 0), `${n} gets a gradient`).toBe(true);
      expect(relErr(wasm.grads[i] as Float32Array, g), `d loss / d ${n}`).toBeLessThanOrEqual(1e-4);
    });
  });
});
