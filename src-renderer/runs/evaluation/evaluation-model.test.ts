import { describe, expect, it } from 'vitest';
import { cellTitle, confusionGrid, formatPercent, imagePixels, maskColor, maskPixels, topConfusions } from './evaluation-model.js';

const b64 = (bytes: number[]): string => btoa(String.fromCharCode(...bytes));

describe('confusion grid', () => {
  const grid = confusionGrid([
    [8, 2, 0],
    [1, 9, 0],
    [0, 5, 0],
  ]);
  it('gives each cell its count and share of the true class', () => {
    expect(grid.size).toBe(3);
    expect(grid.total).toBe(25);
    expect(grid.rowTotals).toEqual([10, 10, 5]);
    expect(grid.cells[1]).toEqual({ t: 0, p: 1, count: 2, share: 0.2 });
    expect(grid.cells[8]).toEqual({ t: 2, p: 2, count: 0, share: 0 });
    expect(confusionGrid([[0]]).cells[0]?.share).toBe(0);
  });
  it('hover says which true class was predicted as which', () => {
    expect(cellTitle(['cat', 'dog'], { t: 0, p: 1, count: 1234, share: 0.25 }, 'examples')).toBe('true cat predicted as dog: 1,234 (25% of true cat)');
    expect(cellTitle([], { t: 2, p: 0, count: 0, share: 0 }, 'pixels')).toBe('true class 2 predicted as class 0: 0 pixels');
  });
  it('lists the most frequent confusions', () => {
    expect(topConfusions(grid).map((c) => [c.t, c.p, c.count])).toEqual([
      [2, 1, 5],
      [0, 1, 2],
      [1, 0, 1],
    ]);
    expect(topConfusions(grid, 1)).toHaveLength(1);
  });
  it('formats percentages', () => {
    expect(formatPercent(0.8734)).toBe('87.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('sample pixels', () => {
  it('decode gray and RGB images to RGBA', () => {
    const gray = imagePixels({ width: 2, height: 1, channels: 1, data: b64([0, 200]) });
    expect('rgba' in gray && [...gray.rgba]).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    const rgb = imagePixels({ width: 1, height: 1, channels: 3, data: b64([1, 2, 3]) });
    expect('rgba' in rgb && [...rgb.rgba]).toEqual([1, 2, 3, 255]);
  });
  it('refuse data of the wrong size with the sizes, and data that are not base64', () => {
    expect(imagePixels({ width: 2, height: 2, channels: 3, data: b64([1, 2, 3]) })).toEqual({ error: 'image data hold 3 bytes, expected 2×2×3 = 12' });
    expect(imagePixels({ width: 1, height: 1, channels: 1, data: '!!' })).toEqual({ error: 'image data is not base64' });
    expect(maskPixels({ width: 3, height: 1, data: b64([0, 1]) })).toEqual({ error: 'mask data hold 2 bytes, expected 3×1 = 3' });
  });
  it('colour masks by class', () => {
    const m = maskPixels({ width: 2, height: 1, data: b64([0, 1]) });
    expect('rgba' in m && [...m.rgba]).toEqual([...maskColor(0), 255, ...maskColor(1), 255]);
    expect(maskColor(11)).toEqual(maskColor(1));
  });
});
