import { describe, expect, it } from 'vitest';
import { shapeOf } from '../graph/infer.js';
import { generated, kinds, relErr } from './test-helpers.js';

describe('Wide ResNet WRN-d-k', () => {
  it('WRN-28-10 has the paper\'s 36.5M parameters', () => {
    const g = generated('wrn', { depth: 28, width: 10 });
    expect(g.problems).toEqual([]);
    expect(g.params).toBe(36_479_194);
    expect(relErr(g.params, 36.5e6)).toBeLessThan(0.02);
    expect(g.doc.meta.name).toBe('WRN-28-10');
    expect(shapeOf(g.analysis, 's1b1_add')).toEqual([32, 32, 160]);
    expect(shapeOf(g.analysis, 's3b4_add')).toEqual([8, 8, 640]);
  });

  it('WRN-16-8 has 11.0M; dropout sits between the two convs when set', () => {
    const g = generated('wrn', { depth: 16, width: 8, dropout: 0.3 });
    expect(g.problems).toEqual([]);
    expect(relErr(g.params, 11.0e6)).toBeLessThan(0.02);
    expect(kinds(g.doc, 'Dropout')).toHaveLength(6);
    expect(Object.values(g.doc.edges).find((e) => e.target === 's2b1_bn2')?.source).toBe('s2b1_drop');
    expect(kinds(generated('wrn', { depth: 16, width: 8 }).doc, 'Dropout')).toEqual([]);
  });

  it('depth is 6n+4', () => {
    expect(() => generated('wrn', { depth: 26 })).toThrow(/6n\+4/);
  });
});
