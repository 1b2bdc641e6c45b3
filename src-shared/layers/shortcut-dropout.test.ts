import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { shortcutDropout } from './shortcut-dropout.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ShortcutDropout', () => {
  const layerOf = (rescale: boolean) => {
    const x = tf.input({ shape: [50] });
    const y = shortcutDropout.build?.(tf, shortcutDropout.params.parse({ rate: 0.5, rescale }), 'sd', [x]);
    if (!y) throw new Error('no output');
    return tf.model({ inputs: x, outputs: y }).getLayer('sd');
  };
  it('without rescaling (the paper\'s form): training keeps or zeroes, inference scales by 1 − rate', () => {
    const layer = layerOf(false);
    const x = tf.ones([4, 50]);
    const train = layer.apply(x, { training: true }) as tf.Tensor;
    const values = new Set(Array.from(train.dataSync()));
    expect([...values].every((v) => v === 0 || v === 1)).toBe(true);
    expect(values.size).toBe(2);
    const infer = layer.apply(x, { training: false }) as tf.Tensor;
    expect(new Set(Array.from(infer.dataSync()))).toEqual(new Set([0.5]));
  });
  it('with rescaling: inverted dropout (kept × 1/(1 − rate), identity at inference)', () => {
    const layer = layerOf(true);
    const x = tf.ones([4, 50]);
    const train = layer.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(train.dataSync()).every((v) => v === 0 || v === 2)).toBe(true);
    expect(new Set(Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync()))).toEqual(new Set([1]));
  });
});
