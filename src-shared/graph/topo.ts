import { MinHeap } from './heap.js';
import type { GraphDiff } from './diff.js';
import type { GraphDocument, GraphEdge, NodeId } from './document.js';

/**
 * Graph structure over a document: adjacency index, topological order (Kahn, ties broken by id),
 * cycle detection, reachability. The index is built once and then updated by each diff, touching
 * only the adjacency lists the diff changes, so the shape engine can revalidate just what is
 * downstream of an edit (see `dirtyNodes`).
 *
 * The index assumes referential integrity (every edge's endpoints are nodes; see integrity.ts):
 * an edge whose source or target is not a node is left out of it.
 */
export interface GraphIndex {
  /** One entry per node: its incoming edges sorted by (targetPort, id). */
  readonly incoming: ReadonlyMap<NodeId, readonly GraphEdge[]>;
  /** One entry per node: its outgoing edges sorted by (target, targetPort, id). */
  readonly outgoing: ReadonlyMap<NodeId, readonly GraphEdge[]>;
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byPort = (a: GraphEdge, b: GraphEdge): number => a.targetPort - b.targetPort || cmpStr(a.id, b.id);
const byTarget = (a: GraphEdge, b: GraphEdge): number => cmpStr(a.target, b.target) || byPort(a, b);

const NONE: readonly GraphEdge[] = Object.freeze([]);

export function buildIndex(doc: GraphDocument): GraphIndex {
  const incoming = new Map<NodeId, GraphEdge[]>();
  const outgoing = new Map<NodeId, GraphEdge[]>();
  for (const id of Object.keys(doc.nodes)) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const e of Object.values(doc.edges)) {
    const ins = incoming.get(e.target);
    const outs = outgoing.get(e.source);
    if (ins === undefined || outs === undefined) continue;
    ins.push(e);
    outs.push(e);
  }
  for (const list of incoming.values()) list.sort(byPort);
  for (const list of outgoing.values()) list.sort(byTarget);
  return { incoming, outgoing };
}

function without(list: readonly GraphEdge[] | undefined, edgeId: string): readonly GraphEdge[] | undefined {
  if (list === undefined) return undefined;
  return list.filter((e) => e.id !== edgeId);
}

function withEdge(list: readonly GraphEdge[] | undefined, e: GraphEdge, order: (a: GraphEdge, b: GraphEdge) => number): readonly GraphEdge[] | undefined {
  if (list === undefined) return undefined;
  const out = list.slice();
  let i = out.length;
  while (i > 0) {
    const prev = out[i - 1];
    if (prev === undefined || order(prev, e) <= 0) break;
    i--;
  }
  out.splice(i, 0, e);
  return out;
}

/**
 * The index of `applyDiff(doc, diff)` given the index of `doc`. Returns the same index when the
 * diff changes no node set and no edge (e.g. a param edit); otherwise copies the two maps and
 * rebuilds only the adjacency lists the diff touches. Never mutates its inputs.
 */
export function updateIndex(index: GraphIndex, diff: GraphDiff): GraphIndex {
  const structural =
    Object.keys(diff.nodes.added).length > 0 ||
    Object.keys(diff.nodes.removed).length > 0 ||
    Object.keys(diff.edges.added).length > 0 ||
    Object.keys(diff.edges.removed).length > 0 ||
    Object.keys(diff.edges.updated).length > 0;
  if (!structural) return index;
  const incoming = new Map(index.incoming);
  const outgoing = new Map(index.outgoing);
  const drop = (e: GraphEdge): void => {
    const ins = without(incoming.get(e.target), e.id);
    const outs = without(outgoing.get(e.source), e.id);
    if (ins !== undefined) incoming.set(e.target, ins);
    if (outs !== undefined) outgoing.set(e.source, outs);
  };
  const add = (e: GraphEdge): void => {
    if (!incoming.has(e.target) || !outgoing.has(e.source)) return;
    const ins = withEdge(incoming.get(e.target), e, byPort);
    const outs = withEdge(outgoing.get(e.source), e, byTarget);
    if (ins !== undefined) incoming.set(e.target, ins);
    if (outs !== undefined) outgoing.set(e.source, outs);
  };
  for (const e of Object.values(diff.edges.removed)) drop(e);
  for (const [from] of Object.values(diff.edges.updated)) drop(from);
  for (const id of Object.keys(diff.nodes.removed)) {
    incoming.delete(id);
    outgoing.delete(id);
  }
  for (const id of Object.keys(diff.nodes.added)) {
    if (!incoming.has(id)) incoming.set(id, []);
    if (!outgoing.has(id)) outgoing.set(id, []);
  }
  for (const [, to] of Object.values(diff.edges.updated)) add(to);
  for (const e of Object.values(diff.edges.added)) add(e);
  return { incoming, outgoing };
}

/** The edges into a node, sorted by input port (then edge id). Empty for an unknown node. */
export function inputsOf(index: GraphIndex, nodeId: NodeId): readonly GraphEdge[] {
  return index.incoming.get(nodeId) ?? NONE;
}

/** The edges out of a node, sorted by target id, then port, then edge id. */
export function outputsOf(index: GraphIndex, nodeId: NodeId): readonly GraphEdge[] {
  return index.outgoing.get(nodeId) ?? NONE;
}

/** The given nodes and everything reachable from them along edges (unknown ids are ignored). */
export function downstream(index: GraphIndex, nodeIds: Iterable<NodeId>): Set<NodeId> {
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [];
  for (const id of nodeIds) {
    if (index.outgoing.has(id) && !seen.has(id)) {
      seen.add(id);
      stack.push(id);
    }
  }
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const e of outputsOf(index, id)) {
      if (!seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return seen;
}

/** The given nodes and everything they depend on (reachable against the edges). */
export function upstream(index: GraphIndex, nodeIds: Iterable<NodeId>): Set<NodeId> {
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [];
  for (const id of nodeIds) {
    if (index.incoming.has(id) && !seen.has(id)) {
      seen.add(id);
      stack.push(id);
    }
  }
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const e of inputsOf(index, id)) {
      if (!seen.has(e.source)) {
        seen.add(e.source);
        stack.push(e.source);
      }
    }
  }
  return seen;
}

/**
 * The nodes whose inferred shape may change after `diff`, given the index AFTER the diff: added
 * and updated nodes, the targets of added / removed / re-pointed edges, and everything downstream
 * of those. A changed input spec makes every node dirty; metadata changes none.
 */
export function dirtyNodes(indexAfter: GraphIndex, diff: GraphDiff): Set<NodeId> {
  if (diff.input !== undefined) return new Set(indexAfter.incoming.keys());
  const seeds: NodeId[] = [...Object.keys(diff.nodes.added), ...Object.keys(diff.nodes.updated)];
  for (const e of Object.values(diff.edges.added)) seeds.push(e.target);
  for (const e of Object.values(diff.edges.removed)) seeds.push(e.target);
  for (const [from, to] of Object.values(diff.edges.updated)) seeds.push(from.target, to.target);
  return downstream(indexAfter, seeds);
}

/** A path of node ids from `from` to `to` along edges (both included), or null. Shortest, deterministic. */
export function findPath(index: GraphIndex, from: NodeId, to: NodeId): NodeId[] | null {
  if (!index.outgoing.has(from) || !index.outgoing.has(to)) return null;
  const parent = new Map<NodeId, NodeId | null>([[from, null]]);
  let frontier: NodeId[] = [from];
  while (frontier.length > 0 && !parent.has(to)) {
    const next: NodeId[] = [];
    for (const id of frontier) {
      for (const e of outputsOf(index, id)) {
        if (!parent.has(e.target)) {
          parent.set(e.target, id);
          next.push(e.target);
        }
      }
    }
    frontier = next;
  }
  if (!parent.has(to)) return null;
  const path: NodeId[] = [];
  for (let id: NodeId | null | undefined = to; id !== null && id !== undefined; id = parent.get(id)) path.push(id);
  return path.reverse();
}


export interface TopoResult {
  /** Nodes in dependency order; among ready nodes the smallest id comes first. */
  readonly order: NodeId[];
  /** Nodes that could not be ordered (on a cycle or downstream of one), sorted by id. */
  readonly blocked: NodeId[];
  /** One cycle, in edge order starting at its smallest id, or null when the graph is acyclic. */
  readonly cycle: NodeId[] | null;
}

/**
 * Topological order (Kahn's algorithm, ties broken by smallest id, so the order is a function of
 * the graph alone). With `subset`, orders only those nodes, counting only edges among them.
 */
export function topoOrder(index: GraphIndex, subset?: ReadonlySet<NodeId>): TopoResult {
  const inSet = (id: NodeId): boolean => (subset === undefined ? index.incoming.has(id) : subset.has(id) && index.incoming.has(id));
  const indegree = new Map<NodeId, number>();
  const heap = new MinHeap<string>();
  const ids = subset === undefined ? index.incoming.keys() : subset.values();
  for (const id of ids) {
    if (!inSet(id)) continue;
    let d = 0;
    for (const e of inputsOf(index, id)) if (inSet(e.source)) d++;
    indegree.set(id, d);
    if (d === 0) heap.push(id);
  }
  const order: NodeId[] = [];
  for (let id = heap.pop(); id !== undefined; id = heap.pop()) {
    order.push(id);
    for (const e of outputsOf(index, id)) {
      const d = indegree.get(e.target);
      if (d === undefined) continue;
      indegree.set(e.target, d - 1);
      if (d - 1 === 0) heap.push(e.target);
    }
  }
  if (order.length === indegree.size) return { order, blocked: [], cycle: null };
  const blockedSet = new Set<NodeId>();
  for (const [id, d] of indegree) if (d > 0) blockedSet.add(id);
  const blocked = [...blockedSet].sort(cmpStr);
  return { order, blocked, cycle: cycleAmong(index, blocked, blockedSet) };
}

/**
 * Every blocked node has a predecessor that is also blocked, so walking backwards from any of them
 * must revisit a node; the walk between the two visits is a cycle.
 */
function cycleAmong(index: GraphIndex, blocked: readonly NodeId[], blockedSet: ReadonlySet<NodeId>): NodeId[] | null {
  const start = blocked[0];
  if (start === undefined) return null;
  const walk: NodeId[] = [];
  const at = new Map<NodeId, number>();
  let id: NodeId | undefined = start;
  while (id !== undefined && !at.has(id)) {
    at.set(id, walk.length);
    walk.push(id);
    let pred: NodeId | undefined;
    for (const e of inputsOf(index, id)) if (blockedSet.has(e.source) && (pred === undefined || e.source < pred)) pred = e.source;
    id = pred;
  }
  if (id === undefined) return null;
  const first = at.get(id) ?? 0;
  const cycle = walk.slice(first).reverse(); // walked against the edges; reverse to follow them
  let min = 0;
  for (let i = 1; i < cycle.length; i++) if ((cycle[i] ?? '') < (cycle[min] ?? '')) min = i;
  return [...cycle.slice(min), ...cycle.slice(0, min)];
}

/** One cycle of the graph (see TopoResult.cycle), or null when it is acyclic. */
export function findCycle(index: GraphIndex): NodeId[] | null {
  return topoOrder(index).cycle;
}
