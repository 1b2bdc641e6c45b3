import { describe, expect, it } from 'vitest';
import { applyDiff } from './diff.js';
import { diagnosticsOf, inferShapes } from './infer.js';
import { buildGraph } from './sample-graphs.js';
import { checkIntegrity } from './integrity.js';
import { checkConnection, joinWithMerge } from './wiring.js';
import type { GraphDocument } from './document.js';

const IN = { height: 32, width: 32, channels: 64 };

/** x → c1 → bn → relu → c2 → head */
function chain(stride = 1): GraphDocument {
  return buildGraph(IN, (b) => {
    b.add('Input', {}, { id: 'x' });
    b.add('Conv2D', { filters: 64, stride }, { id: 'c1' });
    b.connect('x', 'c1');
    b.chain('c1', ['BatchNorm'], ['ReLU']);
    b.add('Conv2D', { filters: 64 }, { id: 'c2' });
    b.connect('relu_2', 'c2');
    b.add('GlobalAvgPool', {}, { id: 'gap' });
    b.connect('c2', 'gap');
  });
}

describe('checkConnection', () => {
  it('connects into a free port, asks for a merge on a taken one', () => {
    const doc = chain();
    expect(checkConnection(doc, 'x', 'c1')).toMatchObject({ ok: false, reason: expect.stringContaining('already feeds') });
    const d2 = buildGraph(IN, (b) => {
      b.add('Input', {}, { id: 'x' });
      b.add('Conv2D', {}, { id: 'c' });
      b.add('Add', {}, { id: 'a' });
      b.connect('x', 'a', 0);
    });
    expect(checkConnection(d2, 'x', 'c')).toEqual({ ok: true, action: 'connect', port: 0 });
    expect(checkConnection(d2, 'c', 'a')).toEqual({ ok: true, action: 'connect', port: 1 });
    expect(checkConnection(doc, 'x', 'c2')).toMatchObject({ ok: true, action: 'merge' });
  });

  it('refuses self-loops, inputs into an Input, and cycles with their path', () => {
    const doc = chain();
    expect(checkConnection(doc, 'c1', 'c1')).toMatchObject({ ok: false, reason: expect.stringContaining('cannot feed itself') });
    expect(checkConnection(doc, 'c1', 'x')).toMatchObject({ ok: false, reason: 'Input "x" takes no inputs' });
    const r = checkConnection(doc, 'c2', 'c1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('would make a cycle: "c1" → "batchnorm_1" → "relu_2" → "c2" → "c1" (Conv 2D "c1" already feeds Conv 2D "c2")');
    expect(checkConnection(doc, 'nope', 'c1')).toMatchObject({ ok: false });
  });
});

describe('joinWithMerge', () => {
  it('after: Add(c2, x) takes over c2’s consumers; with stride 2 the Add names both shapes', () => {
    const doc = chain();
    const r = joinWithMerge(doc, { source: 'x', target: 'c2', kind: 'Add', place: 'after' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(checkIntegrity(r.doc)).toEqual([]);
    const a = inferShapes(r.doc);
    expect(a.nodes.get(r.mergeId)?.shape).toEqual([32, 32, 64]);
    const ins = Object.values(r.doc.edges).filter((e) => e.target === r.mergeId);
    expect(ins.map((e) => [e.source, e.targetPort]).sort()).toEqual([['c2', 0], ['x', 1]]);
    expect(Object.values(r.doc.edges).find((e) => e.target === 'gap')?.source).toBe(r.mergeId);
    expect(applyDiff(doc, r.diff)).toEqual(r.doc);

    const strided = joinWithMerge(chain(2), { source: 'x', target: 'c2', kind: 'Add', place: 'after' });
    if (!strided.ok) throw new Error(strided.error.message);
    const msgs = diagnosticsOf(inferShapes(strided.doc)).map((d) => d.message);
    expect(msgs.some((m) => m.includes('[16,16,64]') && m.includes('[32,32,64]'))).toBe(true);
  });

  it('concat after adds the channels up; before inserts on the first input', () => {
    const doc = chain();
    const r = joinWithMerge(doc, { source: 'x', target: 'c2', kind: 'Concat', place: 'after' });
    if (!r.ok) throw new Error(r.error.message);
    expect(inferShapes(r.doc).nodes.get(r.mergeId)?.shape).toEqual([32, 32, 128]);
    const b = joinWithMerge(doc, { source: 'x', target: 'c2', kind: 'Concat', place: 'before', makeRoom: { ids: ['c2', 'gap'], by: { x: 240, y: 0 } } });
    if (!b.ok) throw new Error(b.error.message);
    expect(Object.values(b.doc.edges).find((e) => e.target === 'c2')?.source).toBe(b.mergeId);
    expect(inferShapes(b.doc).nodes.get('c2')?.shape).toEqual([32, 32, 64]);
    expect(b.doc.nodes.c2?.position.x).toBe((doc.nodes.c2?.position.x ?? 0) + 240);
  });

  it('refuses a join that would make a cycle, changing nothing', () => {
    const doc = chain();
    const r = joinWithMerge(doc, { source: 'gap', target: 'c2', kind: 'Add', place: 'after' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('cycle');
  });
});
