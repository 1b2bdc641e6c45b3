import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcastForm } from './elementwise.js';
import { setupBackends, values } from './testing.js';

beforeAll(setupBackends);

async function run(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<{ shape: number[]; dtype: string; data: number[] }> {
  await tf.setBackend(backend);
  const y = tf.tidy(f);
  const out = { shape: y.shape, dtype: y.dtype, data: Array.from(await y.data()) };
  y.dispose();
  return out;
}

/** Both backends agree exactly (the same float32 operation per element), NaN included. */
async function agree(f: () => tf.Tensor): Promise<void> {
  const cpu = await run('cpu', f);
  const wasm = await run('wasm', f);
  expect(wasm.shape).toEqual(cpu.shape);
  expect(wasm.dtype).toBe(cpu.dtype);
  expect(wasm.data).toEqual(cpu.data);
}

const t = (shape: number[], seed: number) => tf.tensor(values(shape, seed), shape);

// [a shape, b shape]: equal (with and without a vector tail, small and large),
// scalar either side, per-channel rows either side ([C], [1,1,1,C], [1,C]), and forms left to
// the shipped kernels (broadcast over other axes, channels not a multiple of 4).
const PAIRS: [number[], number[]][] = [
  [[2, 3, 5, 8], [2, 3, 5, 8]],
  [[7], [7]],
  [[3], [3]],
  [[32, 32, 32, 16], [32, 32, 32, 16]],
  [[2, 9, 9, 3], []],
  [[], [4, 5, 3]],
  [[1], [33, 3]],
  [[4, 5, 5, 16], [16]],
  [[16], [4, 5, 5, 16]],
  [[4, 5, 5, 16], [1, 1, 1, 16]],
  [[1, 1, 1, 8], [32, 16, 16, 8]],
  [[64, 64, 64], [1, 64]],
  [[4, 5, 5, 6], [6]],
  [[4, 5, 5, 8], [4, 1, 1, 8]],
  [[4, 1, 3], [4, 5, 3]],
];

describe('Add, Sub, Multiply on wasm (SIMD, split over threads) give the cpu backend’s values', () => {
  for (const [name, f] of [
    ['Add', tf.add],
    ['Sub', tf.sub],
    ['Multiply', tf.mul],
  ] as const) {
    it.each(PAIRS.map((p) => [`${JSON.stringify(p[0])} ${JSON.stringify(p[1])}`, p] as const))(`${name} %s`, async (_n, [sa, sb]) => {
      await agree(() => f(t(sa, 1), t(sb, 2)));
    });
  }

  it('split over the threads (2M elements and more): equal shapes with a tail, a row, a scalar', async () => {
    await agree(() => tf.sub(t([2, 1024, 1025], 11), t([2, 1024, 1025], 12)));
    await agree(() => tf.mul(t([513, 64, 64], 13), t([64], 14)));
    await agree(() => tf.add(tf.scalar(3), t([2049, 1024], 15)));
    await agree(() => tf.relu(t([2049, 1024], 16)));
  });

  it('keeps NaN and infinities, and leaves int32 to the shipped kernels', async () => {
    const special = () => tf.tensor([NaN, Infinity, -Infinity, 0, -0, 1, 2, 3, NaN], [9]);
    await agree(() => tf.mul(special(), tf.tensor([0, 0, 2, Infinity, 1, NaN, -1, 0.5, 1], [9])));
    await agree(() => tf.sub(special(), tf.scalar(Infinity)));
    await agree(() => tf.add(tf.tensor([1, 2, 3, 4, 5], [5], 'int32'), tf.tensor([7], [1], 'int32')));
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const a = t([4, 5, 5, 16], 3);
    const b = t([16], 4);
    const before = tf.memory();
    for (const y of [tf.add(a, b), tf.sub(b, a), tf.mul(a, a), tf.relu(a), tf.square(a)]) y.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([a, b]);
  });
});

describe('Relu and Square on wasm (SIMD) give the cpu backend’s values', () => {
  for (const shape of [[7], [2, 3, 5, 8], [32, 32, 32, 16], [1, 3]]) {
    it(`for ${JSON.stringify(shape)}`, async () => {
      await agree(() => tf.relu(t(shape, 5)));
      await agree(() => tf.square(t(shape, 6)));
    });
  }

  it('Relu keeps NaN (a diverged run must still be seen as one)', async () => {
    await agree(() => tf.relu(tf.tensor([NaN, -1, 0, 2, -Infinity, Infinity, NaN, -0], [8])));
  });
});

describe('broadcastForm', () => {
  it('names the forms the SIMD loops take, and null for the rest', () => {
    expect(broadcastForm([2, 3], [2, 3])).toBe('same');
    expect(broadcastForm([2, 3], [])).toBe('scalar');
    expect(broadcastForm([2, 3], [1, 1])).toBe('scalar');
    expect(broadcastForm([2, 5, 8], [8])).toBe('row');
    expect(broadcastForm([2, 5, 8], [1, 1, 8])).toBe('row');
    expect(broadcastForm([2, 5, 6], [6])).toBeNull();
    expect(broadcastForm([2, 5, 8], [2, 1, 8])).toBeNull();
    expect(broadcastForm([8], [2, 8])).toBeNull();
  });
});
