import { describe, expect, it } from 'vitest';
import { ancestry, blockSummaries, isBlockHidden, visibleOwner } from './blocks.js';
import { costReport } from './cost.js';
import { inferShapes } from './infer.js';
import { group, setCollapsed } from './ops.js';
import { buildGraph, cifarResNet } from './sample-graphs.js';
import type { GraphDocument } from './document.js';

function staged(): GraphDocument {
  let doc = cifarResNet(1);
  const stage = (tag: string) => Object.keys(doc.nodes).filter((id) => (doc.nodes[id]?.label ?? '').startsWith(tag));
  for (const [tag, label] of [['s1', 'Stage 1'], ['s2', 'Stage 2']] as const) {
    const r = group(doc, { nodeIds: stage(tag), label, id: tag });
    if (!r.ok) throw new Error(r.error.message);
    doc = r.doc;
  }
  const outer = group(doc, { nodeIds: [], groupIds: ['s1', 's2'], label: 'Body', id: 'body' });
  if (!outer.ok) throw new Error(outer.error.message);
  return outer.doc;
}

describe('blocks', () => {
  it('finds the outermost collapsed block standing for a node', () => {
    let doc = staged();
    const conv = Object.keys(doc.nodes).find((id) => doc.nodes[id]?.label === 's2b1_conv1') ?? '';
    expect(ancestry(doc, doc.nodes[conv]?.group)).toEqual(['s2', 'body']);
    expect(visibleOwner(doc, conv)).toEqual({ kind: 'node', id: conv });
    const c1 = setCollapsed(doc, { groupId: 's2', collapsed: true });
    if (!c1.ok) throw new Error(c1.error.message);
    doc = c1.doc;
    expect(visibleOwner(doc, conv)).toEqual({ kind: 'block', id: 's2' });
    expect(isBlockHidden(doc, 's2')).toBe(false);
    const c2 = setCollapsed(doc, { groupId: 'body', collapsed: true });
    if (!c2.ok) throw new Error(c2.error.message);
    expect(visibleOwner(c2.doc, conv)).toEqual({ kind: 'block', id: 'body' });
    expect(isBlockHidden(c2.doc, 's2')).toBe(true);
  });

  it('summarises a block: boundary edges, output shape and the sum of its members’ costs', () => {
    const doc = staged();
    const a = inferShapes(doc);
    const s = blockSummaries(a);
    const s2 = s.get('s2');
    expect(s2?.members).toHaveLength(9);
    expect(s2?.inputs.map((e) => e.source)).toEqual([s.get('s1')?.outputs[0]?.source, s.get('s1')?.outputs[0]?.source]); // conv1 and the shortcut's subsample read s1's output
    expect(s2?.outputs).toHaveLength(2); // stage 3's conv1 and its shortcut
    expect(s2?.outputShape).toEqual([16, 16, 32]);
    const report = costReport(a);
    const expected = (s2?.members ?? []).reduce((n, id) => n + (report.nodes.get(id)?.params ?? 0), 0);
    expect(s2?.params).toBe(expected);
    expect(s.get('body')?.members).toHaveLength((s.get('s1')?.members.length ?? 0) + (s2?.members.length ?? 0));
    expect(blockSummaries(a)).toBe(s);
  });
});

describe('block output shape', () => {
  it('is the main path leaving the block, not a skip taken from inside it', () => {
    // enc: conv → pool, with a long skip from conv to outside; the block outputs the pool's shape.
    const doc = buildGraph({ height: 32, width: 32, channels: 3 }, (b) => {
      b.add('Input', {}, { id: 'x' });
      b.add('Conv2D', { filters: 8 }, { id: 'conv' });
      b.connect('x', 'conv');
      b.add('MaxPool', {}, { id: 'pool' });
      b.connect('conv', 'pool');
      b.add('Upsample', {}, { id: 'up' });
      b.connect('pool', 'up');
      b.add('Concat', {}, { id: 'cat' });
      b.connect('up', 'cat', 0);
      b.connect('conv', 'cat', 1);
    });
    const r = group(doc, { nodeIds: ['conv', 'pool'], label: 'enc', id: 'enc' });
    if (!r.ok) throw new Error(r.error.message);
    const s = blockSummaries(inferShapes(r.doc)).get('enc');
    expect(s?.outputs.map((e) => e.source).sort()).toEqual(['conv', 'pool']);
    expect(s?.outputShape).toEqual([16, 16, 8]);
  });
});
