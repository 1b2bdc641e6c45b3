import { describe, expect, it } from 'vitest';
import { shapeOf } from '../graph/infer.js';
import { SHORTCUTS } from './resnet.js';
import { generated, kinds, relErr } from './test-helpers.js';

describe('ResNet-N and plain-N for CIFAR', () => {
  it.each([
    [20, 0.27e6, 269_722],
    [56, 0.85e6, 853_018],
    [110, 1.7e6, 1_727_962],
  ])('ResNet-%i has the paper\'s %d parameters (option A): %i trainable', (depth, paper, exact) => {
    const g = generated('resnet', { depth });
    expect(g.problems).toEqual([]);
    expect(g.params).toBe(exact);
    expect(relErr(g.params, paper)).toBeLessThan(0.02);
    expect(kinds(g.doc, 'Add')).toHaveLength(((depth - 2) / 6) * 3);
    expect(kinds(g.doc, 'Pad')).toHaveLength(2);
    expect(shapeOf(g.analysis, 'head')).toEqual([10]);
  });

  it('plain-N: the same layers without shortcuts, the same parameter count', () => {
    for (const depth of [20, 32, 44, 56, 110]) {
      const plain = generated('plain', { depth });
      expect(plain.problems).toEqual([]);
      expect(kinds(plain.doc, 'Add')).toEqual([]);
      expect(plain.params).toBe(generated('resnet', { depth }).params);
      expect(kinds(plain.doc, 'Conv2D')).toHaveLength(depth - 1);
    }
  });

  it('option B projects where the size changes (1×1 conv /2 + BN, 2 of them)', () => {
    const g = generated('resnet', { depth: 20, downsample: 'B' });
    expect(g.problems).toEqual([]);
    expect(kinds(g.doc, 'Pad')).toEqual([]);
    expect(g.doc.nodes['s2b1_proj']?.params).toMatchObject({ filters: 32, kernel: 1, stride: 2 });
    expect(g.params).toBe(269_722 + 16 * 32 + 64 + 32 * 64 + 128);
  });

  it('readable labels, stage blocks labelled ×n, nested unit blocks, meta.template', () => {
    const g = generated('resnet', { depth: 56 });
    expect(g.doc.nodes['s2b3_conv1']).toMatchObject({ label: 's2b3_conv1', kind: 'Conv2D', group: 's2b3' });
    expect(g.doc.groups['stage2']).toMatchObject({ label: 'stage 2 (×9)', repeat: 1 });
    expect(g.doc.groups['s2b3']?.parent).toBe('stage2');
    expect(g.doc.meta.template).toEqual({ id: 'resnet', options: expect.objectContaining({ depth: 56, downsample: 'A', shortcut: 'identity', classes: 10 }) });
    expect(g.doc.meta.name).toBe('ResNet-56');
  });

  describe('the shortcut variants of "Identity Mappings" (Table 1)', () => {
    it.each(SHORTCUTS)('%s is valid', (shortcut) => {
      expect(generated('resnet', { depth: 20, shortcut }).problems).toEqual([]);
    });
    it('scale: ×0.5 on every shortcut; dropout: ShortcutDropout; neither adds params', () => {
      const scale = generated('resnet', { shortcut: 'scale' });
      expect(kinds(scale.doc, 'Scale')).toHaveLength(9);
      expect(scale.doc.nodes['s1b1_scale']?.params).toEqual({ factor: 0.5 });
      expect(scale.params).toBe(269_722);
      const drop = generated('resnet', { shortcut: 'dropout' });
      expect(kinds(drop.doc, 'ShortcutDropout')).toHaveLength(9);
      expect(drop.params).toBe(269_722);
    });
    it('gates replace the Add: x on port 0, F on port 1; C·C + C params each', () => {
      for (const [shortcut, mode] of [['gate', 'exclusive'], ['gate-shortcut', 'shortcut-only']] as const) {
        const g = generated('resnet', { shortcut });
        expect(kinds(g.doc, 'Add')).toEqual([]);
        expect(kinds(g.doc, 'Gate')).toHaveLength(9);
        expect(g.doc.nodes['s1b2_gate']?.params).toEqual({ mode });
        const into = Object.values(g.doc.edges).filter((e) => e.target === 's1b2_gate').sort((a, b) => a.targetPort - b.targetPort);
        expect(into.map((e) => e.source)).toEqual(['s1b1_out', 's1b2_bn2']);
        expect(g.params).toBe(269_722 + 3 * (16 * 16 + 16) + 3 * (32 * 32 + 32) + 3 * (64 * 64 + 64));
      }
    });
    it('conv: a 1×1 conv is every shortcut (at the stride and width where they change)', () => {
      const g = generated('resnet', { shortcut: 'conv' });
      expect(kinds(g.doc, 'Pad')).toEqual([]);
      expect(g.doc.nodes['s2b1_shortcut']?.params).toMatchObject({ filters: 32, kernel: 1, stride: 2 });
      expect(g.params).toBe(269_722 + 3 * 256 + (16 * 32 + 2 * 1024) + (32 * 64 + 2 * 4096));
    });
  });

  it('refuses a depth that is not 6n+2, naming the rule', () => {
    expect(() => generated('resnet', { depth: 21 })).toThrow(/depth must be 6n\+2 \(20, 32, 44, 56, 110\); got 21/);
  });
});
