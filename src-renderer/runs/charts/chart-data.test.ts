import { describe, expect, it } from 'vitest';
import { EMPTY_SERIES, appendEpoch, appendProgress } from '../series.js';
import { VALIDATION_COLOR, alignLines, emaSmooth, smoothLines, forLogScale, linesFor, logScalable, runColor, withAlpha } from './chart-data.js';

describe('chart data', () => {
  it('aligns lines on the union of their x values, null where a line has no point', () => {
    const d = alignLines([
      { label: 'a', xs: [1, 2, 4], ys: [10, 20, 40], color: 'red' },
      { label: 'b', xs: [2, 3], ys: [0.5, Number.NaN], color: 'blue' },
    ]);
    expect(d).toEqual([
      [1, 2, 3, 4],
      [10, 20, null, 40],
      [null, 0.5, null, null],
    ]);
  });

  it('a log scale turns values ≤ 0 into gaps', () => {
    expect(forLogScale([[1, 2, 3], [0, 1, -2]])).toEqual([[1, 2, 3], [null, 1, null]]);
    expect(logScalable('loss')).toBe(true);
    expect(logScalable('accuracy')).toBe(false);
  });

  it('one run: train per step and val per epoch; several: names prefix every line, colours by run', () => {
    let s = appendProgress(EMPTY_SERIES, { step: 2, imagesPerSecond: 10, samples: [{ step: 1, loss: 2, accuracy: 0.1, learningRate: 0.1 }, { step: 2, loss: 1, accuracy: 0.2, learningRate: 0.1 }] });
    s = appendEpoch(s, { epoch: 1, step: 2, trainLoss: 1.5, trainAccuracy: 0.15, valLoss: 1.2, valAccuracy: 0.3, learningRate: 0.1, imagesPerSecond: 10 });
    const one = linesFor('loss', [{ name: 'r1', series: s, color: runColor(0) }]);
    expect(one.map((l) => l.label)).toEqual(['train loss', 'val loss']);
    expect(one[1]?.xs).toEqual([2]);
    expect(one[1]?.dash).toBe(true);
    expect(one[1]?.color).toBe(VALIDATION_COLOR);
    expect(one[0]?.faint).toBe(false);
    const two = linesFor('accuracy', [
      { name: 'r1', series: s, color: runColor(0) },
      { name: 'r2', series: s, color: runColor(1) },
    ]);
    expect(two.map((l) => l.label)).toEqual(['r1 · train acc', 'r1 · val acc', 'r2 · train acc', 'r2 · val acc']);
    expect(two[0]?.color).not.toBe(two[2]?.color);
    expect(two[0]?.faint).toBe(true);
    expect(two[1]?.color).toBe(two[0]?.color);
    expect(withAlpha('#7aa2f7', 0.5)).toBe('#7aa2f780');
    expect(withAlpha('red', 0.5)).toBe('red');
    expect(linesFor('throughput', [{ name: 'r1', series: s, color: 'x' }])[0]?.ys).toEqual([10]);
  });

  it('smooths per-step lines with a debiased moving average, leaving per-epoch points and NaN gaps alone', () => {
    expect(emaSmooth([1, 1, 1], 0.9).map((v) => v?.toFixed(6))).toEqual(['1.000000', '1.000000', '1.000000']);
    const s = emaSmooth([0, 10, null, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo((0.5 * 0 * 0.5 + 0.5 * 10) / (1 - 0.25), 9);
    expect(s[2]).toBeNull();
    expect(emaSmooth([3, 4], 0)).toEqual([3, 4]);
    const lines = smoothLines(
      [
        { label: 't', xs: [1, 2], ys: [0, 10], color: 'x' },
        { label: 'v', xs: [2], ys: [5], color: 'y', points: true },
      ],
      0.5,
    );
    expect(lines[0]?.ys[1]).not.toBe(10);
    expect(lines[1]?.ys).toEqual([5]);
  });
});
