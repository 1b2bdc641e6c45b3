import { describe, expect, it } from 'vitest';
import { shapeOf } from '../graph/infer.js';
import { generated, kinds, relErr } from './test-helpers.js';

describe('FCN skip fusion', () => {
  it.each([
    ['32s', 0, 'up32'],
    ['16s', 1, 'up16'],
    ['8s', 2, 'up8'],
  ])('FCN-%s: %i fusions by Add, final ×stride upsampling, per-pixel output', (variant, adds, up) => {
    const g = generated('fcn', { variant });
    expect(g.problems).toEqual([]);
    expect(kinds(g.doc, 'Add')).toHaveLength(adds);
    expect(g.doc.nodes[up]?.params).toMatchObject({ mode: 'bilinear' });
    expect(shapeOf(g.analysis, 'head')).toEqual([224, 224, 21]);
    expect(relErr(g.params, 134e6)).toBeLessThan(0.02); // VGG-16 FCN: 134M
  });

  it('8s fuses pool4 then pool3 scores', () => {
    const g = generated('fcn', { variant: '8s', width: 8, fcWidth: 64, inputHeight: 64, inputWidth: 96, classes: 5 });
    expect(g.problems).toEqual([]);
    expect(shapeOf(g.analysis, 'fuse_pool4')).toEqual([4, 6, 5]);
    expect(shapeOf(g.analysis, 'fuse_pool3')).toEqual([8, 12, 5]);
    expect(shapeOf(g.analysis, 'head')).toEqual([64, 96, 5]);
    expect(() => generated('fcn', { inputHeight: 100 })).toThrow(/divisible by 32/);
  });
});
