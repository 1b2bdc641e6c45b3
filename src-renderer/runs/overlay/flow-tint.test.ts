import { emptyDocument } from '../../../src-shared/graph/document.js';
import { describe, expect, it } from 'vitest';
import { cifarResNet, buildGraph } from '../../../src-shared/graph/sample-graphs.js';
import { colorFor } from './color-scale.js';
import { expandRepeats } from '../../../src-shared/graph/repeat.js';
import { blockTint, deadBadge, overlayView, residualBadge, sameNetwork, sharedLayers } from './flow-tint.js';
import type { ProbeSnapshot } from './probe-model.js';

const snap = (nodes: Record<string, number | null>, extra: Partial<ProbeSnapshot> = {}): ProbeSnapshot => ({
  step: 10,
  epoch: 1,
  nodes: new Map(Object.entries(nodes).map(([id, g]) => [id, { gradNorm: g, weightNorm: 1 }])),
  residuals: new Map(),
  activations: new Map(),
  ...extra,
});
const domain = { lo: -3, hi: 0 };

describe('overlayView', () => {
  const doc = cifarResNet(1);
  const byLabel = (label: string): string => Object.values(doc.nodes).find((n) => n.label === label)?.id ?? label;

  const conv1 = byLabel('conv1');
  const bn1 = byLabel('bn1');
  const relu1 = byLabel('relu1');

  it('fills weighted layers with their own gradient colour', () => {
    const v = overlayView(doc, snap({ [conv1]: 0.1, [bn1]: 0.01 }), domain);
    expect(v.tints.get(conv1)).toMatchObject({ own: true, value: 0.1, color: colorFor(0.1, domain), from: conv1, copies: 1 });
    expect(v.tints.get(bn1)?.color).toBe(colorFor(0.01, domain));
  });

  it('outlines a layer without weights with the nearest weighted layer upstream, through several unweighted ones', () => {
    const conv = byLabel('s1b1_conv2');
    const bn = byLabel('s1b1_bn2');
    const v = overlayView(doc, snap({ [conv1]: 0.5, [bn1]: 0.2, [conv]: 0.05, [bn]: 0.02 }), domain);
    // relu1 follows bn1; the block's add takes the branch's BN (one step) over the shortcut (relu1 → bn1: two)
    expect(v.tints.get(relu1)).toMatchObject({ own: false, from: bn1 });
    expect(v.tints.get(byLabel('s1b1_add'))).toMatchObject({ own: false, from: bn });
    expect(v.tints.get(byLabel('s1b1_out'))).toMatchObject({ own: false, from: bn });
    expect(v.tints.get(byLabel('gap'))).toMatchObject({ own: false, from: bn });
    // nothing weighted upstream of the input
    expect(v.tints.has('input')).toBe(false);
  });

  it('leaves a weighted layer with a non-finite gradient neutral and does not borrow through it', () => {
    const g = buildGraph({ height: 8, width: 8, channels: 1 }, (b) => {
      const x = b.add('Input', {}, { id: 'in' });
      b.chain(x, ['Conv2D', { filters: 2, kernel: 3 }, 'c1'], ['Conv2D', { filters: 2, kernel: 3 }, 'c2'], ['ReLU', {}, 'r']);
    });
    const id = (label: string): string => Object.values(g.nodes).find((n) => n.label === label)?.id ?? '';
    const v = overlayView(g, snap({ [id('c1')]: 0.1, [id('c2')]: null }), domain);
    expect(v.tints.has(id('c2'))).toBe(false);
    expect(v.tints.has(id('r'))).toBe(false);
    expect(v.tints.get(id('c1'))?.own).toBe(true);
  });

  it('averages the copies of a repeated block onto its node, and its badges', () => {
    const v = overlayView(
      doc,
      snap(
        { [conv1]: 0.1, [`${conv1}__r2`]: 0.3 },
        {
          residuals: new Map([
            [byLabel('s1b1_add'), { ratio: 0.2, shortcut: null, branch: null }],
            [`${byLabel('s1b1_add')}__r2`, { ratio: 0.4, shortcut: null, branch: null }],
          ]),
          activations: new Map([[relu1, 0.35]]),
        },
      ),
      domain,
    );
    expect(v.tints.get(conv1)).toMatchObject({ value: 0.2, copies: 2 });
    expect(v.residuals.get(byLabel('s1b1_add'))?.value).toBeCloseTo(0.3);
    expect(v.dead.get(relu1)?.value).toBe(0.35);
  });

  it('with the run’s graph known, shows only the nodes it trained under the same id and kind', () => {
    const kinds = new Map(Object.values(doc.nodes).map((n) => [n.id, n.kind]));
    kinds.set(bn1, 'GroupNorm'); // the run had another layer under this id
    const v = overlayView(doc, snap({ [conv1]: 0.1, [bn1]: 0.01 }, { activations: new Map([[relu1, 0.5]]) }), domain, kinds);
    expect(v.tints.get(conv1)?.own).toBe(true);
    expect(v.tints.get(bn1)).toMatchObject({ own: false, from: conv1 });
    expect(v.dead.get(relu1)?.value).toBe(0.5);
    kinds.delete(relu1);
    expect(overlayView(doc, snap({ [conv1]: 0.1 }, { activations: new Map([[relu1, 0.5]]) }), domain, kinds).dead.has(relu1)).toBe(false);
  });

  it('tells whether the canvas shows the network the run trained (repeats unrolled)', () => {
    const kinds = new Map(Object.values(expandRepeats(doc).nodes).map((n) => [n.id, n.kind]));
    expect(sameNetwork(expandRepeats(doc), kinds)).toBe(true);
    kinds.set(conv1, 'Dense');
    expect(sameNetwork(doc, kinds)).toBe(false);
    kinds.delete(conv1);
    expect(sameNetwork(doc, kinds)).toBe(false);
  });

  it('counts the layers the canvas shares with the run (none: another network, no overlay)', () => {
    const kinds = new Map(Object.values(expandRepeats(doc).nodes).map((n) => [n.id, n.kind]));
    const all = Object.keys(expandRepeats(doc).nodes).length;
    expect(sharedLayers(expandRepeats(doc), kinds)).toBe(all);
    kinds.set(conv1, 'Dense');
    expect(sharedLayers(expandRepeats(doc), kinds)).toBe(all - 1);
    expect(sharedLayers(emptyDocument(), kinds)).toBe(0);
  });

  it('tints nothing without a domain (no finite norm yet)', () => {
    expect(overlayView(doc, snap({ [conv1]: 0.1 }), null).tints.size).toBe(0);
  });
});

describe('badges', () => {
  it('say F/x with 2 decimals below 10 and the dead percentage only when some are dead', () => {
    expect(residualBadge(0.1234)).toBe('F/x 0.12');
    expect(residualBadge(12.34)).toBe('F/x 12.3');
    expect(residualBadge(123.4)).toBe('F/x 123');
    expect(deadBadge(0.354)).toBe('dead 35%');
    expect(deadBadge(0.004)).toBe('dead <1%');
    expect(deadBadge(0)).toBeNull();
    expect(deadBadge(null)).toBeNull();
  });
});

describe('blockTint', () => {
  const g = buildGraph({ height: 8, width: 8, channels: 1 }, (b) => {
    const x = b.add('Input', {}, { id: 'in' });
    b.chain(x, ['Conv2D', { filters: 2, kernel: 3 }, 'c1'], ['ReLU', {}, 'r1'], ['Conv2D', { filters: 2, kernel: 3 }, 'c2'], ['Conv2D', { filters: 2, kernel: 3 }, 'c3']);
  });
  const id = (label: string): string => Object.values(g.nodes).find((n) => n.label === label)?.id ?? '';
  // c1, r1 and c2 in block "outer"; c2 also in the nested block "inner"; c3 outside.
  const doc = {
    ...g,
    groups: { outer: { id: 'outer', label: 'Outer', collapsed: true, repeat: 1 }, inner: { id: 'inner', label: 'Inner', collapsed: true, repeat: 1, parent: 'outer' } },
    nodes: {
      ...g.nodes,
      [id('c1')]: { ...g.nodes[id('c1')]!, group: 'outer' },
      [id('r1')]: { ...g.nodes[id('r1')]!, group: 'outer' },
      [id('c2')]: { ...g.nodes[id('c2')]!, group: 'inner' },
    },
  };

  it('is the geometric mean of the block’s own gradient norms, nested members included, borrowed ones not', () => {
    const v = overlayView(doc, snap({ [id('c1')]: 0.001, [id('c2')]: 0.1, [id('c3')]: 1 }), domain);
    const t = blockTint(doc, v, 'outer');
    expect(t?.value).toBeCloseTo(0.01, 10);
    expect(t).toMatchObject({ own: true, block: true, from: 'outer', copies: 2, color: colorFor(0.01, domain) });
    expect(blockTint(doc, v, 'inner')?.copies).toBe(1);
    expect(blockTint(doc, v, 'inner')?.value).toBeCloseTo(0.1, 12);
  });

  it('is undefined without a colour scale or without weighted members with a gradient', () => {
    expect(blockTint(doc, overlayView(doc, snap({ [id('c3')]: 1 }), domain), 'outer')).toBeUndefined();
    expect(blockTint(doc, overlayView(doc, snap({ [id('c1')]: 0.1 }), null), 'outer')).toBeUndefined();
  });
});
