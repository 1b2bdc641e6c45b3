import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual } from './canonical.js';
import { applyDiff, composeDiffs, emptyDiff, invertDiff, isEmptyDiff } from './diff.js';
import type { GraphDiff } from './diff.js';
import { GraphDocument, emptyDocument } from './document.js';
import { checkIntegrity } from './integrity.js';
import {
  addNode,
  connect,
  copyFragment,
  disconnect,
  duplicate,
  group,
  insertBetween,
  kindPrefix,
  moveNodes,
  nextFreePort,
  nextNodeId,
  paste,
  removeNode,
  removeNodes,
  renameGroup,
  sequence,
  setCollapsed,
  setInput,
  setMeta,
  setRepeat,
  ungroup,
  updateGroup,
  updateNode,
} from './ops.js';
import type { OpErrorCode, OpResult, OpSuccess } from './ops.js';
import { EDIT_NAMES, deepFreeze, runEdit } from './testing.js';
import type { EditSeed } from './testing.js';
import { buildIndex, findCycle, findPath, updateIndex } from './topo.js';
import type { GraphIndex } from './topo.js';

// ---------------------------------------------------------------------------------------------
// helpers

function ok<X extends object>(r: OpResult<X>): OpSuccess & X {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.message}`);
  deepFreeze(r.doc);
  deepFreeze(r.diff);
  return r;
}

function err(r: OpResult, code: OpErrorCode): string {
  if (r.ok) throw new Error(`expected ${code}, got success`);
  expect(r.error.code).toBe(code);
  expect(r.error.message).not.toContain('\n');
  return r.error.message;
}

const at = (x = 0, y = 0): { x: number; y: number } => ({ x, y });
const same = (a: unknown, b: unknown): void => expect(canonicalJson(a, 1)).toBe(canonicalJson(b, 1));

/** in -> c1 -> c2 -> add(port 0) ; in -> add(port 1) ; add -> head. All frozen. */
function residual(): GraphDocument {
  let doc = deepFreeze(emptyDocument('residual'));
  for (const [id, kind] of [
    ['in', 'Input'],
    ['c1', 'Conv2D'],
    ['c2', 'Conv2D'],
    ['add', 'Add'],
    ['head', 'Dense'],
  ] as const) {
    doc = ok(addNode(doc, { id, kind, params: {}, position: at(0, 0) })).doc;
  }
  for (const [source, target] of [
    ['in', 'c1'],
    ['c1', 'c2'],
    ['c2', 'add'],
    ['in', 'add'],
    ['add', 'head'],
  ] as const) {
    doc = ok(connect(doc, { source, target })).doc;
  }
  return doc;
}

function edgeBetween(doc: GraphDocument, source: string, target: string): string {
  const e = Object.values(doc.edges).find((x) => x.source === source && x.target === target);
  if (e === undefined) throw new Error(`no edge ${source} -> ${target}`);
  return e.id;
}

// ---------------------------------------------------------------------------------------------

describe('addNode', () => {
  it('makes deterministic ids per kind and never reuses a number below the highest', () => {
    let doc = deepFreeze(emptyDocument());
    const a = ok(addNode(doc, { kind: 'Conv2D', params: { filters: 16 }, position: at(1, 2) }));
    expect(a.nodeId).toBe('conv2d_1');
    expect(a.diff.nodes.added).toEqual({ conv2d_1: { id: 'conv2d_1', kind: 'Conv2D', params: { filters: 16 }, position: { x: 1, y: 2 } } });
    doc = ok(addNode(a.doc, { kind: 'Conv2D', position: at() })).doc;
    doc = ok(addNode(doc, { kind: 'ReLU', position: at() })).doc;
    expect(Object.keys(doc.nodes).sort()).toEqual(['conv2d_1', 'conv2d_2', 'relu_1']);
    doc = ok(removeNode(doc, { id: 'conv2d_1' })).doc;
    expect(nextNodeId(doc, 'Conv2D')).toBe('conv2d_3');
    doc = ok(addNode(doc, { kind: 'Conv2D', position: at(), id: 'conv2d_9' })).doc;
    expect(ok(addNode(doc, { kind: 'Conv2D', position: at() })).nodeId).toBe('conv2d_10');
  });

  it('derives a valid id prefix from any kind', () => {
    expect(kindPrefix('My Layer!')).toBe('my_layer_');
    expect(kindPrefix('')).toBe('node');
    expect(ok(addNode(emptyDocument(), { kind: 'Über Conv', position: at() })).nodeId).toBe('_ber_conv_1');
  });

  it('keeps label and group and copies params', () => {
    const g = ok(group(ok(addNode(emptyDocument(), { kind: 'ReLU', position: at(), id: 'r' })).doc, { nodeIds: ['r'], label: 'b' }));
    const params = { alpha: 1 };
    const r = ok(addNode(g.doc, { kind: 'ReLU', position: at(), label: 'act', group: g.groupId, params }));
    expect(r.doc.nodes[r.nodeId]).toEqual({ id: 'relu_1', kind: 'ReLU', params: { alpha: 1 }, position: { x: 0, y: 0 }, label: 'act', group: 'block_1' });
    expect(r.doc.nodes[r.nodeId]?.params).not.toBe(params);
  });

  it('refuses taken and malformed ids, unknown blocks and values the schema refuses', () => {
    const doc = residual();
    expect(err(addNode(doc, { kind: 'ReLU', position: at(), id: 'c1' }), 'duplicate-id')).toContain('"c1"');
    err(addNode(doc, { kind: 'ReLU', position: at(), id: 'has space' }), 'invalid-id');
    err(addNode(doc, { kind: 'ReLU', position: at(), id: '' }), 'invalid-id');
    expect(err(addNode(doc, { kind: 'ReLU', position: at(), group: 'nope' }), 'not-found')).toContain('"nope"');
    expect(err(addNode(doc, { kind: 'ReLU', position: at(Number.NaN, 0) }), 'invalid-value')).toContain('position.x');
    err(addNode(doc, { kind: 'ReLU', position: at(), label: 'x'.repeat(201) }), 'invalid-value');
    err(addNode(doc, { kind: '', position: at(), id: 'k' }), 'invalid-value');
  });
});

describe('ids that are also Object.prototype members', () => {
  it('work like any other id, and absent ones are not found through the prototype', () => {
    let doc = deepFreeze(emptyDocument());
    for (const id of ['constructor', 'toString', 'hasOwnProperty']) doc = ok(addNode(doc, { id, kind: 'ReLU', position: at() })).doc;
    doc = ok(connect(doc, { source: 'constructor', target: 'toString' })).doc;
    doc = ok(connect(doc, { source: 'toString', target: 'hasOwnProperty' })).doc;
    err(connect(doc, { source: 'hasOwnProperty', target: 'constructor' }), 'cycle');
    err(connect(doc, { source: 'constructor', target: 'valueOf' }), 'not-found');
    err(updateNode(doc, { id: 'isPrototypeOf', label: 'x' }), 'not-found');
    err(addNode(doc, { id: '__proto__', kind: 'ReLU', position: at() }), 'invalid-id');
    const g = ok(group(doc, { nodeIds: ['constructor', 'toString'], label: 'b', id: 'valueOf' }));
    const dup = ok(duplicate(g.doc, { nodeIds: ['constructor', 'toString'] }));
    expect(Object.keys(dup.doc.nodes)).toHaveLength(5);
    expect(checkIntegrity(dup.doc)).toEqual([]);
    const removed = ok(removeNodes(dup.doc, { ids: ['constructor', 'toString'] }));
    expect(Object.keys(removed.doc.groups).sort()).toEqual(['block_1']);
    expect(checkIntegrity(removed.doc)).toEqual([]);
  });
});

describe('removeNodes', () => {
  it('removes the node and every edge touching it, renumbering nothing', () => {
    const doc = residual();
    const r = ok(removeNode(doc, { id: 'add' }));
    expect(Object.keys(r.doc.nodes).sort()).toEqual(['c1', 'c2', 'head', 'in']);
    expect(Object.keys(r.diff.edges.removed).sort()).toEqual(['e_3', 'e_4', 'e_5']);
    expect(Object.keys(r.doc.edges).sort()).toEqual(['e_1', 'e_2']);
    expect(r.doc.nodes.c1).toBe(doc.nodes.c1);
  });

  it('drops blocks left empty, up through their parents, and keeps the others', () => {
    let doc = residual();
    const inner = ok(group(doc, { nodeIds: ['c1', 'c2'], label: 'inner' }));
    const outer = ok(group(inner.doc, { nodeIds: ['add'], groupIds: [inner.groupId], label: 'outer' }));
    doc = outer.doc;
    const partial = ok(removeNodes(doc, { ids: ['c1'] }));
    expect(Object.keys(partial.doc.groups).sort()).toEqual([inner.groupId, outer.groupId].sort());
    const innerGone = ok(removeNodes(doc, { ids: ['c1', 'c2'] }));
    expect(Object.keys(innerGone.doc.groups)).toEqual([outer.groupId]);
    const all = ok(removeNodes(doc, { ids: ['c1', 'c2', 'add'] }));
    expect(all.doc.groups).toEqual({});
    expect(Object.keys(all.diff.groups.removed).sort()).toEqual([inner.groupId, outer.groupId].sort());
  });

  it('fails on an unknown node or an empty selection, without partial effects', () => {
    const doc = residual();
    expect(err(removeNodes(doc, { ids: ['c1', 'ghost'] }), 'not-found')).toContain('"ghost"');
    err(removeNodes(doc, { ids: [] }), 'empty-selection');
  });
});

describe('updateNode and moveNodes', () => {
  const doc = residual();

  it('merges params, deletes keys set to undefined, or replaces them', () => {
    const a = ok(updateNode(doc, { id: 'c1', params: { filters: 32, kernel: 3 } }));
    expect(a.doc.nodes.c1?.params).toEqual({ filters: 32, kernel: 3 });
    const b = ok(updateNode(a.doc, { id: 'c1', params: { kernel: undefined, stride: 2 } }));
    expect(b.doc.nodes.c1?.params).toEqual({ filters: 32, stride: 2 });
    const c = ok(updateNode(b.doc, { id: 'c1', params: { groups: 4 }, replaceParams: true }));
    expect(c.doc.nodes.c1?.params).toEqual({ groups: 4 });
    expect(c.diff.nodes.updated.c1?.[0].params).toEqual({ filters: 32, stride: 2 });
  });

  it('sets and clears the label, changes kind and position', () => {
    const a = ok(updateNode(doc, { id: 'add', label: 'merge', kind: 'Concat', position: at(5, 6) }));
    expect(a.doc.nodes.add).toEqual({ id: 'add', kind: 'Concat', params: {}, position: { x: 5, y: 6 }, label: 'merge' });
    const b = ok(updateNode(a.doc, { id: 'add', label: null }));
    expect('label' in (b.doc.nodes.add ?? {})).toBe(false);
  });

  it('an update that changes nothing succeeds with an empty diff and the same document', () => {
    const r = ok(updateNode(doc, { id: 'c1', params: {}, position: at(0, 0) }));
    expect(isEmptyDiff(r.diff)).toBe(true);
    expect(r.doc).toBe(doc);
  });

  it('moves by an offset or to absolute positions', () => {
    const a = ok(moveNodes(doc, { ids: ['c1', 'c2', 'c1'], by: at(10, -5) }));
    expect(a.doc.nodes.c1?.position).toEqual({ x: 10, y: -5 });
    expect(Object.keys(a.diff.nodes.updated).sort()).toEqual(['c1', 'c2']);
    const b = ok(moveNodes(a.doc, { positions: { head: at(100, 200) } }));
    expect(b.doc.nodes.head?.position).toEqual({ x: 100, y: 200 });
  });

  it('fails on unknown nodes and invalid values', () => {
    err(updateNode(doc, { id: 'ghost', label: 'x' }), 'not-found');
    err(moveNodes(doc, { ids: ['c1', 'ghost'], by: at(1, 1) }), 'not-found');
    err(moveNodes(doc, { positions: { c1: at(Number.POSITIVE_INFINITY, 0) } }), 'invalid-value');
  });
});

describe('connect and disconnect', () => {
  it('uses the lowest free port when none is given', () => {
    let doc = residual();
    doc = ok(addNode(doc, { kind: 'Concat', position: at(), id: 'cat' })).doc;
    doc = ok(connect(doc, { source: 'c1', target: 'cat', targetPort: 2 })).doc;
    expect(nextFreePort(doc, 'cat')).toBe(0);
    const a = ok(connect(doc, { source: 'in', target: 'cat' }));
    expect(a.doc.edges[a.edgeId]?.targetPort).toBe(0);
    const b = ok(connect(a.doc, { source: 'c2', target: 'cat' }));
    expect(b.doc.edges[b.edgeId]?.targetPort).toBe(1);
    const c = ok(connect(b.doc, { source: 'c2', target: 'cat' }));
    expect(c.doc.edges[c.edgeId]?.targetPort).toBe(3);
    expect(c.edgeId).toBe('e_9');
  });

  it('refuses an occupied port unless told to replace it', () => {
    const doc = residual();
    const msg = err(connect(doc, { source: 'c1', target: 'add', targetPort: 0 }), 'port-occupied');
    expect(msg).toContain('input 0 of "add"');
    expect(msg).toContain('"c2"');
    const r = ok(connect(doc, { source: 'c1', target: 'add', targetPort: 0, replace: true }));
    expect(Object.keys(r.diff.edges.removed)).toEqual(['e_3']);
    expect(Object.values(r.diff.edges.added)).toEqual([{ id: 'e_6', source: 'c1', target: 'add', targetPort: 0 }]);
    const again = ok(connect(doc, { source: 'c2', target: 'add', targetPort: 0, replace: true }));
    expect(isEmptyDiff(again.diff)).toBe(true);
    expect(again.edgeId).toBe('e_3');
    const keepId = ok(connect(doc, { source: 'c1', target: 'add', targetPort: 0, replace: true, id: 'e_3' }));
    expect(keepId.diff.edges.updated.e_3?.[1].source).toBe('c1');
  });

  it('refuses self-loops and cycles, naming the path', () => {
    const doc = residual();
    expect(err(connect(doc, { source: 'c1', target: 'c1' }), 'self-loop')).toContain('"c1"');
    const msg = err(connect(doc, { source: 'head', target: 'c1' }), 'cycle');
    expect(msg).toBe('connecting "head" → "c1" would make a cycle: "c1" → "c2" → "add" → "head" → "c1"');
    err(connect(doc, { source: 'add', target: 'in' }), 'cycle');
  });

  it('refuses unknown nodes, bad ports and taken or bad explicit ids', () => {
    const doc = residual();
    err(connect(doc, { source: 'ghost', target: 'c1' }), 'not-found');
    err(connect(doc, { source: 'c1', target: 'ghost' }), 'not-found');
    err(connect(doc, { source: 'c1', target: 'head', targetPort: -1 }), 'invalid-value');
    err(connect(doc, { source: 'c1', target: 'head', targetPort: 1.5 }), 'invalid-value');
    err(connect(doc, { source: 'c1', target: 'head', id: 'e_1' }), 'duplicate-id');
    err(connect(doc, { source: 'c1', target: 'head', id: 'a b' }), 'invalid-id');
    expect(ok(connect(doc, { source: 'c1', target: 'head', id: 'skip' })).edgeId).toBe('skip');
  });

  it('disconnects edges and refuses unknown ones', () => {
    const doc = residual();
    const r = ok(disconnect(doc, { edgeIds: ['e_4', 'e_4'] }));
    expect(Object.keys(r.doc.edges).sort()).toEqual(['e_1', 'e_2', 'e_3', 'e_5']);
    err(disconnect(doc, { edgeIds: ['e_4', 'zz'] }), 'not-found');
    err(disconnect(doc, { edgeIds: [] }), 'empty-selection');
  });
});

describe('insertBetween', () => {
  it('splits an edge, keeping the target port, at the midpoint', () => {
    let doc = residual();
    doc = ok(moveNodes(doc, { positions: { in: at(0, 0), add: at(100, 40) } })).doc;
    const skip = edgeBetween(doc, 'in', 'add');
    const r = ok(insertBetween(doc, { edgeId: skip, kind: 'Conv2D', params: { filters: 32, kernel: 1 } }));
    expect(r.nodeId).toBe('conv2d_1');
    expect(r.doc.nodes.conv2d_1?.position).toEqual({ x: 50, y: 20 });
    const [into, out] = r.edgeIds;
    expect(r.doc.edges[into]).toEqual({ id: into, source: 'in', target: 'conv2d_1', targetPort: 0 });
    expect(r.doc.edges[out]).toEqual({ id: out, source: 'conv2d_1', target: 'add', targetPort: 1 });
    expect(r.doc.edges[skip]).toBeUndefined();
    expect(findCycle(buildIndex(r.doc))).toBeNull();
  });

  it('puts the new node in the block both ends share, or where told', () => {
    const g = ok(group(residual(), { nodeIds: ['c1', 'c2'], label: 'b' }));
    const inside = ok(insertBetween(g.doc, { edgeId: edgeBetween(g.doc, 'c1', 'c2'), kind: 'ReLU', id: 'act' }));
    expect(inside.doc.nodes.act?.group).toBe(g.groupId);
    const across = ok(insertBetween(g.doc, { edgeId: edgeBetween(g.doc, 'c2', 'add'), kind: 'ReLU', id: 'act' }));
    expect(across.doc.nodes.act?.group).toBeUndefined();
    const told = ok(insertBetween(g.doc, { edgeId: edgeBetween(g.doc, 'c2', 'add'), kind: 'ReLU', id: 'act', group: g.groupId, position: at(7, 7), label: 'r' }));
    expect(told.doc.nodes.act).toMatchObject({ group: g.groupId, position: { x: 7, y: 7 }, label: 'r' });
  });

  it('fails on an unknown edge, a taken id or an unknown block', () => {
    const doc = residual();
    err(insertBetween(doc, { edgeId: 'zz', kind: 'ReLU' }), 'not-found');
    err(insertBetween(doc, { edgeId: 'e_1', kind: 'ReLU', id: 'c1' }), 'duplicate-id');
    err(insertBetween(doc, { edgeId: 'e_1', kind: 'ReLU', group: 'zz' }), 'not-found');
  });
});

describe('blocks', () => {
  it('groups nodes, nests blocks, and refuses members from different blocks', () => {
    const doc = residual();
    const a = ok(group(doc, { nodeIds: ['c1', 'c2'], label: 'conv pair' }));
    expect(a.doc.groups[a.groupId]).toEqual({ id: 'block_1', label: 'conv pair', collapsed: false, repeat: 1 });
    expect(a.doc.nodes.c1?.group).toBe('block_1');
    const nested = ok(group(a.doc, { nodeIds: ['c1'], label: 'inner', collapsed: true, repeat: 2, id: 'inner' }));
    expect(nested.doc.groups.inner).toEqual({ id: 'inner', label: 'inner', collapsed: true, repeat: 2, parent: 'block_1' });
    const msg = err(group(a.doc, { nodeIds: ['c1', 'add'], label: 'x' }), 'mixed-groups');
    expect(msg).toContain('node "add" is at top level');
    expect(msg).toContain('in block "block_1"');
    const stage = ok(group(a.doc, { nodeIds: ['add'], groupIds: ['block_1'], label: 'stage' }));
    expect(stage.doc.groups.block_1?.parent).toBe(stage.groupId);
    expect(stage.doc.nodes.add?.group).toBe(stage.groupId);
    err(group(a.doc, { nodeIds: ['c1'], groupIds: ['block_1'], label: 'x' }), 'mixed-groups');
  });

  it('refuses empty, unknown and duplicate-id blocks and bad values', () => {
    const doc = residual();
    err(group(doc, { nodeIds: [], label: 'x' }), 'empty-selection');
    err(group(doc, { nodeIds: ['ghost'], label: 'x' }), 'not-found');
    err(group(doc, { nodeIds: ['c1'], groupIds: ['ghost'], label: 'x' }), 'not-found');
    err(group(doc, { nodeIds: ['c1'], label: 'x'.repeat(201) }), 'invalid-value');
    err(group(doc, { nodeIds: ['c1'], label: 'x', repeat: 0 }), 'invalid-value');
    const a = ok(group(doc, { nodeIds: ['c1'], label: 'x', id: 'b' }));
    err(group(a.doc, { nodeIds: ['c2'], label: 'y', id: 'b' }), 'duplicate-id');
  });

  it('ungroups into the enclosing block (or top level)', () => {
    const a = ok(group(residual(), { nodeIds: ['c1', 'c2'], label: 'outer', id: 'outer' }));
    const b = ok(group(a.doc, { nodeIds: ['c1'], label: 'inner', id: 'inner' }));
    const c = ok(group(b.doc, { nodeIds: ['c2'], label: 'inner2', id: 'inner2' }));
    const d = ok(group(c.doc, { nodeIds: [], groupIds: ['inner', 'inner2'], label: 'mid', id: 'mid' }));
    const up = ok(ungroup(d.doc, { groupId: 'mid' }));
    expect(up.doc.groups.inner?.parent).toBe('outer');
    expect(up.doc.groups.mid).toBeUndefined();
    const top = ok(ungroup(b.doc, { groupId: 'outer' }));
    expect(top.doc.nodes.c2?.group).toBeUndefined();
    expect('group' in (top.doc.nodes.c2 ?? {})).toBe(false);
    expect('parent' in (top.doc.groups.inner ?? {})).toBe(false);
    expect(top.doc.nodes.c1?.group).toBe('inner');
    err(ungroup(b.doc, { groupId: 'ghost' }), 'not-found');
  });

  it('sets repeat, collapsed and label within the schema', () => {
    const a = ok(group(residual(), { nodeIds: ['c1', 'c2'], label: 'b', id: 'b' }));
    const r = ok(setRepeat(a.doc, { groupId: 'b', repeat: 9 }));
    expect(r.doc.groups.b?.repeat).toBe(9);
    expect(r.diff.groups.updated.b).toEqual([
      { id: 'b', label: 'b', collapsed: false, repeat: 1 },
      { id: 'b', label: 'b', collapsed: false, repeat: 9 },
    ]);
    expect(ok(setCollapsed(a.doc, { groupId: 'b', collapsed: true })).doc.groups.b?.collapsed).toBe(true);
    expect(ok(renameGroup(a.doc, { groupId: 'b', label: 'stage 1' })).doc.groups.b?.label).toBe('stage 1');
    expect(ok(updateGroup(a.doc, { groupId: 'b', repeat: 3, label: 'z' })).doc.groups.b).toMatchObject({ repeat: 3, label: 'z' });
    err(setRepeat(a.doc, { groupId: 'b', repeat: 0 }), 'invalid-value');
    err(setRepeat(a.doc, { groupId: 'b', repeat: 1001 }), 'invalid-value');
    err(setRepeat(a.doc, { groupId: 'b', repeat: 2.5 }), 'invalid-value');
    err(renameGroup(a.doc, { groupId: 'b', label: 'x'.repeat(201) }), 'invalid-value');
    err(setRepeat(a.doc, { groupId: 'zz', repeat: 2 }), 'not-found');
  });
});

describe('duplicate, copy and paste', () => {
  it('copies nodes and only the edges among them, with fresh ids and an offset', () => {
    const doc = residual();
    const r = ok(duplicate(doc, { nodeIds: ['c1', 'c2'], offset: at(10, 20) }));
    expect(r.nodeIds).toEqual({ c1: 'conv2d_1', c2: 'conv2d_2' });
    expect(r.doc.nodes.conv2d_1).toEqual({ ...doc.nodes.c1, id: 'conv2d_1', position: { x: 10, y: 20 } });
    const added = Object.values(r.diff.edges.added);
    expect(added).toEqual([{ id: 'e_6', source: 'conv2d_1', target: 'conv2d_2', targetPort: 0 }]);
    expect(Object.keys(r.diff.nodes.updated)).toEqual([]);
  });

  it('duplicates a whole block as a new block and leaves partial selections in the original', () => {
    const g = ok(group(residual(), { nodeIds: ['c1', 'c2'], label: 'pair', repeat: 3 }));
    const whole = ok(duplicate(g.doc, { nodeIds: ['c1', 'c2'] }));
    expect(whole.groupIds).toEqual({ block_1: 'block_2' });
    expect(whole.doc.groups.block_2).toEqual({ id: 'block_2', label: 'pair', collapsed: false, repeat: 3 });
    expect(whole.doc.nodes.conv2d_1?.group).toBe('block_2');
    const part = ok(duplicate(g.doc, { nodeIds: ['c1'] }));
    expect(part.groupIds).toEqual({});
    expect(part.doc.nodes.conv2d_1?.group).toBe('block_1');
  });

  it('pastes into another document, dropping references to blocks it does not have', () => {
    const g = ok(group(residual(), { nodeIds: ['c1', 'c2'], label: 'pair' }));
    const frag = deepFreeze(copyFragment(g.doc, ['c1']));
    expect(frag.groups).toEqual({});
    const r = ok(paste(deepFreeze(emptyDocument()), { fragment: frag }));
    expect(r.doc.nodes.conv2d_1?.group).toBeUndefined();
    expect(r.doc.nodes.conv2d_1?.position).toEqual({ x: 40, y: 40 });
    expect(checkIntegrity(r.doc)).toEqual([]);
  });

  it('refuses empty, invalid, cyclic or port-clashing fragments and unknown nodes', () => {
    const doc = residual();
    err(paste(doc, { fragment: { nodes: {}, edges: {}, groups: {} } }), 'empty-selection');
    err(duplicate(doc, { nodeIds: ['ghost'] }), 'not-found');
    const n = (id: string): GraphDocument['nodes'][string] => ({ id, kind: 'ReLU', params: {}, position: at() });
    const bad = { nodes: { a: { ...n('a'), position: { x: 'x', y: 0 } } }, edges: {}, groups: {} };
    err(paste(doc, { fragment: bad as unknown as Parameters<typeof paste>[1]['fragment'] }), 'invalid-value');
    const cyclic = {
      nodes: { a: n('a'), b: n('b') },
      edges: { x: { id: 'x', source: 'a', target: 'b', targetPort: 0 }, y: { id: 'y', source: 'b', target: 'a', targetPort: 0 } },
      groups: {},
    };
    err(paste(doc, { fragment: cyclic }), 'cycle');
    const clash = {
      nodes: { a: n('a'), b: n('b'), c: n('c') },
      edges: { x: { id: 'x', source: 'a', target: 'c', targetPort: 0 }, y: { id: 'y', source: 'b', target: 'c', targetPort: 0 } },
      groups: {},
    };
    err(paste(doc, { fragment: clash }), 'port-occupied');
  });
});

describe('setInput, setMeta, sequence', () => {
  it('sets the input spec within the schema', () => {
    const doc = residual();
    const r = ok(setInput(doc, { height: 64, width: 48, channels: 1 }));
    expect(r.diff.input).toEqual([doc.input, { height: 64, width: 48, channels: 1 }]);
    expect(isEmptyDiff(ok(setInput(doc, doc.input)).diff)).toBe(true);
    err(setInput(doc, { height: 0, width: 1, channels: 1 }), 'invalid-value');
  });

  it('patches the metadata, clearing fields set to null', () => {
    const doc = residual();
    const a = ok(setMeta(doc, { name: 'ResNet-20', description: 'cifar', task: 'classification' }));
    expect(a.doc.meta).toEqual({ name: 'ResNet-20', description: 'cifar', task: 'classification' });
    const b = ok(setMeta(a.doc, { description: null, template: { id: 'resnet', options: { depth: 20 } } }));
    expect(b.doc.meta).toEqual({ name: 'ResNet-20', task: 'classification', template: { id: 'resnet', options: { depth: 20 } } });
    err(setMeta(doc, { name: 'x'.repeat(201) }), 'invalid-value');
  });

  it('runs steps as one edit and is atomic', () => {
    const doc = residual();
    const skip = edgeBetween(doc, 'in', 'add');
    const r = ok(
      sequence(doc, [
        (d) => insertBetween(d, { edgeId: skip, kind: 'Conv2D', id: 'proj' }),
        (d) => insertBetween(d, { edgeId: edgeBetween(d, 'proj', 'add'), kind: 'BatchNorm', id: 'proj_bn' }),
      ]),
    );
    same(applyDiff(doc, r.diff), r.doc);
    expect(Object.keys(r.diff.nodes.added).sort()).toEqual(['proj', 'proj_bn']);
    expect(Object.keys(r.diff.edges.removed)).toEqual([skip]);
    const failed = sequence(doc, [(d) => addNode(d, { kind: 'ReLU', position: at(), id: 'x' }), (d) => connect(d, { source: 'x', target: 'x' })]);
    err(failed, 'self-loop');
    expect(isEmptyDiff(ok(sequence(doc, [])).diff)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const seedArb: fc.Arbitrary<EditSeed> = fc.record({
  op: fc.oneof(
    { weight: 6, arbitrary: fc.constant('add' as const) },
    { weight: 6, arbitrary: fc.constant('connect' as const) },
    { weight: 3, arbitrary: fc.constant('group' as const) },
    { weight: 8, arbitrary: fc.constantFrom(...EDIT_NAMES) },
  ),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
  d: fc.nat(1000),
});

const startArb: fc.Arbitrary<GraphDocument> = fc.constantFrom(deepFreeze(emptyDocument('start')), residual());

function noEmptyGroups(doc: GraphDocument): boolean {
  return Object.keys(doc.groups).every((g) => Object.values(doc.nodes).some((n) => n.group === g) || Object.values(doc.groups).some((c) => c.parent === g));
}

const plainIndex = (ix: GraphIndex): string =>
  canonicalJson({
    incoming: Object.fromEntries([...ix.incoming].map(([k, v]) => [k, v.map((e) => e.id)])),
    outgoing: Object.fromEntries([...ix.outgoing].map(([k, v]) => [k, v.map((e) => e.id)])),
  });

describe('properties of random edit sequences', () => {
  it('every edit keeps the document valid, sound, acyclic and unmutated; its diff is exact and invertible', () => {
    fc.assert(
      fc.property(startArb, fc.array(seedArb, { maxLength: 40 }), (start, seeds) => {
        let doc = start;
        let index = buildIndex(doc);
        let total: GraphDiff = emptyDiff();
        for (const seed of seeds) {
          const before = canonicalJson(doc);
          const run = runEdit(doc, seed); // doc is deep-frozen: any mutation would throw here
          if (run === null || !run.result.ok) continue;
          const { doc: next, diff } = run.result;
          deepFreeze(next);
          deepFreeze(diff);
          expect(canonicalJson(doc)).toBe(before);
          expect(GraphDocument.safeParse(next).success).toBe(true);
          expect(checkIntegrity(next)).toEqual([]);
          expect(findCycle(buildIndex(next))).toBeNull();
          expect(noEmptyGroups(next)).toBe(true);
          expect(canonicalJson(applyDiff(doc, diff))).toBe(canonicalJson(next));
          expect(canonicalJson(applyDiff(next, invertDiff(diff)))).toBe(before);
          expect(deepEqual(invertDiff(invertDiff(diff)), diff)).toBe(true);
          index = updateIndex(index, diff);
          expect(plainIndex(index)).toBe(plainIndex(buildIndex(next)));
          total = composeDiffs(total, diff);
          doc = next;
        }
        // the squashed diff of the whole run does what the run did, and its inverse undoes it
        expect(canonicalJson(applyDiff(start, total))).toBe(canonicalJson(doc));
        expect(canonicalJson(applyDiff(doc, invertDiff(total)))).toBe(canonicalJson(start));
      }),
      { numRuns: 120 },
    );
  });

  it('connect refuses exactly the edges that would close a cycle', () => {
    const ids = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
    let base = emptyDocument();
    for (const id of ids) base = ok(addNode(base, { id, kind: 'ReLU', position: at() })).doc;
    const pairArb = fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids));
    fc.assert(
      fc.property(fc.array(pairArb, { maxLength: 30 }), (pairs) => {
        let doc = base;
        for (const [source, target] of pairs) {
          const wouldLoop = source === target || findPath(buildIndex(doc), target, source) !== null;
          const r = connect(doc, { source, target });
          expect(r.ok).toBe(!wouldLoop);
          if (!r.ok) {
            expect(r.error.code).toBe(source === target ? 'self-loop' : 'cycle');
            continue;
          }
          doc = r.doc;
          expect(findCycle(buildIndex(doc))).toBeNull();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the random edit generator exercises every edit, successes and refusals', () => {
    const succeeded = new Set<string>();
    const refused = new Set<string>();
    for (const seeds of fc.sample(fc.array(seedArb, { minLength: 30, maxLength: 40 }), { numRuns: 40, seed: 7 })) {
      let doc = residual();
      for (const seed of seeds) {
        const run = runEdit(doc, seed);
        if (run === null) continue;
        if (run.result.ok) {
          succeeded.add(run.name);
          if (Object.keys(run.result.diff.edges.updated).length > 0) succeeded.add('edge update');
          if (Object.keys(run.result.diff.groups.removed).length > 0 && run.name === 'remove') succeeded.add('block emptied');
          doc = run.result.doc;
        } else {
          refused.add(run.result.error.code);
        }
      }
    }
    expect([...succeeded].sort()).toEqual([...EDIT_NAMES, 'block emptied', 'edge update'].sort());
    expect(refused.has('cycle')).toBe(true);
    expect(refused.has('port-occupied')).toBe(true);
    expect(refused.has('mixed-groups')).toBe(true);
  });
});
