import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_CASES, describeConv } from './conv-cases.js';
import { conv2dBackpropFilterByTaps } from './conv2d-backprop-filter-taps.js';
import { input } from './kernel-io.js';
import { gradients, inputOf, relErr, runKernelOn, setupBackends, withShipped } from './testing.js';

/**
 * The per-tap filter gradient registered for WebGPU is built from kernels every backend has, so
 * its arithmetic is checked here on cpu and wasm (fast) against tfjs's own cpu gradient; its
 * WebGPU registration is checked on SwiftShader (webgpu-kernels.test.ts).
 */
const TAPS = 'SkipwireTestFilterGradByTaps';

beforeAll(async () => {
  await setupBackends();
  for (const backendName of ['cpu', 'wasm'] as const) {
    tf.registerKernel({
      kernelName: TAPS,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => conv2dBackpropFilterByTaps(backendName, backend, input(inputs, 'x', TAPS), input(inputs, 'dy', TAPS), attrs ?? {}),
    });
  }
});

describe('Conv2DBackpropFilter as one matrix product per tap', () => {
  it.each(CONV_CASES.map((c) => [describeConv(c), c] as const))("matches tfjs's own cpu gradient on cpu and wasm: %s", async (_n, c) => {
    const x = inputOf([c.n, c.h, c.w, c.cin], 1);
    const w = inputOf([c.kh, c.kw, c.cin, c.cout], 2);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
    const shipped = await withShipped('Conv2DBackpropFilter', 'cpu', () => gradients('cpu', f, [x, w]));
    const dy = { shape: [...shipped.yShape], data: shipped.dy };
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.kh, c.kw, c.cin, c.cout] };
    for (const backend of ['cpu', 'wasm'] as const) {
      const before = (await tf.setBackend(backend), tf.memory().numTensors);
      const got = await runKernelOn(backend, TAPS, { x, dy }, attrs);
      expect(got.shape).toEqual([c.kh, c.kw, c.cin, c.cout]);
      expect(relErr(got.data, shipped.grads[1] as Float32Array), backend).toBeLessThanOrEqual(1e-4);
      expect(tf.memory().numTensors, `${backend}: tensors left behind`).toBe(before);
    }
  });

  it('names a dy whose shape the forward pass could not have made (per-tap, and the wasm filter and input gradients)', async () => {
    const x = inputOf([2, 8, 8, 4], 1);
    const dy = inputOf([2, 8, 8, 5], 2); // 'same', stride 2 makes [2, 4, 4, 8]
    const filter = inputOf([3, 3, 4, 8], 3);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 8] };
    const wrong = /dy is \[2, 8, 8, 5\], expected \[2, 4, 4, 8\] for x \[2, 8, 8, 4\]/;
    await expect(runKernelOn('wasm', TAPS, { x, dy }, attrs)).rejects.toThrow(wrong);
    await expect(runKernelOn('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs)).rejects.toThrow(wrong);
    await expect(runKernelOn('wasm', 'Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [2, 8, 8, 4] })).rejects.toThrow(
      /Conv2DBackpropInput: dy is \[2, 8, 8, 5\], expected \[2, 4, 4, 8\] for an input of \[2, 8, 8, 4\]/,
    );
  });
});
