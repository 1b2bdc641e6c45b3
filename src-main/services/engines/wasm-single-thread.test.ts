import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectEngine } from './select.js';

describe('wasm engine asked for one thread', () => {
  it('runs tfjs’s own single-threaded build and says why', async () => {
    const s = await selectEngine('wasm', { wasmThreads: 1 });
    expect(s.threads).toBe(1);
    expect(s.detail).toMatch(/1 thread \(one thread requested\)/);
    const y = tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same');
    expect(Array.from(await y.data())[5]).toBe(18);
    y.dispose();
  });
});
