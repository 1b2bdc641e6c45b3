import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm } from './batch-norm.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('BatchNorm counts', () => {
  it('2·C trainable (gamma, beta) as papers count; 4·C weights in all, as tfjs countParams', () => {
    const c = batchNorm.cost([[8, 8, 64]], [8, 8, 64], batchNorm.params.parse({}));
    expect(c).toEqual({ params: 128, nonTrainable: 128, flops: 8 * 8 * 64 });
    const x = tf.input({ shape: [8, 8, 64] });
    const y = batchNorm.build?.(tf, batchNorm.params.parse({}), 'bn', [x]);
    if (!y) throw new Error('no output');
    const model = tf.model({ inputs: x, outputs: y });
    expect(model.countParams()).toBe(256);
    expect(model.trainableWeights.length).toBe(2);
  });
});
