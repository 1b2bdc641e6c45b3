import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerProjectKernels, restoreKernel } from './index.js';
import { SAME_PADDING_CONVS } from './same-padding-convs.js';
import { inputOf, relErr, setupBackends } from './testing.js';
import type { Input } from './testing.js';

beforeAll(setupBackends);

async function forward(backend: 'cpu' | 'wasm', f: (...t: tf.Tensor[]) => tf.Tensor, inputs: Input[]): Promise<Float32Array> {
  await tf.setBackend(backend);
  const ts = inputs.map((i) => tf.tensor(i.data, i.shape));
  const y = f(...ts);
  const out = (await y.data()) as Float32Array;
  tf.dispose([...ts, y]);
  return out;
}

type Op = [string, (...t: tf.Tensor[]) => tf.Tensor, Input[]];

function opsFor(h: number, w: number, kh: number, kw: number, s: [number, number], d: number): Op[] {
  const x = inputOf([2, h, w, 3], 1);
  const square = s[0] === s[1];
  const ops: Op[] = [
    ['conv2d', (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same', 'NHWC', d), [x, inputOf([kh, kw, 3, 2], 2)]],
    [
      'fused conv2d + bias + relu',
      (a, b, c) => tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: s, pad: 'same', dilations: d, bias: c, activation: 'relu' }),
      [x, inputOf([kh, kw, 3, 2], 2), inputOf([2], 3)],
    ],
  ];
  if (square) {
    ops.push(['depthwise', (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same', 'NHWC', d), [x, inputOf([kh, kw, 3, 2], 2)]]);
    ops.push([
      'fused depthwise + bias + relu',
      (a, b, c) =>
        tf.fused.depthwiseConv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: s, pad: 'same', dilations: d, bias: c, activation: 'relu' }),
      [x, inputOf([kh, kw, 3, 1], 2), inputOf([3], 3)],
    ]);
  }
  return ops;
}

describe("wasm forward convolutions with 'same' padding (passed on as explicit padding)", () => {
  it('wraps all four kernels', () => {
    for (const k of SAME_PADDING_CONVS) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });

  it('agree with the cpu backend over sizes, kernels and strides', async () => {
    let n = 0;
    for (const [h, w] of [
      [6, 8],
      [7, 7],
      [5, 9],
    ])
      for (const [kh, kw] of [
        [1, 1],
        [3, 1],
        [1, 3],
        [3, 3],
        [2, 2],
      ])
        for (const s of [
          [1, 1],
          [1, 2],
          [2, 2],
          [3, 3],
        ] as [number, number][])
          for (const [name, f, ins] of opsFor(h as number, w as number, kh as number, kw as number, s, 1)) {
            const label = `${name} ${h}x${w} kernel ${kh}x${kw} stride ${s.join('x')}`;
            expect(relErr(await forward('wasm', f, ins), await forward('cpu', f, ins)), label).toBeLessThanOrEqual(1e-5);
            n++;
          }
    expect(n).toBeGreaterThan(150);
  });

  it('agree with the cpu backend with dilation 2', async () => {
    for (const [name, f, ins] of opsFor(9, 9, 3, 3, [1, 1], 2)) {
      expect(relErr(await forward('wasm', f, ins), await forward('cpu', f, ins)), name).toBeLessThanOrEqual(1e-5);
    }
  });

  it("tfjs's own wasm Conv2D returns zeros for a 3x1 kernel, stride (1,2), 'same' on 6x8 (why the wrapper exists)", async () => {
    const x: Input = { shape: [1, 6, 8, 1], data: Float32Array.from({ length: 48 }, (_, i) => i + 1) };
    const k: Input = { shape: [3, 1, 1, 1], data: Float32Array.from([0, 1, 0]) };
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [1, 2], 'same');
    restoreKernel('Conv2D', 'wasm');
    let shipped: Float32Array;
    try {
      shipped = await forward('wasm', f, [x, k]);
    } finally {
      registerProjectKernels('wasm');
    }
    const right = await forward('wasm', f, [x, k]);
    expect(Array.from(right.slice(0, 4))).toEqual([1, 3, 5, 7]);
    expect(Array.from(shipped).every((v) => v === 0)).toBe(true);
  });
});
