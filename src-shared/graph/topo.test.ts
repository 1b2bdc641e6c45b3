import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';
import { emptyDocument } from './document.js';
import type { GraphDocument } from './document.js';
import { addNode, connect, insertBetween, removeNode, setInput, setMeta, updateNode } from './ops.js';
import type { OpResult } from './ops.js';
import { deepFreeze } from './testing.js';
import { buildIndex, dirtyNodes, downstream, findCycle, findPath, inputsOf, outputsOf, topoOrder, updateIndex, upstream } from './topo.js';
import type { GraphIndex } from './topo.js';

function ok(r: OpResult): GraphDocument {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.doc;
}

/** A document from a list of node ids and `a>b` / `a>b@port` edges (edges written directly, cycles allowed). */
function graph(ids: readonly string[], edges: readonly string[]): GraphDocument {
  const doc = emptyDocument('g');
  for (const id of ids) doc.nodes[id] = { id, kind: 'ReLU', params: {}, position: { x: 0, y: 0 } };
  edges.forEach((spec, i) => {
    const m = /^(\w+)>(\w+)(?:@(\d+))?$/.exec(spec);
    if (m === null || m[1] === undefined || m[2] === undefined) throw new Error(spec);
    doc.edges[`e${i}`] = { id: `e${i}`, source: m[1], target: m[2], targetPort: Number(m[3] ?? 0) };
  });
  return deepFreeze(doc);
}

const plainIndex = (ix: GraphIndex): string =>
  canonicalJson({
    incoming: Object.fromEntries([...ix.incoming].map(([k, v]) => [k, v.map((e) => e.id)])),
    outgoing: Object.fromEntries([...ix.outgoing].map(([k, v]) => [k, v.map((e) => e.id)])),
  });

describe('topoOrder', () => {
  it('orders a diamond and breaks ties by id', () => {
    const doc = graph(['d', 'c', 'b', 'a'], ['a>c', 'a>b', 'b>d@0', 'c>d@1']);
    expect(topoOrder(buildIndex(doc))).toEqual({ order: ['a', 'b', 'c', 'd'], blocked: [], cycle: null });
  });

  it('is independent of insertion order', () => {
    const one = graph(['x', 'y', 'z', 'w'], ['z>w', 'x>w@1', 'y>z']);
    const two = graph(['w', 'z', 'y', 'x'], ['x>w@1', 'y>z', 'z>w']);
    expect(topoOrder(buildIndex(one)).order).toEqual(['x', 'y', 'z', 'w']);
    expect(topoOrder(buildIndex(two)).order).toEqual(topoOrder(buildIndex(one)).order);
  });

  it('puts every node after its inputs', () => {
    const doc = graph(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'], ['n6>n1', 'n5>n6', 'n4>n6@1', 'n3>n4', 'n2>n5', 'n3>n2']);
    const { order } = topoOrder(buildIndex(doc));
    const at = new Map(order.map((id, i) => [id, i]));
    expect(order).toHaveLength(6);
    for (const e of Object.values(doc.edges)) expect(at.get(e.source) ?? -1).toBeLessThan(at.get(e.target) ?? -1);
  });

  it('reports a cycle in edge order starting at its smallest id, and blocks what is downstream of it', () => {
    const doc = graph(['in', 'p', 'q', 'r', 'out', 'free'], ['in>q', 'q>r', 'r>p', 'p>q@1', 'r>out']);
    const res = topoOrder(buildIndex(doc));
    expect(res.cycle).toEqual(['p', 'q', 'r']);
    expect(res.blocked).toEqual(['out', 'p', 'q', 'r']);
    expect(res.order).toEqual(['free', 'in']);
    expect(findCycle(buildIndex(doc))).toEqual(['p', 'q', 'r']);
  });

  it('finds a two-node cycle and returns null on acyclic graphs', () => {
    expect(findCycle(buildIndex(graph(['a', 'b'], ['a>b', 'b>a'])))).toEqual(['a', 'b']);
    expect(findCycle(buildIndex(graph(['a', 'b'], ['a>b'])))).toBeNull();
  });

  it('orders a subset, counting only edges inside it', () => {
    const doc = graph(['a', 'b', 'c', 'd'], ['a>b', 'b>c', 'c>d', 'a>d@1']);
    expect(topoOrder(buildIndex(doc), new Set(['d', 'c', 'zz'])).order).toEqual(['c', 'd']);
  });
});

describe('adjacency', () => {
  const doc = graph(['a', 'b', 'c', 'm'], ['c>m@2', 'a>m@0', 'b>m@1', 'a>b', 'a>c']);
  const ix = buildIndex(doc);

  it('inputsOf is sorted by port, outputsOf by target', () => {
    expect(inputsOf(ix, 'm').map((e) => e.source)).toEqual(['a', 'b', 'c']);
    expect(outputsOf(ix, 'a').map((e) => e.target)).toEqual(['b', 'c', 'm']);
    expect(inputsOf(ix, 'nope')).toEqual([]);
    expect(outputsOf(ix, 'm')).toEqual([]);
  });

  it('downstream and upstream include the seeds and ignore unknown ids', () => {
    expect([...downstream(ix, ['b', 'ghost'])].sort()).toEqual(['b', 'm']);
    expect([...downstream(ix, ['a'])].sort()).toEqual(['a', 'b', 'c', 'm']);
    expect([...upstream(ix, ['c'])].sort()).toEqual(['a', 'c']);
  });

  it('findPath gives a shortest path or null', () => {
    expect(findPath(ix, 'a', 'm')).toEqual(['a', 'm']);
    expect(findPath(ix, 'b', 'm')).toEqual(['b', 'm']);
    expect(findPath(ix, 'm', 'a')).toBeNull();
    expect(findPath(ix, 'a', 'a')).toEqual(['a']);
  });

  it('leaves edges with a missing endpoint out of the index', () => {
    const broken = graph(['a'], ['a>ghost']);
    expect(outputsOf(buildIndex(broken), 'a')).toEqual([]);
  });
});

describe('updateIndex and dirtyNodes', () => {
  // in -> conv -> bn -> add ; in -> add (skip) ; add -> head ; side is unrelated
  let doc = emptyDocument('r');
  for (const id of ['in', 'conv', 'bn', 'add', 'head', 'side']) doc = ok(addNode(doc, { id, kind: 'ReLU', position: { x: 0, y: 0 } }));
  for (const [s, t] of [
    ['in', 'conv'],
    ['conv', 'bn'],
    ['bn', 'add'],
    ['in', 'add'],
    ['add', 'head'],
  ] as const) {
    doc = ok(connect(doc, { source: s, target: t }));
  }
  doc = deepFreeze(doc);
  const ix = deepFreeze(buildIndex(doc));

  it('returns the same index for a param edit and marks only what is downstream dirty', () => {
    const r = updateNode(doc, { id: 'bn', params: { epsilon: 0.01 } });
    if (!r.ok) throw new Error(r.error.message);
    const next = updateIndex(ix, r.diff);
    expect(next).toBe(ix);
    expect([...dirtyNodes(next, r.diff)].sort()).toEqual(['add', 'bn', 'head']);
  });

  it('matches a rebuilt index after structural edits, without mutating the old one', () => {
    const before = plainIndex(ix);
    const steps = [
      (d: GraphDocument) => insertBetween(d, { edgeId: 'e_4', kind: 'Conv2D', id: 'proj' }),
      (d: GraphDocument) => removeNode(d, { id: 'conv' }),
      (d: GraphDocument) => connect(d, { source: 'side', target: 'bn' }),
      (d: GraphDocument) => connect(d, { source: 'in', target: 'add', targetPort: 0, replace: true }),
      (d: GraphDocument) => connect(d, { source: 'side', target: 'head', targetPort: 0, replace: true, id: 'e_5' }),
    ];
    let d = doc;
    let index = ix;
    for (const step of steps) {
      const r = step(d);
      if (!r.ok) throw new Error(r.error.message);
      index = updateIndex(index, r.diff);
      d = r.doc;
      expect(plainIndex(index)).toBe(plainIndex(buildIndex(d)));
    }
    expect(plainIndex(ix)).toBe(before);
  });

  it('marks the target of a new edge and its downstream dirty, not the source', () => {
    const r = connect(doc, { source: 'side', target: 'head' });
    if (!r.ok) throw new Error(r.error.message);
    expect([...dirtyNodes(updateIndex(ix, r.diff), r.diff)].sort()).toEqual(['head']);
  });

  it('marks everything dirty for an input change and nothing for a metadata change', () => {
    const input = setInput(doc, { height: 8, width: 8, channels: 1 });
    const meta = setMeta(doc, { name: 'renamed' });
    if (!input.ok || !meta.ok) throw new Error('edit failed');
    expect(dirtyNodes(ix, input.diff).size).toBe(6);
    expect(dirtyNodes(ix, meta.diff).size).toBe(0);
  });

  it('after removing a node, its former consumers are dirty and it is not', () => {
    const r = removeNode(doc, { id: 'bn' });
    if (!r.ok) throw new Error(r.error.message);
    expect([...dirtyNodes(updateIndex(ix, r.diff), r.diff)].sort()).toEqual(['add', 'head']);
  });
});
