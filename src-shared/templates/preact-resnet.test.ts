import { describe, expect, it } from 'vitest';
import { shapeOf } from '../graph/infer.js';
import { generated, kinds, relErr } from './test-helpers.js';

describe('pre-activation ResNet', () => {
  it('ResNet-164 (bottleneck) has the paper\'s 1.7M parameters', () => {
    const g = generated('preact-resnet', { depth: 164 });
    expect(g.problems).toEqual([]);
    expect(g.params).toBe(1_703_258);
    expect(relErr(g.params, 1.7e6)).toBeLessThan(0.02);
    expect(kinds(g.doc, 'Add')).toHaveLength(54);
    // projections: 16 → 64 in the first unit, then /2 at stages 2 and 3
    expect(kinds(g.doc, 'Conv2D').filter((id) => id.endsWith('_proj'))).toEqual(['s1b1_proj', 's2b1_proj', 's3b1_proj']);
    expect(shapeOf(g.analysis, 's3b18_add')).toEqual([8, 8, 256]);
  });

  it('ResNet-110 (basic) has 1.7M; nothing follows the addition, BN-ReLU precede every conv', () => {
    const g = generated('preact-resnet', { depth: 110, block: 'basic' });
    expect(g.problems).toEqual([]);
    expect(relErr(g.params, 1.7e6)).toBeLessThan(0.02);
    const after = Object.values(g.doc.edges).filter((e) => e.source === 's1b2_add').map((e) => e.target).sort();
    expect(after).toEqual(['s1b3_add', 's1b3_bn1']); // identity shortcut and the next unit's pre-activation
    const intoConv = Object.values(g.doc.edges).find((e) => e.target === 's2b4_conv1');
    expect(intoConv?.source).toBe('s2b4_relu1');
    // the final BN-ReLU before pooling
    expect(Object.values(g.doc.edges).find((e) => e.target === 'gap')?.source).toBe('final_relu');
  });

  it('the projection shortcut takes the pre-activated input', () => {
    const g = generated('preact-resnet', { depth: 20, block: 'basic' });
    expect(Object.values(g.doc.edges).find((e) => e.target === 's2b1_proj')?.source).toBe('s2b1_relu1');
  });

  it('depth must suit the unit', () => {
    expect(() => generated('preact-resnet', { depth: 44, block: 'bottleneck' })).toThrow(/9n\+2/);
    expect(() => generated('preact-resnet', { depth: 29, block: 'basic' })).toThrow(/6n\+2/);
  });
});
