import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_CASES, describeConv } from './conv-cases.js';
import { relErr, setupBackends, values } from './testing.js';

beforeAll(setupBackends);

async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<{ shape: number[]; data: Float32Array }> {
  await tf.setBackend(backend);
  const y = tf.tidy(f);
  const out = { shape: y.shape, data: (await y.data()) as Float32Array };
  y.dispose();
  return out;
}

async function agree(f: () => tf.Tensor): Promise<void> {
  const cpu = await on('cpu', f);
  const wasm = await on('wasm', f);
  expect(wasm.shape).toEqual(cpu.shape);
  expect(relErr(wasm.data, cpu.data)).toBeLessThanOrEqual(1e-5);
}

const t = (shape: number[], seed: number) => tf.tensor(values(shape, seed), shape);

describe('Conv2D and FusedConv2D on wasm (direct SIMD loop where output channels are a multiple of 4) match the cpu backend', () => {
  it.each(CONV_CASES.map((c) => [describeConv(c), c] as const))('conv2d %s', async (_n, c) => {
    await agree(() => tf.conv2d(t([c.n, c.h, c.w, c.cin], 1) as tf.Tensor4D, t([c.kh, c.kw, c.cin, c.cout], 2) as tf.Tensor4D, c.stride, c.pad));
  });

  // [x shape, filter shape, stride, pad, dilation]: dilations (forward only: tfjs has no dilated
  // gradients), windows wider than the input, 4 and 8 output channels, borders on both sides.
  const MORE: [number[], number[], number, 'same' | 'valid' | number, number][] = [
    [[2, 9, 9, 3], [3, 3, 3, 8], 1, 'same', 2],
    [[1, 11, 10, 5], [3, 3, 5, 4], 1, 'valid', 3],
    [[2, 3, 2, 2], [5, 5, 2, 8], 1, 'same', 1],
    [[1, 12, 12, 16], [3, 3, 16, 16], 2, 'same', 1],
    [[1, 6, 7, 3], [3, 1, 3, 8], [1, 2] as unknown as number, 2, 1],
    [[32, 8, 8, 64], [3, 3, 64, 64], 1, 'same', 1],
    // Output channels not a multiple of 4 (zero-padded channels), among them numeric paddings
    // with narrow kernels for which tfjs 4.22's own wasm kernel is wrong.
    [[2, 6, 7, 3], [3, 1, 3, 3], 1, 2, 1],
    [[2, 6, 7, 4], [3, 2, 4, 5], 1, 1, 1],
    [[1, 7, 9, 2], [3, 3, 2, 6], [1, 2] as unknown as number, 1, 1],
    [[3, 9, 9, 5], [3, 3, 5, 1], 2, 'same', 1],
    [[2, 10, 10, 4], [3, 3, 4, 7], 1, 'valid', 2],
  ];
  it.each(MORE.map((m) => [JSON.stringify(m), m] as const))('conv2d %s', async (_n, [xs, fs, s, p, d]) => {
    await agree(() => tf.conv2d(t(xs, 3) as tf.Tensor4D, t(fs, 4) as tf.Tensor4D, s, p, 'NHWC', d));
  });

  it('fused: per-channel bias and ReLU, bias only, ReLU only; other activations fall back', async () => {
    const x = () => t([2, 7, 7, 6], 5) as tf.Tensor4D;
    const f = () => t([3, 3, 6, 8], 6) as tf.Tensor4D;
    const b = () => t([8], 7) as tf.Tensor1D;
    await agree(() => tf.fused.conv2d({ x: x(), filter: f(), strides: 1, pad: 'same', bias: b(), activation: 'relu' }));
    await agree(() => tf.fused.conv2d({ x: x(), filter: f(), strides: 2, pad: 'valid', bias: b() }));
    await agree(() => tf.fused.conv2d({ x: x(), filter: f(), strides: 1, pad: 1, activation: 'relu' }));
    await agree(() => tf.fused.conv2d({ x: x(), filter: f(), strides: 1, pad: 'same', bias: b(), activation: 'elu' }));
  });

  it('fused bias and ReLU over outputs large enough to be split over the threads, with 16 and 6 output channels', async () => {
    await agree(() => tf.fused.conv2d({ x: t([9, 17, 15, 5], 10) as tf.Tensor4D, filter: t([3, 3, 5, 16], 11) as tf.Tensor4D, strides: 1, pad: 'same', bias: t([16], 12) as tf.Tensor1D, activation: 'relu' }));
    await agree(() => tf.fused.conv2d({ x: t([9, 17, 15, 5], 13) as tf.Tensor4D, filter: t([3, 3, 5, 6], 14) as tf.Tensor4D, strides: 1, pad: 'same', bias: t([6], 15) as tf.Tensor1D, activation: 'relu' }));
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const x = t([2, 8, 8, 4], 8) as tf.Tensor4D;
    const f = t([3, 3, 4, 8], 9) as tf.Tensor4D;
    const before = tf.memory();
    tf.conv2d(x, f, 1, 'same').dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([x, f]);
  });
});
