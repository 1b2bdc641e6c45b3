import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crop } from './crop.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Crop', () => {
  it('center-crops x to the reference size, top/left offset ⌊(Hx − Hr)/2⌋, keeping x\'s channels', () => {
    const x = tf.input({ shape: [6, 5, 1] });
    const ref = tf.input({ shape: [3, 3, 7] });
    const y = crop.build?.(tf, {}, 'crop', [x, ref]);
    if (!y) throw new Error('no output');
    expect(y.shape).toEqual([null, 3, 3, 1]);
    const model = tf.model({ inputs: [x, ref], outputs: y });
    const xv = tf.range(0, 30).reshape([1, 6, 5, 1]);
    const out = model.predict([xv, tf.zeros([1, 3, 3, 7])]) as tf.Tensor;
    // rows 1..3 (⌊3/2⌋ = 1), columns 1..3 (⌊2/2⌋ = 1)
    expect(Array.from(out.dataSync())).toEqual([6, 7, 8, 11, 12, 13, 16, 17, 18]);
  });
  it('the U-Net case: 64×64 encoder map to a 56×56 decoder map', () => {
    const r = crop.inferShape([[64, 64, 512], [56, 56, 512]], {}, { input: { height: 1, width: 1, channels: 1 } });
    expect(r).toEqual({ ok: true, shape: [56, 56, 512] });
  });
});
