import { describe, expect, it } from 'vitest';
import { EMPTY_SERIES, appendEpoch, appendProgress, lastEpoch, seriesFromStored, truncateAfter } from './series.js';

const sample = (step: number, loss: number | null) => ({ step, loss, accuracy: 0.5, learningRate: 0.1 });
const epoch = (n: number, step: number, valLoss: number | null) => ({ epoch: n, step, trainLoss: 1, trainAccuracy: 0.5, valLoss, valAccuracy: 0.6, learningRate: 0.1, imagesPerSecond: 40 });

describe('run series', () => {
  it('appends the batches past the last step held, in order, and the throughput once per step', () => {
    let s = appendProgress(EMPTY_SERIES, { step: 3, imagesPerSecond: 50, samples: [sample(2, 2.1), sample(1, 2.3), sample(3, 1.9)] });
    expect(s.steps).toEqual([1, 2, 3]);
    expect(s.loss).toEqual([2.3, 2.1, 1.9]);
    expect(s.throughputSteps).toEqual([3]);
    // A repeated event adds nothing and returns the same object (the charts compare by reference).
    expect(appendProgress(s, { step: 3, imagesPerSecond: 50, samples: [sample(3, 1.9)] })).toBe(s);
    s = appendProgress(s, { step: 5, imagesPerSecond: 55, samples: [sample(3, 9), sample(4, null), sample(5, 1.5)] });
    expect(s.steps).toEqual([1, 2, 3, 4, 5]);
    expect(s.loss).toEqual([2.3, 2.1, 1.9, null, 1.5]);
    expect(s.throughput).toEqual([50, 55]);
  });

  it('keeps one point per epoch, the later one winning, sorted', () => {
    let s = appendEpoch(EMPTY_SERIES, epoch(2, 20, 0.8));
    s = appendEpoch(s, epoch(1, 10, 0.9));
    s = appendEpoch(s, epoch(2, 20, 0.7));
    expect(s.epochs.map((e) => [e.epoch, e.valLoss])).toEqual([
      [1, 0.9],
      [2, 0.7],
    ]);
    expect(lastEpoch(s)?.epoch).toBe(2);
  });

  it('builds a stored run from its metric samples and epochs, ignoring other metrics', () => {
    const s = seriesFromStored(
      [
        { name: 'train/loss', step: 2, epoch: 1, value: 1.5 },
        { name: 'train/loss', step: 1, epoch: 1, value: 2 },
        { name: 'train/accuracy', step: 1, epoch: 1, value: 0.25 },
        { name: 'train/lr', step: 2, epoch: 1, value: 0.05 },
        { name: 'grad_norm/conv1', step: 1, epoch: 1, value: 3 },
      ],
      [epoch(1, 2, 1.1)],
    );
    expect(s.steps).toEqual([1, 2]);
    expect(s.loss).toEqual([2, 1.5]);
    expect(s.accuracy).toEqual([0.25, null]);
    expect(s.lr).toEqual([null, 0.05]);
    expect(s.throughputSteps).toEqual([2]);
    expect(s.throughput).toEqual([40]);
    expect(s.epochs[0]?.valLoss).toBe(1.1);
  });

  it('a resumed run drops what the stopped attempt did after its checkpoint', () => {
    let s = appendProgress(EMPTY_SERIES, { step: 5, imagesPerSecond: 9, samples: [1, 2, 3, 4, 5].map((k) => sample(k, k)) });
    s = appendEpoch(s, epoch(1, 3, 0.5));
    s = appendProgress(s, { step: 6, imagesPerSecond: 9, samples: [sample(6, 6)] });
    const t = truncateAfter(s, 3);
    expect(t.steps).toEqual([1, 2, 3]);
    expect(t.loss).toEqual([1, 2, 3]);
    expect(t.throughputSteps).toEqual([]);
    expect(t.epochs.map((e) => e.epoch)).toEqual([1]);
    // Training again from step 4 adds the new points.
    expect(appendProgress(t, { step: 4, imagesPerSecond: 9, samples: [sample(4, 40)] }).loss).toEqual([1, 2, 3, 40]);
  });
});
