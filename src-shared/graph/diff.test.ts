import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual } from './canonical.js';
import { DiffError, applyDiff, composeDiffs, diffDocuments, emptyDiff, invertDiff, isEmptyDiff, touchedIds } from './diff.js';
import type { GraphDiff } from './diff.js';
import { emptyDocument } from './document.js';
import type { GraphDocument, GraphEdge, GraphNode } from './document.js';
import { deepFreeze } from './testing.js';

const node = (id: string, x = 0, extra: Partial<GraphNode> = {}): GraphNode => ({ id, kind: 'ReLU', params: {}, position: { x, y: 0 }, ...extra });
const edge = (id: string, source: string, target: string, targetPort = 0): GraphEdge => ({ id, source, target, targetPort });

function base(): GraphDocument {
  const doc = emptyDocument('t');
  doc.nodes = { a: node('a'), b: node('b', 10), c: node('c', 20) };
  doc.edges = { e1: edge('e1', 'a', 'b') };
  return deepFreeze(doc);
}

function diff(parts: Partial<GraphDiff>): GraphDiff {
  return { ...emptyDiff(), ...parts };
}

describe('applyDiff', () => {
  it('adds, updates and removes records without touching the input', () => {
    const doc = base();
    const before = canonicalJson(doc);
    const d = diff({
      nodes: { added: { d: node('d') }, updated: { b: [node('b', 10), node('b', 99)] }, removed: { c: node('c', 20) } },
      edges: { added: { e2: edge('e2', 'b', 'd') }, updated: {}, removed: {} },
    });
    const next = applyDiff(doc, d);
    expect(canonicalJson(doc)).toBe(before);
    expect(Object.keys(next.nodes).sort()).toEqual(['a', 'b', 'd']);
    expect(next.nodes.b?.position.x).toBe(99);
    expect(next.edges.e2).toEqual(edge('e2', 'b', 'd'));
    // untouched records and collections are shared, not copied
    expect(next.nodes.a).toBe(doc.nodes.a);
    expect(next.groups).toBe(doc.groups);
  });

  it('returns the same document for an empty diff', () => {
    const doc = base();
    expect(applyDiff(doc, emptyDiff())).toBe(doc);
  });

  it('changes meta and input when they match the diff', () => {
    const doc = base();
    const next = applyDiff(doc, diff({ meta: [doc.meta, { name: 'u' }], input: [doc.input, { height: 8, width: 8, channels: 1 }] }));
    expect(next.meta).toEqual({ name: 'u' });
    expect(next.input).toEqual({ height: 8, width: 8, channels: 1 });
  });

  it.each<[string, GraphDiff, RegExp]>([
    ['adding an existing id', diff({ nodes: { added: { a: node('a') }, updated: {}, removed: {} } }), /cannot add node "a": the id is taken/],
    ['updating a missing id', diff({ nodes: { added: {}, updated: { z: [node('z'), node('z', 1)] }, removed: {} } }), /cannot update node "z": it does not exist/],
    ['a stale from', diff({ nodes: { added: {}, updated: { b: [node('b', 11), node('b', 12)] }, removed: {} } }), /cannot update node "b": it differs/],
    ['removing a missing id', diff({ edges: { added: {}, updated: {}, removed: { e9: edge('e9', 'a', 'c') } } }), /cannot remove edge "e9": it does not exist/],
    ['removing a record that changed', diff({ edges: { added: {}, updated: {}, removed: { e1: edge('e1', 'a', 'c') } } }), /cannot remove edge "e1": it differs/],
    ['a key that is not the record id', diff({ nodes: { added: { q: node('r') }, updated: {}, removed: {} } }), /keyed "q" has id "r"/],
    ['an id in two sections', diff({ nodes: { added: { a: node('a') }, updated: {}, removed: { a: node('a') } } }), /malformed diff: node "a" is in more than one section/],
    ['stale metadata', diff({ meta: [{ name: 'other' }, { name: 'x' }] }), /metadata/],
    ['a stale input spec', diff({ input: [{ height: 1, width: 1, channels: 1 }, { height: 2, width: 2, channels: 2 }] }), /input spec/],
  ])('throws a DiffError for %s', (_, d, message) => {
    const doc = base();
    expect(() => applyDiff(doc, d)).toThrow(DiffError);
    expect(() => applyDiff(doc, d)).toThrow(message);
  });

  it('compares records canonically (key order and undefined keys do not matter)', () => {
    const doc = base();
    const reordered = { position: { y: 0, x: 10 }, params: {}, kind: 'ReLU', id: 'b', label: undefined };
    const next = applyDiff(doc, diff({ nodes: { added: {}, updated: { b: [reordered, node('b', 5)] }, removed: {} } }));
    expect(next.nodes.b?.position.x).toBe(5);
  });
});

describe('invertDiff', () => {
  const d = diff({
    nodes: { added: { d: node('d') }, updated: { b: [node('b', 10), node('b', 99)] }, removed: { c: node('c', 20) } },
    edges: { added: {}, updated: { e1: [edge('e1', 'a', 'b'), edge('e1', 'a', 'b', 1)] }, removed: {} },
    meta: [{ name: 't' }, { name: 'u' }],
  });

  it('undoes the diff', () => {
    const doc = base();
    const back = applyDiff(applyDiff(doc, d), invertDiff(d));
    expect(canonicalJson(back)).toBe(canonicalJson(doc));
  });

  it('is its own inverse', () => {
    expect(deepEqual(invertDiff(invertDiff(d)), d)).toBe(true);
    expect(deepEqual(invertDiff(d), d)).toBe(false);
  });

  it('swaps added/removed and from/to', () => {
    const inv = invertDiff(d);
    expect(Object.keys(inv.nodes.added)).toEqual(['c']);
    expect(Object.keys(inv.nodes.removed)).toEqual(['d']);
    expect(inv.nodes.updated.b?.[1].position.x).toBe(10);
    expect(inv.meta).toEqual([{ name: 'u' }, { name: 't' }]);
  });
});

describe('composeDiffs', () => {
  const doc = base();
  const check = (a: GraphDiff, b: GraphDiff): GraphDiff => {
    const c = composeDiffs(a, b);
    expect(canonicalJson(applyDiff(doc, c))).toBe(canonicalJson(applyDiff(applyDiff(doc, a), b)));
    return c;
  };

  it('cancels an add followed by a remove', () => {
    const a = diff({ nodes: { added: { d: node('d') }, updated: {}, removed: {} } });
    const b = diff({ nodes: { added: {}, updated: {}, removed: { d: node('d') } } });
    expect(isEmptyDiff(check(a, b))).toBe(true);
  });

  it('folds an add then an update into an add of the final record', () => {
    const a = diff({ nodes: { added: { d: node('d') }, updated: {}, removed: {} } });
    const b = diff({ nodes: { added: {}, updated: { d: [node('d'), node('d', 7)] }, removed: {} } });
    expect(check(a, b).nodes.added.d?.position.x).toBe(7);
  });

  it('chains updates and drops one that returns to the start', () => {
    const a = diff({ nodes: { added: {}, updated: { b: [node('b', 10), node('b', 20)] }, removed: {} } });
    const b = diff({ nodes: { added: {}, updated: { b: [node('b', 20), node('b', 30)] }, removed: {} } });
    expect(check(a, b).nodes.updated.b).toEqual([node('b', 10), node('b', 30)]);
    const back = diff({ nodes: { added: {}, updated: { b: [node('b', 20), node('b', 10)] }, removed: {} } });
    expect(isEmptyDiff(check(a, back))).toBe(true);
  });

  it('turns a remove then an add into an update, or nothing when unchanged', () => {
    const a = diff({ nodes: { added: {}, updated: {}, removed: { c: node('c', 20) } } });
    const b = diff({ nodes: { added: { c: node('c', 21) }, updated: {}, removed: {} } });
    expect(check(a, b).nodes.updated.c).toEqual([node('c', 20), node('c', 21)]);
    const same = diff({ nodes: { added: { c: node('c', 20) }, updated: {}, removed: {} } });
    expect(isEmptyDiff(check(a, same))).toBe(true);
  });

  it('turns an update then a remove into a remove of the original', () => {
    const a = diff({ nodes: { added: {}, updated: { c: [node('c', 20), node('c', 21)] }, removed: {} } });
    const b = diff({ nodes: { added: {}, updated: {}, removed: { c: node('c', 21) } } });
    expect(check(a, b).nodes.removed.c).toEqual(node('c', 20));
  });

  it('composes meta and input and drops a round trip', () => {
    const a = diff({ meta: [{ name: 't' }, { name: 'u' }] });
    const b = diff({ meta: [{ name: 'u' }, { name: 'v' }] });
    expect(check(a, b).meta).toEqual([{ name: 't' }, { name: 'v' }]);
    expect(check(a, diff({ meta: [{ name: 'u' }, { name: 't' }] })).meta).toBeUndefined();
  });

  it('does not mutate its arguments', () => {
    const a = deepFreeze(diff({ nodes: { added: { d: node('d') }, updated: {}, removed: {} } }));
    const b = deepFreeze(diff({ nodes: { added: {}, updated: {}, removed: { d: node('d') } } }));
    expect(() => composeDiffs(a, b)).not.toThrow();
  });
});

describe('diffDocuments / isEmptyDiff / touchedIds', () => {
  it('finds the diff between two documents', () => {
    const from = base();
    const to: GraphDocument = { ...from, meta: { name: 'x' }, nodes: { a: from.nodes.a ?? node('a'), b: node('b', 1), d: node('d') }, edges: {} };
    const d = diffDocuments(from, to);
    expect(canonicalJson(applyDiff(from, d))).toBe(canonicalJson(to));
    expect(Object.keys(d.nodes.added)).toEqual(['d']);
    expect(Object.keys(d.nodes.updated)).toEqual(['b']);
    expect(Object.keys(d.nodes.removed)).toEqual(['c']);
    expect(touchedIds(d, 'nodes').sort()).toEqual(['b', 'c', 'd']);
    expect(touchedIds(d, 'edges')).toEqual(['e1']);
    expect(isEmptyDiff(diffDocuments(from, from))).toBe(true);
  });

  it('isEmptyDiff sees every section', () => {
    expect(isEmptyDiff(emptyDiff())).toBe(true);
    expect(isEmptyDiff(diff({ groups: { added: {}, updated: {}, removed: { g: { id: 'g', label: '', collapsed: false, repeat: 1 } } } }))).toBe(false);
    expect(isEmptyDiff(diff({ input: [{ height: 1, width: 1, channels: 1 }, { height: 2, width: 1, channels: 1 }] }))).toBe(false);
    expect(isEmptyDiff(diff({ meta: [{ name: 'a' }, { name: 'b' }] }))).toBe(false);
  });
});
