import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_CASES, describeConv } from './conv-cases.js';
import { originalKernel } from './index.js';
import { adjointDefect, gradients, inputOf, relErr, runKernelOn, setupBackends, withShipped } from './testing.js';

beforeAll(setupBackends);

describe('Conv2DBackpropInput on wasm (replaces the slow shipped loop)', () => {
  it('is the project kernel, and tfjs shipped one for wasm', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).not.toBe(originalKernel('Conv2DBackpropInput', 'wasm'));
    expect(originalKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
  });

  it.each(CONV_CASES.map((c) => [describeConv(c), c] as const))('matches the cpu gradient: %s', async (_name, c) => {
    const x = inputOf([c.n, c.h, c.w, c.cin], 1);
    const w = inputOf([c.kh, c.kw, c.cin, c.cout], 2);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
    const cpu = await gradients('cpu', f, [x, w]);
    const wasm = await gradients('wasm', f, [x, w]);
    const dxWasm = wasm.grads[0] as Float32Array;
    expect(dxWasm.length).toBe(x.data.length);
    expect(relErr(dxWasm, cpu.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(adjointDefect(x.data, dxWasm, wasm.y, wasm.dy)).toBeLessThanOrEqual(1e-5);
  });

  it('conv2dTranspose (whose forward pass is this kernel) matches cpu, strides 1 and 2', async () => {
    for (const [stride, pad, out] of [
      [2, 'same', [2, 8, 8, 3]],
      [1, 'valid', [2, 6, 6, 3]],
      [2, 'valid', [2, 9, 9, 3]],
    ] as const) {
      const x = inputOf([2, 4, 4, 5], 3);
      const w = inputOf([3, 3, 3, 5], 4);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [...out], stride, pad);
      const cpu = await gradients('cpu', f, [x, w]);
      const wasm = await gradients('wasm', f, [x, w]);
      expect(relErr(wasm.y, cpu.y), `forward, stride ${stride} ${pad}`).toBeLessThanOrEqual(1e-4);
      expect(relErr(wasm.grads[0] as Float32Array, cpu.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-4);
      expect(relErr(wasm.grads[1] as Float32Array, cpu.grads[1] as Float32Array)).toBeLessThanOrEqual(1e-4);
    }
  });

  it("called directly, matches the cpu backend's kernel", async () => {
    const dy = inputOf([2, 4, 4, 6], 5);
    const filter = inputOf([3, 3, 4, 6], 6);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 8, 8, 4] };
    const mine = await runKernelOn('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const ref = await runKernelOn('cpu', 'Conv2DBackpropInput', { dy, filter }, attrs);
    expect(mine.shape).toEqual([2, 8, 8, 4]);
    expect(relErr(mine.data, ref.data)).toBeLessThanOrEqual(1e-5);
  });

  it("agrees with tfjs's own wasm kernel, which still works when put back (its setup ran at backend start)", async () => {
    const dy = inputOf([2, 5, 5, 6], 7);
    const filter = inputOf([3, 3, 4, 6], 8);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 4] };
    const mine = await runKernelOn('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const shipped = await withShipped('Conv2DBackpropInput', 'wasm', () => runKernelOn('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs));
    expect(relErr(mine.data, shipped.data)).toBeLessThanOrEqual(1e-5);
  });
});
