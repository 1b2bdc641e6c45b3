import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupNorm } from './group-norm.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GroupNorm', () => {
  it('normalizes each group of channels over positions, per example', () => {
    const x = tf.input({ shape: [2, 2, 4] });
    const y = groupNorm.build?.(tf, groupNorm.params.parse({ groups: 2, epsilon: 1e-5 }), 'gn', [x]);
    if (!y) throw new Error('no output');
    const model = tf.model({ inputs: x, outputs: y });
    const input = tf.randomNormal([3, 2, 2, 4]);
    const out = model.predict(input) as tf.Tensor;
    const xs = input.arraySync() as number[][][][];
    const ys = out.arraySync() as number[][][][];
    for (let n = 0; n < 3; n++) {
      for (let g = 0; g < 2; g++) {
        const vals: number[] = [];
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = g * 2; c < g * 2 + 2; c++) vals.push(xs[n]?.[i]?.[j]?.[c] ?? 0);
        const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
        const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++)
            for (let c = g * 2; c < g * 2 + 2; c++) {
              const want = ((xs[n]?.[i]?.[j]?.[c] ?? 0) - mean) / Math.sqrt(variance + 1e-5);
              expect(ys[n]?.[i]?.[j]?.[c]).toBeCloseTo(want, 4);
            }
      }
    }
  });
  it('refuses channels not divisible by groups', () => {
    const r = groupNorm.inferShape([[4, 4, 12]], groupNorm.params.parse({ groups: 8 }), { input: { height: 1, width: 1, channels: 1 } });
    expect(r.ok ? null : r.issue.code).toBe('groups-mismatch');
  });
});
