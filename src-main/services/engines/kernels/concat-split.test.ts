import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackends, values } from './testing.js';

beforeAll(setupBackends);

async function run(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<{ shape: number[]; dtype: string; data: number[] }[]> {
  await tf.setBackend(backend);
  const ys = tf.tidy(f);
  const list = Array.isArray(ys) ? ys : [ys];
  const out = await Promise.all(list.map(async (y) => ({ shape: y.shape, dtype: y.dtype, data: Array.from(await y.data()) })));
  tf.dispose(list);
  return out;
}

async function agree(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const cpu = await run('cpu', f);
  const wasm = await run('wasm', f);
  expect(wasm).toEqual(cpu);
}

const t = (shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32') =>
  dtype === 'float32' ? tf.tensor(values(shape, seed), shape) : tf.tensor(Int32Array.from(values(shape, seed), (v) => Math.round(v * 1000)), shape, 'int32');

describe('Concat and SplitV on wasm (row copies) give the cpu backend’s values', () => {
  // [shapes, axis]: channels (DenseNet: wide + narrow, odd widths, below and above the thread
  // threshold), inner axes, axis 0, 1-d, empty parts.
  const CONCATS: [number[][], number][] = [
    [[[2, 3, 4, 6], [2, 3, 4, 2]], 3],
    [[[16, 32, 32, 60], [16, 32, 32, 12]], -1],
    [[[64, 32, 32, 60], [64, 32, 32, 12]], 3], // above the threshold for threads
    [[[2, 5, 5, 3], [2, 5, 5, 1], [2, 5, 5, 7]], 3],
    [[[2, 3, 4, 5], [2, 1, 4, 5]], 1],
    [[[2, 3], [4, 3]], 0],
    [[[5], [3], [1]], 0],
    [[[2, 3, 0], [2, 3, 4]], 2],
  ];
  it.each(CONCATS.map((c) => [JSON.stringify(c), c] as const))('concat %s', async (_n, [shapes, axis]) => {
    await agree(() => tf.concat(shapes.map((s, i) => t(s, i + 1)), axis));
  });

  it('concat of int32 and of one tensor', async () => {
    await agree(() => tf.concat([t([3, 4, 2], 1, 'int32'), t([3, 4, 5], 2, 'int32')], 2));
    await agree(() => tf.concat([t([3, 4], 3)], 1));
  });

  const SPLITS: [number[], number[] | number, number][] = [
    [[2, 3, 4, 8], [6, 2], 3],
    [[16, 32, 32, 72], [60, 12], 3],
    [[64, 32, 32, 72], [60, 12], 3],
    [[2, 5, 5, 11], [3, 1, 7], -1],
    [[2, 6, 4, 5], 3, 1],
    [[6, 3], [2, -1], 0],
    [[9], [4, 0, 5], 0],
  ];
  it.each(SPLITS.map((c) => [JSON.stringify(c), c] as const))('split %s', async (_n, [shape, sizes, axis]) => {
    await agree(() => tf.split(t(shape, 4), sizes, axis));
  });

  it('the gradient of a channel concat (a split) matches, and no tensors are left behind', async () => {
    const grads = (backend: 'cpu' | 'wasm') =>
      run(backend, () => {
        const a = t([2, 4, 4, 6], 7);
        const b = t([2, 4, 4, 3], 8);
        const w = t([2, 4, 4, 9], 9);
        return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), w)))([a, b]);
      });
    expect(await grads('wasm')).toEqual(await grads('cpu'));
    await tf.setBackend('wasm');
    const x = t([2, 4, 4, 9], 10);
    const before = tf.memory();
    tf.dispose(tf.split(x, [4, 5], 3));
    tf.concat([x, x], 3).dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    x.dispose();
  });
});
