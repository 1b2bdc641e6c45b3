import { describe, expect, it } from 'vitest';
import { appendProgress, EMPTY_SERIES, seriesFromStored } from './series.js';
import { emptyRun, mergeStored, onProgress, onStatus } from './runs-store.js';

const progress = (step: number) => ({
  runId: 'r1',
  epoch: 1,
  epochs: 2,
  step,
  totalSteps: 10,
  stepsPerEpoch: 5,
  loss: 1,
  accuracy: 0.5,
  learningRate: 0.1,
  imagesPerSecond: 30,
  etaSeconds: 12,
  samples: [{ step, loss: 1 / step, accuracy: 0.5, learningRate: 0.1 }],
});

describe('runs store reducers', () => {
  it('progress marks the run running and adds its points; status events set engine, error and status', () => {
    let r = onProgress(emptyRun('r1'), progress(1));
    expect(r.status).toBe('running');
    expect(r.series.steps).toEqual([1]);
    r = onStatus(r, { runId: 'r1', status: 'paused', engine: 'wasm' });
    r = onProgress(r, progress(2));
    expect(r.status).toBe('paused');
    expect(r.engine).toBe('wasm');
    r = onStatus(r, { runId: 'r1', status: 'failed', error: 'NaN loss at step 2' });
    expect(r.error).toBe('NaN loss at step 2');
    expect(r.engine).toBe('wasm');
  });

  it('stored curves come first, then the live steps past them; epochs from both', () => {
    let live = emptyRun('r1');
    for (const s of [3, 4, 5]) live = onProgress(live, progress(s));
    const stored = seriesFromStored(
      [1, 2, 3].map((step) => ({ name: 'train/loss', step, epoch: 1, value: step })),
      [{ epoch: 1, step: 3, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, learningRate: 0.1, imagesPerSecond: 20 }],
    );
    const m = mergeStored(live, stored);
    expect(m.loaded).toBe(true);
    expect(m.series.steps).toEqual([1, 2, 3, 4, 5]);
    expect(m.series.loss).toEqual([1, 2, 3, 1 / 4, 1 / 5]);
    expect(m.series.throughputSteps).toEqual([3, 4, 5]);
    expect(m.series.epochs).toHaveLength(1);
    expect(mergeStored(emptyRun('x'), appendProgress(EMPTY_SERIES, { step: 1, imagesPerSecond: 0, samples: [] })).series.steps).toEqual([]);
  });
});
