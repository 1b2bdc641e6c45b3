import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from './compile.js';
import { costReport } from './cost.js';
import type { GraphDocument } from './document.js';
import { diagnosticsOf, inferShapes, isValid, revalidate } from './infer.js';
import { group, setRepeat, updateNode } from './ops.js';
import { expandRepeats, repeatFactors } from './repeat.js';
import { buildGraph } from './sample-graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Input -> stem conv -> [conv, bn, relu, conv, add(stem)] -> pool -> head; returns doc and block member ids. */
function blockDoc(): { doc: GraphDocument; members: string[] } {
  const members: string[] = [];
  const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
    const x = b.add('Input');
    const stem = b.chain(x, ['Conv2D', { filters: 8 }, 'stem']);
    const c1 = b.add('Conv2D', { filters: 8 }, { id: 'c1' });
    b.connect(stem, c1);
    const bn = b.chain(c1, ['BatchNorm', {}]);
    const r = b.chain(bn, ['ReLU', {}]);
    const c2 = b.chain(r, ['Conv2D', { filters: 8 }]);
    const add = b.add('Add', {}, { id: 'sum' });
    b.connect(c2, add, 0);
    b.connect(stem, add, 1);
    members.push(c1, bn, r, c2, add);
    b.chain(add, ['GlobalAvgPool', {}], ['ClassificationHead', { classes: 4 }]);
  });
  return { doc, members };
}

function grouped(repeat: number): GraphDocument {
  const { doc, members } = blockDoc();
  const g = group(doc, { nodeIds: members, label: 'stage', id: 'stage' });
  if (!g.ok) throw new Error(g.error.message);
  const r = setRepeat(g.doc, { groupId: 'stage', repeat });
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

describe('repeated blocks', () => {
  it('count N times in the cost and compile into N chained copies', () => {
    const once = costReport(inferShapes(grouped(1))).totals;
    const thrice = costReport(inferShapes(grouped(3))).totals;
    const block = 2 * (3 * 3 * 8 * 8) + 2 * 8; // two 3×3 convs 8->8 + BN's gamma, beta
    expect(thrice.params - once.params).toBe(2 * block);
    const doc = grouped(3);
    expect(repeatFactors(doc).get('c1')).toBe(3);
    const c = compileGraph(tf, doc);
    try {
      const trainable = c.model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((x, y) => x * (y ?? 1), 1), 0);
      expect(trainable).toBe(thrice.params);
      expect(c.layerNames.has('c1__r3')).toBe(true);
      expect(c.layerNames.has('c1__r4')).toBe(false);
    } finally {
      c.model.dispose();
    }
  });

  it('unrolls so copy k is fed by copy k-1 and the consumers use the last copy', () => {
    const ex = expandRepeats(grouped(3));
    const into = (id: string): string[] => Object.values(ex.edges).filter((e) => e.target === id).map((e) => e.source).sort();
    expect(into('c1')).toEqual(['conv2d_2']);
    expect(into('c1__r2')).toEqual(['sum']);
    expect(into('sum__r2').sort()).toEqual(['conv2d_5__r2', 'sum'].sort());
    expect(into('c1__r3')).toEqual(['sum__r2']);
    expect(into('globalavgpool_6')).toEqual(['sum__r3']);
    expect(isValid(inferShapes(ex))).toBe(true);
  });

  it('need one way in and one way out', () => {
    let doc = grouped(2);
    const before = inferShapes(doc);
    expect(isValid(before)).toBe(true);
    const edit = updateNode(doc, { id: 'c1', params: { stride: 2 } });
    if (!edit.ok) throw new Error(edit.error.message);
    // stride 2 breaks the Add inside the block first; make the shortcut match to isolate the repeat error
    doc = edit.doc;
    const a = revalidate(before, doc, edit.diff);
    expect(isValid(a)).toBe(false);
    const twoOut = blockDoc();
    // the stem and the first conv: the block's output would leave from two nodes
    const g = group(twoOut.doc, { nodeIds: ['conv2d_2', 'c1'], label: 'half', id: 'half' });
    if (!g.ok) throw new Error(g.error.message);
    const r = setRepeat(g.doc, { groupId: 'half', repeat: 2 });
    if (!r.ok) throw new Error(r.error.message);
    const d = diagnosticsOf(inferShapes(r.doc)).find((x) => x.code === 'repeat-structure');
    expect(d?.message).toBe('Block "half" (×2): a repeated block needs exactly one output; it has 2');
  });

  it('a shape-changing repeated block names both shapes', () => {
    const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
      const x = b.add('Input');
      const c = b.chain(x, ['Conv2D', { filters: 6 }, 'widen']);
      b.chain(c, ['GlobalAvgPool', {}], ['ClassificationHead', { classes: 2 }]);
    });
    const g = group(doc, { nodeIds: ['conv2d_2'], label: 'widen', id: 'w' });
    if (!g.ok) throw new Error(g.error.message);
    const r = setRepeat(g.doc, { groupId: 'w', repeat: 2 });
    if (!r.ok) throw new Error(r.error.message);
    const d = diagnosticsOf(inferShapes(r.doc)).find((x) => x.code === 'repeat-shape');
    expect(d?.message).toContain('[8,8,3] in');
    expect(d?.message).toContain('[8,8,6] out');
  });
});

describe('nested repeated blocks', () => {
  it('unroll with unique ids and compile (inner ×2 inside outer ×3 = 6 runs)', () => {
    const { doc, members } = blockDoc();
    // inner block: the residual unit; outer block: the same unit wrapped once more
    const inner = group(doc, { nodeIds: members, label: 'unit', id: 'unit' });
    if (!inner.ok) throw new Error(inner.error.message);
    const outer = group(inner.doc, { nodeIds: [], groupIds: ['unit'], label: 'stage', id: 'stage' });
    if (!outer.ok) throw new Error(outer.error.message);
    let d = outer.doc;
    for (const [gid, n] of [['unit', 2], ['stage', 3]] as const) {
      const r = setRepeat(d, { groupId: gid, repeat: n });
      if (!r.ok) throw new Error(r.error.message);
      d = r.doc;
    }
    expect(repeatFactors(d).get('c1')).toBe(6);
    const ex = expandRepeats(d);
    expect(Object.keys(ex.nodes).filter((id) => id.startsWith('c1')).length).toBe(6);
    const a = inferShapes(ex);
    expect(isValid(a)).toBe(true);
    const c = compileGraph(tf, d);
    try {
      const trainable = c.model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((x, y) => x * (y ?? 1), 1), 0);
      expect(trainable).toBe(costReport(inferShapes(d)).totals.params);
    } finally {
      c.model.dispose();
    }
  });
});
