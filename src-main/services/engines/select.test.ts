import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeEngines } from './probe.js';
import { EngineUnavailableError, selectEngine } from './select.js';

describe('selectEngine', () => {
  it('starts wasm with the project kernels and makes it the active backend; a conv net trains there', async () => {
    const s = await selectEngine('wasm');
    expect(s).toMatchObject({ engine: 'wasm', backend: 'wasm', software: false });
    expect(tf.getBackend()).toBe('wasm');
    expect(s.kernels).toContain('Conv2DBackpropFilter');
    expect(s.detail).toMatch(/SIMD/);
    const x = tf.ones([2, 6, 6, 3]) as tf.Tensor4D;
    const w = tf.variable(tf.fill([3, 3, 3, 4], 0.1) as tf.Tensor4D);
    const before = (await w.data())[0] as number;
    tf.train.sgd(0.1).minimize(() => tf.mean(tf.square(tf.conv2d(x, w, 1, 'same'))));
    expect((await w.data())[0] as number).toBeLessThan(before);
    tf.dispose([x, w]);
  });

  it('starts cpu (with its gradient fixes) when asked by name', async () => {
    const s = await selectEngine('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(s.kernels).toContain('ResizeNearestNeighborGrad');
  });

  it('asking for an unavailable engine is an error naming why and the fix — no silent fallback', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sw-select-'));
    const before = tf.getBackend();
    const err = await selectEngine('tfjs-node-gpu', { resolveFrom: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect((err as EngineUnavailableError).engine).toBe('tfjs-node-gpu');
    expect((err as Error).message).toMatch(/not available: not installed.*fix: `npm i @tensorflow\/tfjs-node-gpu@4\.22\.0`/);
    expect(tf.getBackend()).toBe(before);
  });

  it('auto starts what the probe recommends and says why in its detail', async () => {
    const report = await probeEngines();
    const s = await selectEngine('auto');
    expect(s.engine).toBe(report.auto);
    expect(s.engine).not.toBe('cpu');
    expect(s.detail).toMatch(/\(auto: /);
    expect(tf.getBackend()).toBe(s.backend);
  });
});
