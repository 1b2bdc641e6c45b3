import { describe, expect, it } from 'vitest';
import { costReport } from './cost.js';
import type { GraphDocument } from './document.js';
import { fixesFor } from './fixes.js';
import { deepEqual } from './canonical.js';
import { applyDiff, invertDiff } from './diff.js';
import { diagnosticsOf, inferShapes, revalidate } from './infer.js';
import { group, setRepeat } from './ops.js';
import { membersOf } from './repeat.js';
import { buildGraph } from './sample-graphs.js';

/** Input 8×8×3 → stem conv (8) → [conv (filters, stride), BN, ReLU] as block "stage" ×repeat → pool → head. */
function stage(o: { filters: number; stride: number; repeat: number; secondInput?: boolean }): GraphDocument {
  const members: string[] = [];
  const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
    const x = b.add('Input', {}, { id: 'input' });
    const stem = b.add('Conv2D', { filters: 8 }, { id: 'stem' });
    b.connect(x, stem);
    const c = b.add('Conv2D', { filters: o.filters, kernel: 3, stride: o.stride }, { id: 'c' });
    b.connect(stem, c);
    const bn = b.add('BatchNorm', {}, { id: 'bn' });
    b.connect(c, bn);
    const relu = b.add('ReLU', {}, { id: 'relu' });
    b.connect(bn, relu);
    members.push(c, bn, relu);
    let last = relu;
    if (o.secondInput === true) {
      // a concat inside the block that also reads the input: two ways into the block
      const cat = b.add('Concat', {}, { id: 'cat' });
      b.connect(relu, cat, 0);
      b.connect(x, cat, 1);
      members.push(cat);
      last = cat;
    }
    const gap = b.add('GlobalAvgPool', {}, { id: 'gap' });
    b.connect(last, gap);
    const head = b.add('ClassificationHead', { classes: 4 }, { id: 'head' });
    b.connect(gap, head);
  });
  const g = group(doc, { nodeIds: members, label: 'stage', id: 'stage' });
  if (!g.ok) throw new Error(g.error.message);
  const r = setRepeat(g.doc, { groupId: 'stage', repeat: o.repeat });
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

function repeatError(doc: GraphDocument) {
  const a = inferShapes(doc);
  const d = diagnosticsOf(a).find((x) => x.code === 'repeat-shape' || x.code === 'repeat-structure');
  if (d === undefined) throw new Error('no repeat error');
  return { a, d };
}

const errors = (doc: GraphDocument): string[] =>
  diagnosticsOf(inferShapes(doc))
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);

describe('quick fixes for a repeated block that cannot repeat', () => {
  it('a block that widens the channels: first copy widens, ×(N−1) copies keep the shape; or run it once', () => {
    const doc = stage({ filters: 16, stride: 1, repeat: 3 });
    const { a, d } = repeatError(doc);
    expect(d.code).toBe('repeat-shape');
    expect(d.groupId).toBe('stage');
    const fixes = fixesFor(a, d);
    expect(fixes.map((f) => f.id)).toEqual(['repeat-split-first', 'repeat-once']);
    expect(fixes[0]?.label).toBe('First "stage" changes the shape, then ×2 that keep it');

    const split = fixes[0]?.apply(doc);
    if (split === undefined || !split.ok) throw new Error('split failed');
    expect(errors(split.doc)).toEqual([]);
    // One diff from the document before to the one after: undo and the editor's incremental analysis use it.
    expect(deepEqual(applyDiff(doc, split.diff), split.doc)).toBe(true);
    expect(deepEqual(applyDiff(split.doc, invertDiff(split.diff)), doc)).toBe(true);
    expect(diagnosticsOf(revalidate(inferShapes(doc), split.doc, split.diff)).filter((d) => d.severity === 'error')).toEqual([]);
    const groups = Object.values(split.doc.groups);
    expect(groups.map((g) => [g.label, g.repeat])).toHaveLength(2);
    expect(groups.map((g) => [g.label, g.repeat])).toContainEqual(['stage', 1]);
    expect(groups.map((g) => [g.label, g.repeat])).toContainEqual(['stage (rest)', 2]);
    // Three blocks in all, as the ×3 meant: the 8→16 conv once, then the 16→16 conv twice.
    const after = inferShapes(split.doc);
    const conv = (cin: number, cout: number): number => 3 * 3 * cin * cout;
    const bnParams = 2 * 16;
    const stemAndHead = costReport(inferShapes(stage({ filters: 16, stride: 1, repeat: 1 }))).totals.params - conv(8, 16) - bnParams;
    expect(costReport(after).totals.params).toBe(stemAndHead + conv(8, 16) + bnParams + 2 * (conv(16, 16) + bnParams));
    // The head reads the copy; the copy reads the first block's output.
    const rest = groups.find((g) => g.label === 'stage (rest)');
    const restMembers = membersOf(split.doc, rest?.id ?? '');
    const intoGap = Object.values(split.doc.edges).find((e) => e.target === 'gap');
    expect(restMembers.has(intoGap?.source ?? '')).toBe(true);
    const intoCopy = Object.values(split.doc.edges).filter((e) => restMembers.has(e.target) && !restMembers.has(e.source));
    expect(intoCopy.map((e) => e.source)).toEqual(['relu']);

    const once = fixes[1]?.apply(doc);
    if (once === undefined || !once.ok) throw new Error('once failed');
    expect(errors(once.doc)).toEqual([]);
    expect(once.doc.groups.stage?.repeat).toBe(1);
  });

  it('a block that halves the resolution every time cannot be split: only "run it once" is offered', () => {
    const doc = stage({ filters: 8, stride: 2, repeat: 2 });
    const { a, d } = repeatError(doc);
    const fixes = fixesFor(a, d);
    expect(fixes.map((f) => f.id)).toEqual(['repeat-once']);
    const r = fixes[0]?.apply(doc);
    if (r === undefined || !r.ok) throw new Error('once failed');
    expect(errors(r.doc)).toEqual([]);
  });

  it('a block with two ways in: run it once (splitting would not help)', () => {
    const doc = stage({ filters: 8, stride: 1, repeat: 2, secondInput: true });
    const { a, d } = repeatError(doc);
    expect(d.code).toBe('repeat-structure');
    const fixes = fixesFor(a, d);
    expect(fixes.map((f) => f.id)).toEqual(['repeat-once']);
    const r = fixes[0]?.apply(doc);
    if (r === undefined || !r.ok) throw new Error('once failed');
    expect(errors(r.doc)).toEqual([]);
  });

  it('a block that keeps its shape has no repeat error and so no fix', () => {
    const doc = stage({ filters: 8, stride: 1, repeat: 4 });
    expect(diagnosticsOf(inferShapes(doc)).filter((d) => d.groupId !== undefined)).toEqual([]);
    expect(errors(doc)).toEqual([]);
  });
});
