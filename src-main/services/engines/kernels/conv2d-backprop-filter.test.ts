import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simdFor } from '../wasm-simd/index.js';
import { wasmThreadsInUse } from '../wasm-threads.js';
import { CONV_CASES, describeConv } from './conv-cases.js';
import { adjointDefect, gradients, inputOf, relErr, setupBackends, withShipped } from './testing.js';

beforeAll(setupBackends);

describe('Conv2DBackpropFilter on wasm (missing) and cpu (slow)', () => {
  it('is registered (tfjs ships none for wasm)', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it("runs the SIMD loop on the wasm backend's threads (cases with a multiple of 4 output channels)", async () => {
    await tf.setBackend('wasm');
    const simd = simdFor(tf.backend());
    expect(simd).not.toBeNull();
    expect(simd?.threads).toBe(wasmThreadsInUse());
  });

  it.each(CONV_CASES.map((c) => [describeConv(c), c] as const))("matches tfjs's own cpu gradient: %s", async (_name, c) => {
    const x = inputOf([c.n, c.h, c.w, c.cin], 1);
    const w = inputOf([c.kh, c.kw, c.cin, c.cout], 2);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
    const shipped = await withShipped('Conv2DBackpropFilter', 'cpu', () => gradients('cpu', f, [x, w]));
    const cpu = await gradients('cpu', f, [x, w]);
    const wasm = await gradients('wasm', f, [x, w]);
    const reference = shipped.grads[1] as Float32Array;
    const dwWasm = wasm.grads[1] as Float32Array;
    expect(dwWasm.length).toBe(c.kh * c.kw * c.cin * c.cout);
    expect(relErr(dwWasm, reference)).toBeLessThanOrEqual(1e-4);
    expect(relErr(cpu.grads[1] as Float32Array, reference)).toBeLessThanOrEqual(1e-4);
    // Independent of the cpu backend: the map w -> conv(x, w) is linear, so <conv(x,w), dy> = <w, dW>.
    expect(adjointDefect(w.data, dwWasm, wasm.y, wasm.dy)).toBeLessThanOrEqual(1e-5);
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(inputOf([2, 8, 8, 3], 3).data, [2, 8, 8, 3]) as tf.Tensor4D;
    const dy = tf.tensor(inputOf([2, 4, 4, 5], 4).data, [2, 4, 4, 5]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 5] }) as tf.Tensor;
    expect(g.shape).toEqual([3, 3, 3, 5]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytesBefore);
    tf.dispose([x, dy]);
  });

  it('refuses NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 4, 4]) as tf.Tensor4D;
    const dy = tf.zeros([1, 2, 4, 4]) as tf.Tensor4D;
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] })).toThrow(
      /only NHWC/,
    );
    tf.dispose([x, dy]);
  });
});
