import { describe, expect, it } from 'vitest';
import { shapeOf } from '../graph/infer.js';
import { generated, kinds, relErr } from './test-helpers.js';

describe('DenseNet-BC', () => {
  it('L=100, k=12 has the paper\'s 0.8M parameters (769,162, as the reference code)', () => {
    const g = generated('densenet-bc', { depth: 100, growth: 12 });
    expect(g.problems).toEqual([]);
    expect(g.params).toBe(769_162);
    expect((g.params / 1e6).toFixed(1)).toBe('0.8'); // the paper's precision
    expect(kinds(g.doc, 'Concat')).toHaveLength(48);
    // 24 + 16·12 = 216 channels, compressed to 108; then 108 + 192 = 300 → 150; 150 + 192 = 342
    expect(shapeOf(g.analysis, 'd1l16_cat')).toEqual([32, 32, 216]);
    expect(shapeOf(g.analysis, 't1_pool')).toEqual([16, 16, 108]);
    expect(shapeOf(g.analysis, 'final_relu')).toEqual([8, 8, 342]);
    expect(g.doc.groups['dense2']?.label).toBe('dense block 2 (×16)');
  });

  it('each layer concatenates the running map (port 0) and its k new channels (port 1)', () => {
    const g = generated('densenet-bc');
    const into = Object.values(g.doc.edges).filter((e) => e.target === 'd2l5_cat').sort((a, b) => a.targetPort - b.targetPort);
    expect(into.map((e) => e.source)).toEqual(['d2l4_cat', 'd2l5_conv2']);
  });

  it('larger BC nets and the original DenseNet match the paper too', () => {
    expect(relErr(generated('densenet-bc', { depth: 250, growth: 24 }).params, 15.3e6)).toBeLessThan(0.02);
    const plain = generated('densenet-bc', { depth: 40, growth: 12, bottleneck: false, compression: 1 });
    expect(plain.problems).toEqual([]);
    expect(relErr(plain.params, 1.0e6)).toBeLessThan(0.02);
    expect(plain.doc.meta.name).toBe('DenseNet (L=40, k=12)');
  });

  it('depth must fit the layer count', () => {
    expect(() => generated('densenet-bc', { depth: 101 })).toThrow(/6n\+4/);
  });
});
