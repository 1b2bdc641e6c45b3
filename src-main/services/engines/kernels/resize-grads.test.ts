import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerProjectKernels, restoreKernel } from './index.js';
import { adjointDefect, gradients, inputOf, relErr, setupBackends } from './testing.js';

beforeAll(setupBackends);

interface ResizeCase {
  shape: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const CASES: ResizeCase[] = [];
for (const shape of [
  [1, 4, 4, 1],
  [3, 5, 7, 3],
  [2, 6, 6, 2],
] as [number, number, number, number][]) {
  for (const size of [
    [8, 8],
    [10, 14],
    [3, 4],
    [9, 5],
  ] as [number, number][]) {
    for (const [alignCorners, halfPixelCenters] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      CASES.push({ shape, size, alignCorners: alignCorners as boolean, halfPixelCenters: halfPixelCenters as boolean });
    }
  }
}
const name = (c: ResizeCase) => `${c.shape.join('x')} -> ${c.size.join('x')}, alignCorners ${c.alignCorners}, halfPixelCenters ${c.halfPixelCenters}`;

const ops = {
  ResizeBilinearGrad: (c: ResizeCase) => (x: tf.Tensor) => tf.image.resizeBilinear(x as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters),
  ResizeNearestNeighborGrad: (c: ResizeCase) => (x: tf.Tensor) =>
    tf.image.resizeNearestNeighbor(x as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters),
};

describe.each(Object.keys(ops) as (keyof typeof ops)[])('%s (replaced on cpu and wasm)', (kernel) => {
  it.each(CASES.map((c) => [name(c), c] as const))('is the transpose of each backend’s forward pass, and wasm matches cpu: %s', async (_n, c) => {
    const x = inputOf(c.shape, 1);
    const cpu = await gradients('cpu', ops[kernel](c), [x]);
    const wasm = await gradients('wasm', ops[kernel](c), [x]);
    expect(relErr(wasm.y, cpu.y), 'forward passes agree').toBeLessThanOrEqual(1e-5);
    expect(adjointDefect(x.data, cpu.grads[0] as Float32Array, cpu.y, cpu.dy)).toBeLessThanOrEqual(1e-5);
    expect(adjointDefect(x.data, wasm.grads[0] as Float32Array, wasm.y, wasm.dy)).toBeLessThanOrEqual(1e-5);
    expect(relErr(wasm.grads[0] as Float32Array, cpu.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-4);
  });
});

describe("tfjs's shipped resize gradients: right where we say, wrong where we say", () => {
  async function shipped<T>(kernel: keyof typeof ops, backend: 'cpu' | 'wasm', f: () => Promise<T>): Promise<T> {
    restoreKernel(kernel, backend);
    try {
      return await f();
    } finally {
      registerProjectKernels(backend);
    }
  }

  it('nearest: the shipped cpu kernel agrees for batch 1 and is wrong for batch 3', async () => {
    const one: ResizeCase = { shape: [1, 4, 4, 2], size: [8, 8], alignCorners: false, halfPixelCenters: false };
    const three: ResizeCase = { ...one, shape: [3, 4, 4, 2] };
    for (const [c, agrees] of [
      [one, true],
      [three, false],
    ] as const) {
      const x = inputOf(c.shape, 2);
      const mine = await gradients('cpu', ops.ResizeNearestNeighborGrad(c), [x]);
      const theirs = await shipped('ResizeNearestNeighborGrad', 'cpu', () => gradients('cpu', ops.ResizeNearestNeighborGrad(c), [x]));
      const err = relErr(theirs.grads[0] as Float32Array, mine.grads[0] as Float32Array);
      if (agrees) expect(err).toBeLessThanOrEqual(1e-6);
      else expect(err).toBeGreaterThan(0.1);
    }
  });

  it('bilinear: the shipped cpu kernel throws for a non-square image; both ignore halfPixelCenters', async () => {
    const rect: ResizeCase = { shape: [1, 4, 6, 1], size: [8, 12], alignCorners: false, halfPixelCenters: false };
    const x = inputOf(rect.shape, 3);
    await expect(shipped('ResizeBilinearGrad', 'cpu', () => gradients('cpu', ops.ResizeBilinearGrad(rect), [x]))).rejects.toThrow(/shape/);
    const hp: ResizeCase = { shape: [1, 5, 5, 1], size: [7, 9], alignCorners: false, halfPixelCenters: true };
    const x2 = inputOf(hp.shape, 4);
    for (const be of ['cpu', 'wasm'] as const) {
      const theirs = await shipped('ResizeBilinearGrad', be, () => gradients(be, ops.ResizeBilinearGrad(hp), [x2]));
      expect(adjointDefect(x2.data, theirs.grads[0] as Float32Array, theirs.y, theirs.dy), be).toBeGreaterThan(1e-2);
    }
  });
});
