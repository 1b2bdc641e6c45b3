import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setSimdKernelsEnabled } from '../wasm-simd/index.js';
import { reductionForm } from './reduce.js';
import { relErr, setupBackends, values, withShipped } from './testing.js';
import { simplifyPermutation } from './transpose.js';

beforeAll(setupBackends);

/** Runs `f` on a backend with float32 (seeded) or int32 data of `shape`; returns the output's shape, dtype and values. */
async function on(backend: 'cpu' | 'wasm', shape: number[], dtype: 'float32' | 'int32', f: (x: tf.Tensor) => tf.Tensor) {
  await tf.setBackend(backend);
  const v = values(shape, shape.length * 7 + shape.reduce((a, b) => a + b, 0));
  const x = dtype === 'float32' ? tf.tensor(v, shape) : tf.tensor(Int32Array.from(v, (e) => Math.round(e * 1e6)), shape, 'int32');
  const y = f(x);
  const out = { shape: y.shape, dtype: y.dtype, data: Array.from(await y.data()) };
  tf.dispose([x, y]);
  return out;
}

const TRANSPOSES: [number[], number[]][] = [
  [[5, 7], [1, 0]],
  [[2, 3, 4], [2, 1, 0]],
  [[2, 3, 4], [1, 0, 2]],
  [[2, 3, 4], [0, 2, 1]],
  [[3, 5, 4, 6], [3, 1, 2, 0]], // the filter gradient's x
  [[3, 4, 4, 5], [1, 2, 0, 3]], // the filter gradient's dy
  [[3, 1, 3, 5], [1, 2, 0, 3]], // unit axes
  [[2, 3, 4, 5], [0, 3, 1, 2]], // NHWC -> NCHW
  [[2, 3, 4, 5], [0, 1, 2, 3]], // identity
  [[37, 41], [1, 0]], // more than one 16x16 tile, ragged
  [[8, 9, 9, 16], [3, 1, 2, 0]], // filter-gradient shapes with 4x4 SIMD blocks
  [[8, 9, 9, 16], [1, 2, 0, 3]],
  [[2, 3, 2, 3, 2], [4, 2, 0, 3, 1]],
  [[1, 1, 1], [2, 0, 1]],
  [[6], [0]],
];

describe('Transpose on wasm (replaced: the shipped kernel indexes every element)', () => {
  it.each(TRANSPOSES.map(([s, p]) => [`${JSON.stringify(s)} perm ${JSON.stringify(p)}`, s, p] as const))('equals the cpu backend exactly: %s', async (_n, shape, perm) => {
    for (const dtype of ['float32', 'int32'] as const) {
      const f = (x: tf.Tensor) => tf.transpose(x, perm);
      const cpu = await on('cpu', shape, dtype, f);
      const wasm = await on('wasm', shape, dtype, f);
      expect(wasm).toEqual(cpu);
    }
  });

  it('agrees with the shipped wasm kernel and passes bool through it', async () => {
    const f = (x: tf.Tensor) => tf.transpose(x, [3, 1, 2, 0]);
    const shipped = await withShipped('Transpose', 'wasm', () => on('wasm', [3, 5, 4, 6], 'float32', f));
    expect(await on('wasm', [3, 5, 4, 6], 'float32', f)).toEqual(shipped);
    await tf.setBackend('wasm');
    const b = tf.tensor([[true, false, true]], [1, 3], 'bool');
    const t = tf.transpose(b);
    expect(t.dtype).toBe('bool');
    expect(Array.from(await t.data())).toEqual([1, 0, 1]);
    tf.dispose([b, t]);
  });

  it('simplifies permutations by dropping unit axes and merging adjacent ones', () => {
    expect(simplifyPermutation([2, 3, 4, 5], [0, 1, 2, 3])).toEqual({ shape: [120], perm: [0] });
    expect(simplifyPermutation([32, 32, 32, 16], [3, 1, 2, 0])).toEqual({ shape: [32, 1024, 16], perm: [2, 1, 0] });
    expect(simplifyPermutation([32, 32, 32, 16], [1, 2, 0, 3])).toEqual({ shape: [32, 1024, 16], perm: [1, 0, 2] });
    expect(simplifyPermutation([3, 1, 5], [1, 2, 0])).toEqual({ shape: [3, 5], perm: [1, 0] });
  });
});

const TILES: [number[], number[]][] = [
  [[1, 1, 1, 5], [2, 3, 4, 1]], // the BatchNorm gradient's tile
  [[2, 3], [3, 2]],
  [[2, 3, 4], [1, 1, 3]],
  [[2, 1, 3], [2, 5, 1]],
  [[3, 4, 5, 6], [1, 1, 1, 1]],
  [[7], [9]],
  [[2, 2, 2, 2, 2], [2, 1, 3, 1, 2]],
  [[40], [1]],
  [[3, 40], [2, 2]],
  [[1, 1, 1, 16], [8, 32, 32, 1]], // a row broadcast over 131K elements: split over the threads
  [[1, 1, 12], [33, 35, 1]], // odd row count
];

describe('Tile on wasm (replaced: the shipped kernel was 32% of a ResNet-20 training step)', () => {
  it.each(TILES.map(([s, r]) => [`${JSON.stringify(s)} reps ${JSON.stringify(r)}`, s, r] as const))('equals the cpu backend exactly: %s', async (_n, shape, reps) => {
    for (const dtype of ['float32', 'int32'] as const) {
      const f = (x: tf.Tensor) => tf.tile(x, reps);
      expect(await on('wasm', shape, dtype, f)).toEqual(await on('cpu', shape, dtype, f));
    }
  });
});

const REDUCTIONS: [number[], number[] | number, boolean][] = [
  [[4, 5, 6, 7], [0, 1, 2], false], // per channel (BatchNorm statistics)
  [[4, 9, 9, 16], [0, 1, 2], false], // per channel, SIMD (channels a multiple of 4)
  [[2, 5, 5, 8], [1, 2], true], // global average pooling, SIMD
  [[4, 5, 6, 7], [0, 1, 2], true],
  [[4, 5, 6, 7], [1, 2], false], // global average pooling: outer kept, reduced, inner kept
  [[4, 5, 6, 7], [3], true], // per row
  [[4, 5, 6, 7], [0, 1, 2, 3], false], // total
  [[4, 5, 6, 7], -1, false],
  [[4, 1, 6, 1], [0, 2], false],
  [[4, 5, 6, 7], [0, 2], false], // not of the form: the shipped kernel
  [[300, 700], [0], false], // long accumulations
  [[3, 0, 2], [1], false], // empty reduction
  [[8, 32, 32, 16], [0, 1, 2], false], // 131K elements: the reduced rows split over the threads
  [[5, 33, 35, 8], [0, 1, 2], true], // the same with an odd row count
  [[64, 1024, 4], [1], false], // many outputs: whole outputs per thread
];

describe('Sum and Mean on wasm (replaced: the shipped kernels transpose first)', () => {
  it.each(REDUCTIONS.map(([s, a, k]) => [`${JSON.stringify(s)} axis ${JSON.stringify(a)}${k ? ' keepDims' : ''}`, s, a, k] as const))(
    'match the cpu backend within 1e-5: %s',
    async (_n, shape, axis, keepDims) => {
      for (const op of [tf.sum, tf.mean]) {
        const f = (x: tf.Tensor) => op(x, axis, keepDims);
        const cpu = await on('cpu', shape, 'float32', f);
        const wasm = await on('wasm', shape, 'float32', f);
        expect(wasm.shape).toEqual(cpu.shape);
        expect(relErr(wasm.data, cpu.data)).toBeLessThanOrEqual(1e-5);
      }
      // int32 sums: the shipped kernel (ours only for empty reductions).
      const f = (x: tf.Tensor) => tf.sum(x, axis, keepDims);
      const ints = await on('wasm', shape, 'int32', f);
      expect(ints.dtype).toBe('int32');
      expect(ints).toEqual(await on('cpu', shape, 'int32', f));
    },
  );

  it('recognizes [outer kept, reduced, inner kept] forms', () => {
    expect(reductionForm([32, 32, 32, 16], [0, 1, 2])).toEqual([1, 32768, 16]);
    expect(reductionForm([32, 8, 8, 64], [1, 2])).toEqual([32, 64, 64]);
    expect(reductionForm([32, 10], [1])).toEqual([32, 10, 1]);
    expect(reductionForm([4, 5, 6], [0, 2])).toBeNull();
  });
});

describe('Identity and same-dtype Cast on wasm share data instead of copying', () => {
  it('give equal values, survive disposing the source, and free memory when both are gone', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory();
    const x = tf.tensor(values([3, 4], 5), [3, 4]);
    const expected = Array.from(await x.data());
    const c = tf.clone(x);
    const k = tf.cast(x, 'float32');
    x.dispose();
    expect(Array.from(await c.data())).toEqual(expected);
    expect(Array.from(await k.data())).toEqual(expected);
    const asInt = tf.cast(c, 'int32');
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(await asInt.data())).toEqual(expected.map((v) => Math.trunc(v) + 0));
    tf.dispose([c, k, asInt]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});

describe('the JavaScript loops (used where the SIMD module is unavailable) agree with the SIMD ones', () => {
  it('for transpose, reductions and BatchNorm', async () => {
    const cases: [number[], (x: tf.Tensor) => tf.Tensor][] = [
      [[8, 9, 9, 16], (x) => tf.transpose(x, [3, 1, 2, 0])],
      [[8, 9, 9, 16], (x) => tf.transpose(x, [1, 2, 0, 3])],
      [[8, 9, 9, 16], (x) => tf.mean(x, [0, 1, 2])],
      [[8, 9, 9, 16], (x) => tf.batchNorm(x, tf.mean(x, [0, 1, 2]), tf.add(tf.ones([16]), 0.5), tf.zeros([16]), tf.ones([16]))],
    ];
    for (const [shape, f] of cases) {
      const simd = await on('wasm', shape, 'float32', f);
      setSimdKernelsEnabled(false);
      try {
        const js = await on('wasm', shape, 'float32', f);
        expect(js.shape).toEqual(simd.shape);
        expect(relErr(js.data, simd.data)).toBeLessThanOrEqual(1e-6);
      } finally {
        setSimdKernelsEnabled(true);
      }
    }
  });
});
