import type { GraphDocument } from './document.js';
import {
  addNode,
  connect,
  disconnect,
  duplicate,
  group,
  insertBetween,
  moveNodes,
  removeNodes,
  renameGroup,
  sequence,
  setCollapsed,
  setInput,
  setMeta,
  setRepeat,
  ungroup,
  updateNode,
} from './ops.js';
import type { OpResult } from './ops.js';

/**
 * Test support (property tests and benches; not part of the app's API): a random edit is a small
 * "seed" of numbers interpreted against the current document, so any sequence of seeds is a
 * sequence of edits that make sense for the document at hand, and fast-check can shrink it.
 */

export const EDIT_NAMES = [
  'add',
  'remove',
  'params',
  'label',
  'move',
  'connect',
  'disconnect',
  'group',
  'ungroup',
  'repeat',
  'collapse',
  'rename',
  'insertBetween',
  'duplicate',
  'input',
  'meta',
  'sequence',
] as const;
export type EditName = (typeof EDIT_NAMES)[number];

export interface EditSeed {
  readonly op: EditName;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

const KINDS = ['Conv2D', 'BatchNorm', 'ReLU', 'Add', 'Concat', 'MaxPool'] as const;

function pick<T>(xs: readonly T[], n: number): T | undefined {
  return xs.length === 0 ? undefined : xs[Math.abs(n) % xs.length];
}

function sortedKeys(rec: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(rec).sort();
}

/** Picks 1..3 distinct ids from `ids` using the seed numbers. */
function pickSome(ids: readonly string[], a: number, b: number): string[] {
  if (ids.length === 0) return [];
  const count = 1 + (Math.abs(b) % Math.min(3, ids.length));
  const out = new Set<string>();
  for (let i = 0; i < ids.length && out.size < count; i++) {
    const id = ids[(Math.abs(a) + i * (1 + (Math.abs(b) % 5))) % ids.length];
    if (id !== undefined) out.add(id);
  }
  return [...out];
}

/**
 * Interprets one seed against `doc`: returns the edit's name and its result, or null when the
 * document has nothing for this edit to act on (no nodes to remove, ...). Failures (a cycle, a
 * taken port, members in different blocks) are returned as they are: the caller decides.
 */
export function runEdit(doc: GraphDocument, seed: EditSeed): { name: string; result: OpResult } | null {
  const nodes = sortedKeys(doc.nodes);
  const edges = sortedKeys(doc.edges);
  const groups = sortedKeys(doc.groups);
  const { a, b, c, d } = seed;
  const node = pick(nodes, a);
  const other = pick(nodes, b);
  const edge = pick(edges, a);
  const block = pick(groups, a);
  const r = (name: string, result: OpResult): { name: string; result: OpResult } => ({ name, result });
  switch (seed.op) {
    case 'add': {
      const kind = pick(KINDS, a) ?? 'ReLU';
      const inGroup = c % 3 === 0 ? pick(groups, b) : undefined;
      return r('add', addNode(doc, { kind, params: { n: c % 7 }, position: { x: (b % 50) * 10, y: (c % 50) * 10 }, ...(d % 2 === 0 ? { label: `L${d % 10}` } : {}), ...(inGroup === undefined ? {} : { group: inGroup }) }));
    }
    case 'remove':
      return nodes.length === 0 ? null : r('remove', removeNodes(doc, { ids: pickSome(nodes, a, b) }));
    case 'params':
      return node === undefined ? null : r('params', updateNode(doc, { id: node, params: c % 4 === 0 ? { n: undefined } : { n: c % 9, k: [b % 3, d % 3] }, ...(c % 5 === 0 ? { replaceParams: true } : {}) }));
    case 'label':
      return node === undefined ? null : r('label', updateNode(doc, { id: node, label: c % 3 === 0 ? null : `node ${c % 20}` }));
    case 'move':
      return nodes.length === 0 ? null : r('move', moveNodes(doc, { ids: pickSome(nodes, a, b), by: { x: (c % 11) - 5, y: (d % 11) - 5 } }));
    case 'connect': {
      if (node === undefined || other === undefined) return null;
      // Replacing an edge under its own id re-points it (an edge update, not remove + add).
      const repoint = d % 4 === 0 ? doc.edges[pick(edges, c) ?? ''] : undefined;
      if (repoint !== undefined) return r('connect', connect(doc, { source: node, target: repoint.target, targetPort: repoint.targetPort, replace: true, id: repoint.id }));
      const port = c % 3 === 0 ? undefined : c % 3;
      return r('connect', connect(doc, { source: node, target: other, ...(port === undefined ? {} : { targetPort: port }), ...(d % 2 === 0 ? { replace: true } : {}) }));
    }
    case 'disconnect':
      return edge === undefined ? null : r('disconnect', disconnect(doc, { edgeIds: pickSome(edges, a, b) }));
    case 'group': {
      if (nodes.length === 0) return null;
      // Members from one container, so the edit mostly succeeds; every few seeds mix containers on purpose.
      const container = doc.nodes[node ?? '']?.group;
      const stranger = pick(
        nodes.filter((id) => doc.nodes[id]?.group !== container),
        b,
      );
      if (c % 5 === 0 && node !== undefined && stranger !== undefined) return r('group', group(doc, { nodeIds: [node, stranger], label: 'mixed' }));
      const peers = nodes.filter((id) => doc.nodes[id]?.group === container);
      const childBlocks = groups.filter((g) => doc.groups[g]?.parent === container);
      const withBlock = d % 3 === 0 ? pick(childBlocks, b) : undefined;
      return r('group', group(doc, { nodeIds: pickSome(peers, a, b), ...(withBlock === undefined ? {} : { groupIds: [withBlock] }), label: `block ${c % 10}` }));
    }
    case 'ungroup':
      return block === undefined ? null : r('ungroup', ungroup(doc, { groupId: block }));
    case 'repeat':
      return block === undefined ? null : r('repeat', setRepeat(doc, { groupId: block, repeat: 1 + (c % 6) }));
    case 'collapse':
      return block === undefined ? null : r('collapse', setCollapsed(doc, { groupId: block, collapsed: c % 2 === 0 }));
    case 'rename':
      return block === undefined ? null : r('rename', renameGroup(doc, { groupId: block, label: `stage ${c % 10}` }));
    case 'insertBetween':
      return edge === undefined ? null : r('insertBetween', insertBetween(doc, { edgeId: edge, kind: pick(KINDS, c) ?? 'Identity', params: {} }));
    case 'duplicate':
      return nodes.length === 0 ? null : r('duplicate', duplicate(doc, { nodeIds: c % 4 === 0 ? nodes : pickSome(nodes, a, b), offset: { x: 20, y: d % 30 } }));
    case 'input':
      return r('input', setInput(doc, { height: 8 + (a % 4) * 8, width: 8 + (b % 4) * 8, channels: 1 + (c % 3) }));
    case 'meta':
      return r('meta', setMeta(doc, { name: `net ${a % 5}`, description: c % 2 === 0 ? null : `d${b % 3}` }));
    case 'sequence':
      if (node === undefined) return null;
      return r(
        'sequence',
        sequence(doc, [
          (x) => addNode(x, { kind: 'ReLU', position: { x: 0, y: 0 }, id: `seq_${a % 1000}_${b % 1000}` }),
          (x) => connect(x, { source: node, target: `seq_${a % 1000}_${b % 1000}` }),
        ]),
      );
  }
}

/** Freezes a value and everything inside it, so any later mutation throws (ES modules are strict). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
