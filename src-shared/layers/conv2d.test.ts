import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, type Conv2DParams } from './conv2d.js';
import type { Shape } from './types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = { input: { height: 8, width: 8, channels: 3 } };
const run = (input: Shape, p: Partial<Conv2DParams>) => {
  const params = conv2d.params.parse(p);
  const r = conv2d.inferShape([input], params, ctx);
  if (!r.ok) return { shape: null, issue: r.issue, cost: null };
  return { shape: r.shape, issue: null, cost: conv2d.cost([input], r.shape, params) };
};

describe('Conv2D shapes and hand-counted costs', () => {
  it('3×3, 16 → 16, no bias: 2304 params', () => {
    expect(run([32, 32, 16], { filters: 16 })).toEqual({ shape: [32, 32, 16], issue: null, cost: { params: 2304, flops: 32 * 32 * 16 * 144 } });
  });
  it('stride 2, same: ceil(H/2); 16 → 32 = 4608 params', () => {
    expect(run([32, 32, 16], { filters: 32, stride: 2 })).toEqual({ shape: [16, 16, 32], issue: null, cost: { params: 4608, flops: 16 * 16 * 32 * 144 } });
    expect(run([7, 7, 4], { filters: 4, stride: 2 }).shape).toEqual([4, 4, 4]);
  });
  it('groups (ResNeXt): 3×3, 128 → 128, 32 groups = 3·3·4·128 = 4608 params', () => {
    expect(run([8, 8, 128], { filters: 128, groups: 32 })).toEqual({ shape: [8, 8, 128], issue: null, cost: { params: 4608, flops: 64 * 128 * 36 } });
  });
  it('dilation 2, valid: a 3×3 kernel spans 5; bias adds `filters` params', () => {
    expect(run([10, 10, 4], { filters: 8, dilation: 2, padding: 'valid', bias: true })).toEqual({
      shape: [6, 6, 8],
      issue: null,
      cost: { params: 3 * 3 * 4 * 8 + 8, flops: 36 * 8 * 36 },
    });
  });
  it('explicit padding: floor((H + 2p − k)/s) + 1', () => {
    expect(run([5, 5, 2], { filters: 3, padding: 1 }).shape).toEqual([5, 5, 3]);
    expect(run([7, 7, 2], { filters: 3, kernel: 5, stride: 2, padding: 2 }).shape).toEqual([4, 4, 3]);
    expect(run([7, 7, 2], { filters: 3, kernel: 1, stride: 2, padding: 0 }).shape).toEqual([4, 4, 3]);
  });
  it('errors: channels or filters not divisible by groups, stride with dilation, a window too large, a flat input', () => {
    expect(run([8, 8, 6], { filters: 8, groups: 4 }).issue?.code).toBe('groups-mismatch');
    expect(run([8, 8, 8], { filters: 6, groups: 4 }).issue?.code).toBe('groups-mismatch');
    expect(run([8, 8, 8], { stride: 2, dilation: 2 }).issue?.code).toBe('stride-and-dilation');
    expect(run([2, 2, 8], { kernel: 3, padding: 'valid' }).issue).toEqual({
      code: 'window-too-large',
      message: 'window 3×3 does not fit input {0} with valid padding — use padding same or a smaller kernel',
      port: 0,
    });
    expect(run([64], {}).issue?.code).toBe('expects-feature-map');
  });
  it('summary', () => {
    expect(conv2d.summary(conv2d.params.parse({ filters: 64, stride: 2 }))).toBe('3×3, 64, /2');
    expect(conv2d.summary(conv2d.params.parse({ filters: 128, groups: 32, padding: 'valid' }))).toBe('3×3, 128, g32, valid');
  });
});

describe('Conv2D builds', () => {
  it('explicit padding builds a zero-padding layer before a valid conv, with the inferred shape', () => {
    const x = tf.input({ shape: [7, 7, 2] });
    const p = conv2d.params.parse({ filters: 3, kernel: 5, stride: 2, padding: 2 });
    const y = conv2d.build?.(tf, p, 'c', [x]);
    expect(y?.shape).toEqual([null, 4, 4, 3]);
  });

  it('grouped convolution computes a block-diagonal convolution', () => {
    const cin = 4;
    const filters = 6;
    const groups = 2;
    const x = tf.input({ shape: [5, 5, cin] });
    const y = conv2d.build?.(tf, conv2d.params.parse({ filters, groups, bias: true }), 'g', [x]);
    if (!y) throw new Error('no output');
    const model = tf.model({ inputs: x, outputs: y });
    const layer = model.getLayer('g');
    const [kernel, bias] = layer.getWeights();
    expect(kernel?.shape).toEqual([3, 3, cin / groups, filters]);
    // the same weights as a full kernel, zero outside each group's block
    const k = kernel?.arraySync() as number[][][][];
    const full = tf.tidy(() => {
      const buf = tf.buffer([3, 3, cin, filters]);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let o = 0; o < filters; o++) {
            const g = Math.floor(o / (filters / groups));
            for (let c = 0; c < cin / groups; c++) buf.set(k[i]?.[j]?.[c]?.[o] ?? 0, i, j, g * (cin / groups) + c, o);
          }
        return buf.toTensor();
    });
    const b = tf.randomNormal([filters]);
    layer.setWeights([kernel as tf.Tensor, b]);
    const input = tf.randomNormal([2, 5, 5, cin]) as tf.Tensor4D;
    const got = model.predict(input) as tf.Tensor;
    const want = tf.add(tf.conv2d(input, full as tf.Tensor4D, 1, 'same'), b);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([full, b, input, got, want, bias as tf.Tensor]);
  });
});
