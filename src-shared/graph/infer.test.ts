import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphDocument, GraphEdge, NodeId } from './document.js';
import { checkConnection, diagnosticsOf, edgeShape, inferShapes, isValid, revalidate, shapeOf, shapesRecord, type ShapeAnalysis } from './infer.js';
import { addNode, connect, disconnect, insertBetween, removeNodes, setInput, updateNode, type OpResult } from './ops.js';
import { buildGraph, cifarResNet, largeResidualChain } from './sample-graphs.js';

/** Everything an analysis says, in a form two analyses can be compared by. */
function snapshot(a: ShapeAnalysis): unknown {
  const nodes: Record<string, unknown> = {};
  for (const id of [...a.nodes.keys()].sort()) {
    const info = a.nodes.get(id);
    nodes[id] = { cost: info?.cost, status: info?.status, shape: info?.shape, params: info?.params, inputs: info?.inputs, diagnostics: info?.diagnostics };
  }
  return { order: a.order, blocked: a.blocked, cycle: a.cycle, nodes, graph: a.graphDiagnostics, all: diagnosticsOf(a) };
}

describe('inferShapes', () => {
  it('infers every shape of ResNet-20 with no errors', () => {
    const a = inferShapes(cifarResNet(3));
    expect(isValid(a)).toBe(true);
    expect(diagnosticsOf(a)).toEqual([]);
    const byLabel = (label: string): NodeId => {
      const n = Object.values(a.doc.nodes).find((x) => x.label === label);
      if (!n) throw new Error(label);
      return n.id;
    };
    expect(shapeOf(a, 'input')).toEqual([32, 32, 3]);
    expect(shapeOf(a, byLabel('s1b3_out'))).toEqual([32, 32, 16]);
    expect(shapeOf(a, byLabel('s2b1_pad'))).toEqual([16, 16, 32]);
    expect(shapeOf(a, byLabel('s2b1_add'))).toEqual([16, 16, 32]);
    expect(shapeOf(a, byLabel('s3b3_out'))).toEqual([8, 8, 64]);
    expect(shapeOf(a, byLabel('gap'))).toEqual([64]);
    expect(shapeOf(a, byLabel('head'))).toEqual([10]);
    expect(a.order.length).toBe(Object.keys(a.doc.nodes).length);
    expect(a.order[0]).toBe('input');
    const someEdge = Object.values(a.doc.edges).find((e) => e.source === byLabel('gap')) as GraphEdge;
    expect(edgeShape(a, someEdge.id)).toEqual([64]);
    expect(shapesRecord(a)['input']).toEqual([32, 32, 3]);
  });

  it('blocks what is downstream of an error without repeating it', () => {
    const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
      const x = b.add('Input', {}, { id: 'in' });
      b.chain(x, ['Conv2D', { filters: 4, kernel: 9, padding: 'valid' }, 'big'], ['ReLU', {}, 'r'], ['GlobalAvgPool', {}, 'g'], ['ClassificationHead', {}, 'h']);
    });
    const a = inferShapes(doc);
    const statuses = Object.fromEntries([...a.nodes.values()].map((n) => [n.node.label ?? n.id, n.status]));
    expect(statuses).toEqual({ in: 'ok', big: 'error', r: 'blocked', g: 'blocked', h: 'blocked' });
    const errs = diagnosticsOf(a).filter((d) => d.severity === 'error');
    expect(errs).toHaveLength(1);
    expect(errs[0]?.code).toBe('window-too-large');
  });

  it('reports a cycle and blocks what follows it', () => {
    const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
      const x = b.add('Input', {}, { id: 'in' });
      const a1 = b.add('Add', {}, { id: 'a1' });
      const r = b.add('ReLU', {}, { id: 'r' });
      const after = b.add('ReLU', {}, { id: 'after' });
      b.connect(x, a1, 0);
      b.connect(r, a1, 1);
      b.connect(a1, r, 0);
      b.connect(r, after, 0);
    });
    const a = inferShapes(doc);
    expect(a.cycle).toEqual(['a1', 'r']);
    expect(a.nodes.get('a1')?.status).toBe('error');
    expect(a.nodes.get('r')?.status).toBe('error');
    expect(a.nodes.get('after')?.status).toBe('blocked');
    const cyc = a.graphDiagnostics.find((d) => d.code === 'cycle');
    expect(cyc?.message).toBe('Cycle: "a1" → "r" → "a1" — a network must be acyclic; remove one of these edges');
    expect(cyc?.edgeIds).toHaveLength(2);
  });
});

describe('revalidate', () => {
  it('re-infers only the edited node when its output shape does not change', () => {
    const doc = largeResidualChain(1000);
    const a = inferShapes(doc);
    expect(isValid(a)).toBe(true);
    const bn = Object.values(doc.nodes).find((n) => n.kind === 'BatchNorm') as { id: string };
    const r = updateNode(doc, { id: bn.id, params: { momentum: 0.8 } });
    if (!r.ok) throw new Error(r.error.message);
    const b = revalidate(a, r.doc, r.diff);
    expect(b.evaluated).toBe(1);
    expect(b.index).toBe(a.index);
    expect(b.order).toBe(a.order);
    expect(snapshot(b)).toEqual(snapshot(inferShapes(r.doc)));
    // unchanged nodes keep their NodeInfo objects (per-node caches stay warm)
    const other = doc.nodes['stem'];
    expect(other && b.nodes.get(other.id)).toBe(a.nodes.get('stem'));
  });

  it('follows a shape change downstream and finds the mismatch it causes', () => {
    const doc = cifarResNet(1);
    const a = inferShapes(doc);
    const conv = Object.values(doc.nodes).find((n) => n.label === 's2b1_conv2') as { id: string };
    const r = updateNode(doc, { id: conv.id, params: { filters: 48 } });
    if (!r.ok) throw new Error(r.error.message);
    const b = revalidate(a, r.doc);
    expect(b.evaluated).toBeLessThan(Object.keys(doc.nodes).length);
    const add = Object.values(doc.nodes).find((n) => n.label === 's2b1_add') as { id: string };
    expect(b.nodes.get(add.id)?.status).toBe('error');
    expect(diagnosticsOf(b).find((d) => d.code === 'merge-shape-mismatch')?.message).toBe(
      'Add "s2b1_add": inputs differ — [16,16,48] from "s2b1_bn2" vs [16,16,32] from "s2b1_pad"',
    );
    expect(snapshot(b)).toEqual(snapshot(inferShapes(r.doc)));
  });

  it('a move (position only) re-infers nothing', () => {
    const doc = cifarResNet(1);
    const a = inferShapes(doc);
    const r = updateNode(doc, { id: 'input', position: { x: 500, y: 500 } });
    if (!r.ok) throw new Error(r.error.message);
    const b = revalidate(a, r.doc, r.diff);
    expect(b.evaluated).toBe(0);
    expect(b.graphDiagnostics).toBe(a.graphDiagnostics);
    expect(revalidate(a, r.doc).evaluated).toBe(0);
  });

  it('equals a full pass after any sequence of random edits (with and without the diff)', () => {
    const kinds = ['Conv2D', 'BatchNorm', 'ReLU', 'Add', 'Concat', 'MaxPool', 'AvgPool', 'Crop', 'Gate', 'Pad', 'Upsample', 'Dense', 'GlobalAvgPool', 'Flatten', 'Nope', 'ClassificationHead', 'Input'];
    const paramEdits: readonly Record<string, unknown>[] = [
      { filters: 8 },
      { filters: 24, stride: 2 },
      { kernel: 5, padding: 'valid' },
      { padding: 2 },
      { groups: 3 },
      { stride: 2, dilation: 2 },
      { filters: -1 },
      { pool: 3, stride: 1 },
      { factor: 2 },
      { units: 7 },
      { top: 2, channelsAfter: 4 },
      {},
    ];
    type Edit = { op: number; a: number; b: number; c: number };
    const edit = fc.record({ op: fc.nat(9), a: fc.nat(10_000), b: fc.nat(10_000), c: fc.nat(10_000) });
    const apply = (doc: GraphDocument, e: Edit): { doc: GraphDocument; result?: OpResult } | null => {
      const ids = Object.keys(doc.nodes).sort();
      const edges = Object.keys(doc.edges).sort();
      const node = ids[e.a % Math.max(ids.length, 1)];
      const other = ids[e.b % Math.max(ids.length, 1)];
      const edgeId = edges[e.a % Math.max(edges.length, 1)];
      let r: OpResult | undefined;
      switch (e.op) {
        case 0:
          if (node) r = updateNode(doc, { id: node, params: paramEdits[e.c % paramEdits.length] ?? {} });
          break;
        case 1:
          if (node) r = updateNode(doc, { id: node, kind: kinds[e.c % kinds.length] ?? 'ReLU' });
          break;
        case 2:
          if (node) r = removeNodes(doc, { ids: [node] });
          break;
        case 3:
          if (node && other) r = connect(doc, { source: node, target: other, targetPort: e.c % 3, replace: e.c % 2 === 0 });
          break;
        case 4:
          if (edgeId) r = disconnect(doc, { edgeIds: [edgeId] });
          break;
        case 5:
          if (node) r = updateNode(doc, { id: node, label: e.c % 3 === 0 ? null : `L${e.c % 7}` });
          break;
        case 6:
          r = setInput(doc, { height: 4 + (e.a % 4) * 4, width: 4 + (e.b % 4) * 4, channels: 1 + (e.c % 8) });
          break;
        case 7:
          if (edgeId) r = insertBetween(doc, { edgeId, kind: kinds[e.c % kinds.length] ?? 'ReLU', params: paramEdits[e.b % paramEdits.length] ?? {} });
          else r = addNode(doc, { kind: kinds[e.c % kinds.length] ?? 'ReLU', position: { x: 0, y: 0 } });
          break;
        case 8: {
          // a raw edit the ops refuse: an edge that may make a cycle or share a taken port
          if (!node || !other) return null;
          const id = `raw${e.c}`;
          if (doc.edges[id]) return null;
          return { doc: { ...doc, edges: { ...doc.edges, [id]: { id, source: node, target: other, targetPort: e.c % 2 } } } };
        }
        default:
          if (node) r = updateNode(doc, { id: node, params: { filters: 1 + (e.c % 40) } });
      }
      if (!r || !r.ok) return null;
      return { doc: r.doc, result: r };
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.array(edit, { minLength: 1, maxLength: 25 }), (n, edits) => {
        let doc: GraphDocument = cifarResNet(n, { height: 8, width: 8, channels: 3 });
        let byIdentity = inferShapes(doc);
        let byDiff = byIdentity;
        for (const e of edits) {
          const next = apply(doc, e);
          if (!next) continue;
          doc = next.doc;
          byIdentity = revalidate(byIdentity, doc);
          const diff = next.result?.ok ? next.result.diff : undefined;
          // a raw edit has no diff: the diff path falls back to identity as well
          byDiff = revalidate(byDiff, doc, diff);
          const full = snapshot(inferShapes(doc));
          expect(snapshot(byIdentity)).toEqual(full);
          expect(snapshot(byDiff)).toEqual(full);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('checkConnection (the canvas\'s isValidConnection)', () => {
  const doc = buildGraph({ height: 32, width: 32, channels: 3 }, (b) => {
    const x = b.add('Input', {}, { id: 'in' });
    b.chain(x, ['Conv2D', { filters: 16, stride: 2 }], ['ReLU', {}, 'r']);
    b.add('Add', {}, { id: 'add' });
    b.add('Conv2D', { filters: 8 }, { id: 'lonely' });
    b.connect('in', 'add', 0);
  });
  const a = inferShapes(doc);
  const r = Object.values(doc.nodes).find((n) => n.label === 'r')?.id ?? '';

  it('previews the shape or names the mismatch', () => {
    expect(checkConnection(a, 'in', 'lonely', 0)).toEqual({ ok: true, shape: [32, 32, 8] });
    expect(checkConnection(a, r, 'add', 1)).toEqual({ ok: false, code: 'merge-shape-mismatch', message: 'Add "add": inputs differ — [32,32,3] from "in" vs [16,16,16] from "r"' });
    expect(checkConnection(a, 'in', 'add', 1)).toEqual({ ok: true, shape: [32, 32, 3] });
  });
  it('refuses cycles and ports beyond the arity; cannot tell without the other inputs', () => {
    expect(checkConnection(a, r, 'in', 0).ok).toBe(false);
    expect(checkConnection(a, r, r, 0)).toMatchObject({ ok: false, code: 'cycle' });
    expect(checkConnection(a, 'in', 'lonely', 1)).toMatchObject({ ok: false, code: 'too-many-inputs', message: 'Conv2D "lonely" takes 1 input' });
    expect(checkConnection(a, 'in', 'add', 3)).toEqual({ ok: true, shape: null });
  });
});
