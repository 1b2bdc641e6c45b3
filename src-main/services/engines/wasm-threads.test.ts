import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputOf, relErr } from './kernels/testing.js';
import { selectEngine } from './select.js';
import { defaultWasmThreads, threadedWasmUnsupported, wasmThreadsStatus } from './wasm-threads.js';

/** A small residual conv net's loss and gradients on the active backend. */
async function residualGrads(): Promise<Float32Array[]> {
  const x = tf.tensor(inputOf([4, 12, 12, 8], 1).data, [4, 12, 12, 8]) as tf.Tensor4D;
  const ws = [inputOf([3, 3, 8, 16], 2), inputOf([3, 3, 16, 16], 3), inputOf([1, 1, 8, 16], 4)].map((i) => tf.tensor(i.data.map((v) => v * 0.3), i.shape));
  const dy = tf.tensor(inputOf([4, 6, 6, 16], 5).data, [4, 6, 6, 16]);
  const gamma = tf.ones([16]);
  const beta = tf.zeros([16]);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
    const h = tf.relu(tf.conv2d(x, a as tf.Tensor4D, 2, 'same'));
    const y = tf.add(tf.conv2d(h, b as tf.Tensor4D, 1, 'same'), tf.conv2d(x, c as tf.Tensor4D, 2, 'valid'));
    const m = tf.moments(y, [0, 1, 2]);
    return tf.sum(tf.mul(tf.relu(tf.batchNorm(y, m.mean, m.variance, beta, gamma, 1e-3)), dy));
  })(ws);
  const out = await Promise.all(g.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([x, dy, gamma, beta, ...ws, ...g]);
  return out;
}

describe('wasm engine with threads (the threaded SIMD build started from file paths)', () => {
  it('starts with this machine’s threads, says so, and trains to the cpu backend’s gradients', async () => {
    const s = await selectEngine('wasm');
    const expected = threadedWasmUnsupported() === null ? defaultWasmThreads() : 1;
    expect(s.threads).toBe(expected);
    expect(wasmThreadsStatus().threads).toBe(expected);
    expect(s.detail).toMatch(expected > 1 ? new RegExp(`${expected} threads`) : /1 thread/);
    if (expected > 1) {
      // The pthread worker script lives in a file (Node refuses blob: URLs for workers).
      expect(readdirSync(tmpdir()).some((f) => /^skipwire-tfjs-backend-wasm-threaded-simd-[0-9a-f]{16}\.worker\.cjs$/.test(f) && existsSync(join(tmpdir(), f)))).toBe(true);
    }
    const wasm = await residualGrads();
    await selectEngine('cpu');
    const cpu = await residualGrads();
    wasm.forEach((g, i) => expect(relErr(g, cpu[i] as Float32Array)).toBeLessThanOrEqual(1e-4));
  });
});
