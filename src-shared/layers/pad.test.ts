import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pad } from './pad.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Pad', () => {
  it('pads spatially and along channels with zeros (option A: C → 2C)', () => {
    const x = tf.input({ shape: [2, 2, 2] });
    const p = pad.params.parse({ top: 1, bottom: 0, left: 0, right: 1, channelsBefore: 1, channelsAfter: 1 });
    const y = pad.build?.(tf, p, 'pad', [x]);
    if (!y) throw new Error('no output');
    expect(y.shape).toEqual([null, 3, 3, 4]);
    expect(pad.inferShape([[2, 2, 2]], p, { input: { height: 1, width: 1, channels: 1 } })).toEqual({ ok: true, shape: [3, 3, 4] });
    const out = tf.model({ inputs: x, outputs: y }).predict(tf.ones([1, 2, 2, 2])) as tf.Tensor;
    const v = out.arraySync() as number[][][][];
    expect(v[0]?.[0]?.[0]).toEqual([0, 0, 0, 0]); // the new top row
    expect(v[0]?.[1]?.[0]).toEqual([0, 1, 1, 0]); // an original pixel: zero channel, the two ones, zero channel
    expect(v[0]?.[1]?.[2]).toEqual([0, 0, 0, 0]); // the new right column
  });
});
