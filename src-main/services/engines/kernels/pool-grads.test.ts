import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerProjectKernels, restoreKernel } from './index.js';
import { adjointDefect, gradients, inputOf, relErr, setupBackends } from './testing.js';

beforeAll(setupBackends);

interface PoolCase {
  n: number;
  h: number;
  w: number;
  c: number;
  k: [number, number];
  s: [number, number];
  pad: 'same' | 'valid';
}

const CASES: PoolCase[] = [];
for (const [n, h, w, c] of [
  [1, 5, 5, 1],
  [3, 6, 7, 3],
  [2, 8, 8, 4],
]) {
  for (const [k, s, pad] of [
    [[2, 2], [2, 2], 'valid'],
    [[2, 2], [2, 2], 'same'],
    [[3, 3], [2, 2], 'same'],
    [[3, 3], [1, 1], 'same'],
    [[3, 3], [2, 2], 'valid'],
    [[2, 3], [1, 2], 'same'],
    [[3, 3], [3, 3], 'same'],
  ] as const) {
    CASES.push({ n: n as number, h: h as number, w: w as number, c: c as number, k: [...k], s: [...s], pad });
  }
}
const name = (p: PoolCase) => `x ${p.n}x${p.h}x${p.w}x${p.c}, window ${p.k.join('x')}, stride ${p.s.join('x')}, ${p.pad}`;

/** Window [start, end) of output index o along one axis, clipped to the input (float64 reference). */
function windowOf(o: number, stride: number, k: number, size: number, outSize: number, pad: 'same' | 'valid'): [number, number] {
  const before = pad === 'same' ? Math.floor(Math.max((outSize - 1) * stride + k - size, 0) / 2) : 0;
  const start = o * stride - before;
  return [Math.max(0, start), Math.min(size, start + k)];
}

function outSize(size: number, k: number, s: number, pad: 'same' | 'valid'): number {
  return pad === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

/** Reference gradients in float64, straight from the definitions of max and average pooling. */
function referencePoolGrad(kind: 'max' | 'avg', p: PoolCase, x: Float32Array, dy: Float32Array): Float64Array {
  const oh = outSize(p.h, p.k[0], p.s[0], p.pad);
  const ow = outSize(p.w, p.k[1], p.s[1], p.pad);
  const dx = new Float64Array(x.length);
  const at = (b: number, y: number, xx: number, ch: number) => ((b * p.h + y) * p.w + xx) * p.c + ch;
  for (let b = 0; b < p.n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let ch = 0; ch < p.c; ch++) {
          const [y0, y1] = windowOf(y, p.s[0], p.k[0], p.h, oh, p.pad);
          const [x0, x1] = windowOf(xo, p.s[1], p.k[1], p.w, ow, p.pad);
          const g = dy[((b * oh + y) * ow + xo) * p.c + ch] as number;
          if (kind === 'avg') {
            const count = (y1 - y0) * (x1 - x0);
            for (let i = y0; i < y1; i++) for (let j = x0; j < x1; j++) dx[at(b, i, j, ch)] = (dx[at(b, i, j, ch)] as number) + g / count;
          } else {
            let best = -Infinity;
            let where = -1;
            for (let i = y0; i < y1; i++)
              for (let j = x0; j < x1; j++) {
                const v = x[at(b, i, j, ch)] as number;
                if (v > best) {
                  best = v;
                  where = at(b, i, j, ch);
                }
              }
            dx[where] = (dx[where] as number) + g;
          }
        }
  return dx;
}

const pool = (kind: 'max' | 'avg', p: PoolCase) => (a: tf.Tensor) =>
  kind === 'max' ? tf.maxPool(a as tf.Tensor4D, p.k, p.s, p.pad) : tf.avgPool(a as tf.Tensor4D, p.k, p.s, p.pad);

describe('MaxPoolGrad (replaced on wasm: the shipped kernel misroutes gradients)', () => {
  it.each(CASES.map((p) => [name(p), p] as const))('matches cpu and the float64 reference: %s', async (_n, p) => {
    const x = inputOf([p.n, p.h, p.w, p.c], 1);
    const cpu = await gradients('cpu', pool('max', p), [x]);
    const wasm = await gradients('wasm', pool('max', p), [x]);
    const ref = referencePoolGrad('max', p, x.data, wasm.dy);
    expect(relErr(wasm.grads[0] as Float32Array, cpu.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(relErr(wasm.grads[0] as Float32Array, ref)).toBeLessThanOrEqual(1e-6);
    expect(relErr(cpu.grads[0] as Float32Array, ref)).toBeLessThanOrEqual(1e-6);
  });

  it("the shipped wasm kernel really is wrong on such a case (so this replacement matters)", async () => {
    // The most common pooling there is (2x2/2 'valid', several channels), as in every U-Net.
    const p: PoolCase = { n: 2, h: 8, w: 8, c: 4, k: [2, 2], s: [2, 2], pad: 'valid' };
    const x = inputOf([2, 8, 8, 4], 1);
    restoreKernel('MaxPoolGrad', 'wasm');
    try {
      const shipped = await gradients('wasm', pool('max', p), [x]);
      expect(relErr(shipped.grads[0] as Float32Array, referencePoolGrad('max', p, x.data, shipped.dy))).toBeGreaterThan(1e-2);
    } finally {
      registerProjectKernels('wasm');
    }
  });
});

describe("AvgPoolGrad (replaced on cpu and wasm: both shipped kernels divide by the full window under 'same')", () => {
  it.each(CASES.map((p) => [name(p), p] as const))('matches the float64 reference and the adjoint of each forward pass: %s', async (_n, p) => {
    const x = inputOf([p.n, p.h, p.w, p.c], 1);
    const cpu = await gradients('cpu', pool('avg', p), [x]);
    const wasm = await gradients('wasm', pool('avg', p), [x]);
    const ref = referencePoolGrad('avg', p, x.data, wasm.dy);
    expect(relErr(wasm.grads[0] as Float32Array, cpu.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(relErr(wasm.grads[0] as Float32Array, ref)).toBeLessThanOrEqual(1e-6);
    expect(relErr(cpu.grads[0] as Float32Array, ref)).toBeLessThanOrEqual(1e-6);
    // Average pooling is linear: the gradient must be the forward pass's transpose on each backend.
    expect(adjointDefect(x.data, cpu.grads[0] as Float32Array, cpu.y, cpu.dy)).toBeLessThanOrEqual(1e-5);
    expect(adjointDefect(x.data, wasm.grads[0] as Float32Array, wasm.y, wasm.dy)).toBeLessThanOrEqual(1e-5);
  });

  it("'valid' pooling agrees with tfjs's own cpu kernel, which is right there", async () => {
    const p: PoolCase = { n: 2, h: 8, w: 8, c: 3, k: [2, 2], s: [2, 2], pad: 'valid' };
    const x = inputOf([2, 8, 8, 3], 2);
    const mine = await gradients('cpu', pool('avg', p), [x]);
    restoreKernel('AvgPoolGrad', 'cpu');
    try {
      const shipped = await gradients('cpu', pool('avg', p), [x]);
      expect(relErr(mine.grads[0] as Float32Array, shipped.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-6);
      const same: PoolCase = { ...p, k: [3, 3], pad: 'same' };
      const wrong = await gradients('cpu', pool('avg', same), [x]);
      expect(relErr(wrong.grads[0] as Float32Array, referencePoolGrad('avg', same, x.data, wrong.dy))).toBeGreaterThan(1e-2);
    } finally {
      registerProjectKernels('cpu');
    }
  });
});
