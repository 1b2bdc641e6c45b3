import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjointDefect, gradients, inputOf, relErr, runKernelOn, setupBackends } from './testing.js';

beforeAll(setupBackends);

interface DwCase {
  n: number;
  h: number;
  w: number;
  c: number;
  m: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: DwCase[] = [
  { n: 2, h: 8, w: 8, c: 3, m: 1, k: 3, stride: 1, pad: 'same' },
  { n: 1, h: 8, w: 8, c: 4, m: 1, k: 3, stride: 2, pad: 'same' },
  { n: 3, h: 7, w: 9, c: 2, m: 2, k: 3, stride: 2, pad: 'same' },
  { n: 2, h: 7, w: 7, c: 3, m: 3, k: 3, stride: 1, pad: 'valid' },
  { n: 2, h: 9, w: 8, c: 2, m: 1, k: 5, stride: 2, pad: 'valid' },
  { n: 1, h: 6, w: 6, c: 5, m: 1, k: 2, stride: 1, pad: 'same' },
];
const name = (c: DwCase) => `x ${c.n}x${c.h}x${c.w}x${c.c}, ${c.k}x${c.k} multiplier ${c.m}, stride ${c.stride}, ${c.pad}`;

describe('DepthwiseConv2dNative gradients on wasm (tfjs ships none)', () => {
  it('both are registered', () => {
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each(CASES.map((c) => [name(c), c] as const))('input and filter gradients match cpu: %s', async (_n, c) => {
    const x = inputOf([c.n, c.h, c.w, c.c], 1);
    const w = inputOf([c.k, c.k, c.c, c.m], 2);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
    const cpu = await gradients('cpu', f, [x, w]);
    const wasm = await gradients('wasm', f, [x, w]);
    const [dx, dW] = wasm.grads as [Float32Array, Float32Array];
    expect(relErr(dx, cpu.grads[0] as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(relErr(dW, cpu.grads[1] as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(adjointDefect(x.data, dx, wasm.y, wasm.dy)).toBeLessThanOrEqual(1e-5);
    expect(adjointDefect(w.data, dW, wasm.y, wasm.dy)).toBeLessThanOrEqual(1e-5);
  });

  it('separable conv and fused depthwise (bias + relu) train on wasm like on cpu', async () => {
    const x = inputOf([2, 6, 6, 3], 3);
    const dwf = inputOf([3, 3, 3, 2], 4);
    const pw = inputOf([1, 1, 6, 4], 5);
    const bias = inputOf([3], 6);
    const sep = (a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, p as tf.Tensor4D, 1, 'same');
    const fused = (a: tf.Tensor, b: tf.Tensor, bb: tf.Tensor) =>
      tf.fused.depthwiseConv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 2, pad: 'same', bias: bb, activation: 'relu' });
    for (const [f, ins] of [
      [sep, [x, dwf, pw]],
      [fused, [x, inputOf([3, 3, 3, 1], 7), bias]],
    ] as const) {
      const cpu = await gradients('cpu', f, [...ins]);
      const wasm = await gradients('wasm', f, [...ins]);
      cpu.grads.forEach((g, i) => expect(relErr(wasm.grads[i] as Float32Array, g), `input ${i}`).toBeLessThanOrEqual(1e-4));
    }
  });

  // tfjs's depthwise gradient refuses dilation > 1 (and the cpu backend's backprop kernels ignore it),
  // so dilation is checked by calling the kernels directly against the forward pass's adjoint.
  it.each([
    [1, 2, 'same'],
    [1, 2, 'valid'],
    [2, 1, 'same'],
    [1, 3, 'same'],
  ] as const)('called directly with stride %i, dilation %i, %s: the exact transpose of the forward pass', async (stride, dilation, pad) => {
    const xShape: [number, number, number, number] = [2, 9, 9, 3];
    const filterShape: [number, number, number, number] = [3, 3, 3, 2];
    const x = inputOf(xShape, 8);
    const filter = inputOf(filterShape, 10);
    await tf.setBackend('cpu');
    const y = tf.tidy(() => tf.depthwiseConv2d(tf.tensor4d(x.data, xShape), tf.tensor4d(filter.data, filterShape), stride, pad, 'NHWC', dilation));
    const yData = (await y.data()) as Float32Array;
    const outShape = y.shape;
    y.dispose();
    for (const seed of [11, 12]) {
      const dy = inputOf(outShape, seed);
      const common = { strides: stride, dilations: dilation, pad };
      const dW = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape });
      const dx = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: xShape });
      expect(dW.shape).toEqual(filterShape);
      expect(dx.shape).toEqual(xShape);
      expect(adjointDefect(filter.data, dW.data, yData, dy.data)).toBeLessThanOrEqual(1e-5);
      expect(adjointDefect(x.data, dx.data, yData, dy.data)).toBeLessThanOrEqual(1e-5);
    }
  });
});
