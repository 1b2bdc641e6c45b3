import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gate } from './gate.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Gate', () => {
  const run = (mode: 'exclusive' | 'shortcut-only', biasInit: number) => {
    const x = tf.input({ shape: [2, 2, 3] });
    const f = tf.input({ shape: [2, 2, 3] });
    const y = gate.build?.(tf, gate.params.parse({ mode, biasInit }), 'gate', [x, f]);
    if (!y) throw new Error('no output');
    const model = tf.model({ inputs: [x, f], outputs: y });
    const layer = model.getLayer('gate');
    const [kernel, bias] = layer.getWeights();
    expect(kernel?.shape).toEqual([3, 3]);
    expect(Array.from(bias?.dataSync() ?? [])).toEqual([biasInit, biasInit, biasInit]);
    // a zero kernel makes g = sigmoid(b) everywhere
    layer.setWeights([tf.zeros([3, 3]), bias as tf.Tensor]);
    const xv = tf.randomNormal([1, 2, 2, 3]);
    const fv = tf.randomNormal([1, 2, 2, 3]);
    const out = model.predict([xv, fv]) as tf.Tensor;
    const g = 1 / (1 + Math.exp(-biasInit));
    const want = mode === 'exclusive' ? tf.add(tf.mul(1 - g, xv), tf.mul(g, fv)) : tf.add(tf.mul(1 - g, xv), fv);
    const err = tf.max(tf.abs(tf.sub(out, want))).dataSync()[0];
    tf.dispose([xv, fv, out, want]);
    return err;
  };
  it('exclusive: (1 − g)·x + g·F', () => {
    expect(run('exclusive', 0.5)).toBeLessThan(1e-5);
  });
  it('shortcut-only: (1 − g)·x + F, starting near the identity at the paper\'s b = −6', () => {
    expect(run('shortcut-only', -6)).toBeLessThan(1e-5);
    expect(gate.params.parse({}).biasInit).toBe(-6);
  });
  it('params are the 1×1 conv: C·C + C', () => {
    const c = gate.cost([[8, 8, 16], [8, 8, 16]], [8, 8, 16], gate.params.parse({}));
    expect(c.params).toBe(16 * 16 + 16);
  });
});
