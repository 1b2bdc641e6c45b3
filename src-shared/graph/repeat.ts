import type { EdgeId, GraphDocument, GraphEdge, GraphGroup, GraphNode, GroupId, NodeId } from './document.js';
import type { Diagnostic } from './diagnostics.js';
import { getId, newRecords } from './records.js';

/**
 * A block with `repeat` = N stands for N copies of itself in sequence: copy k's input is copy
 * k−1's output. The document keeps one copy (that is what the canvas shows and edits); shapes are
 * inferred on it, costs are counted N times, and the compiler and code generators unroll it.
 * For that to mean something a repeated block must have one way in and one way out, and keep its
 * shape; otherwise the block gets an error saying which.
 */

export interface BlockPorts {
  /** The node outside the block that feeds it (every edge into the block comes from it). */
  readonly source: NodeId;
  /** The edges from outside into the block. */
  readonly entryEdges: readonly GraphEdge[];
  /** The block member whose output leaves the block (every edge out of the block starts at it). */
  readonly exit: NodeId;
  readonly exitEdges: readonly GraphEdge[];
}

/** Every node in the group, including nested groups' nodes. */
export function membersOf(doc: GraphDocument, groupId: GroupId): Set<NodeId> {
  const inside = (g: GroupId | undefined): boolean => {
    const seen = new Set<GroupId>();
    while (g !== undefined && !seen.has(g)) {
      if (g === groupId) return true;
      seen.add(g);
      g = getId(doc.groups, g)?.parent;
    }
    return false;
  };
  const out = new Set<NodeId>();
  for (const id of Object.keys(doc.nodes)) if (inside(getId(doc.nodes, id)?.group)) out.add(id);
  return out;
}

export function blockPorts(doc: GraphDocument, groupId: GroupId): { ok: true; ports: BlockPorts } | { ok: false; message: string } {
  const members = membersOf(doc, groupId);
  const entry: GraphEdge[] = [];
  const exit: GraphEdge[] = [];
  for (const id of Object.keys(doc.edges)) {
    const e = getId(doc.edges, id);
    if (e === undefined) continue;
    const sIn = members.has(e.source);
    const tIn = members.has(e.target);
    if (!sIn && tIn) entry.push(e);
    if (sIn && !tIn) exit.push(e);
  }
  const sources = new Set(entry.map((e) => e.source));
  const exits = new Set(exit.map((e) => e.source));
  if (members.size === 0) return { ok: false, message: 'the block is empty' };
  if (sources.size !== 1) return { ok: false, message: `a repeated block needs exactly one input; it has ${sources.size}` };
  if (exits.size !== 1) return { ok: false, message: `a repeated block needs exactly one output; it has ${exits.size}` };
  return { ok: true, ports: { source: [...sources][0] as NodeId, entryEdges: entry, exit: [...exits][0] as NodeId, exitEdges: exit } };
}

/** How many times each node runs (the product of its enclosing blocks' repeats); only nodes > 1 are listed. */
export function repeatFactors(doc: GraphDocument): Map<NodeId, number> {
  const out = new Map<NodeId, number>();
  if (!Object.values(doc.groups).some((g) => g.repeat > 1)) return out;
  for (const id of Object.keys(doc.nodes)) {
    let f = 1;
    let g = getId(doc.nodes, id)?.group;
    const seen = new Set<GroupId>();
    while (g !== undefined && !seen.has(g)) {
      seen.add(g);
      const grp = getId(doc.groups, g);
      if (grp === undefined) break;
      f *= grp.repeat;
      g = grp.parent;
    }
    if (f > 1) out.set(id, f);
  }
  return out;
}

/** Errors for repeated blocks that do not have one way in and out, or change the shape. */
export function repeatDiagnostics(doc: GraphDocument, shapeOf: (id: NodeId) => readonly number[] | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const gid of Object.keys(doc.groups)) {
    const g = getId(doc.groups, gid);
    if (g === undefined || g.repeat <= 1) continue;
    const r = blockPorts(doc, gid);
    const label = `Block "${g.label || gid}" (×${g.repeat})`;
    if (!r.ok) {
      out.push({ severity: 'error', code: 'repeat-structure', message: `${label}: ${r.message}`, edgeIds: [], nodeIds: [...membersOf(doc, gid)], groupId: gid });
      continue;
    }
    const a = shapeOf(r.ports.source);
    const b = shapeOf(r.ports.exit);
    if (a !== null && b !== null && (a.length !== b.length || a.some((v, i) => v !== b[i]))) {
      out.push({
        severity: 'error',
        code: 'repeat-shape',
        message: `${label}: a repeated block must keep its shape — [${a.join(',')}] in from "${r.ports.source}", [${b.join(',')}] out of "${r.ports.exit}"`,
        nodeId: r.ports.exit,
        edgeIds: r.ports.entryEdges.map((e) => e.id),
        nodeIds: [...membersOf(doc, gid)],
        groupId: gid,
      });
    }
  }
  return out;
}

/** Suffix of the k-th copy's ids (k ≥ 2). */
export function copySuffix(k: number): string {
  return `__r${k}`;
}

/**
 * The document with every repeated block unrolled (innermost first): copies 2..N of the members
 * get ids `<id>__r<k>`, copy k is fed by copy k−1's exit, and what used the block's output now
 * uses the last copy's. Blocks that cannot be unrolled are left as one copy (their error says why).
 */
export function expandRepeats(doc: GraphDocument): GraphDocument {
  let cur = doc;
  for (let guard = 0; guard < 1000; guard++) {
    const next = Object.values(cur.groups).find(
      (g) => g.repeat > 1 && !Object.values(cur.groups).some((c) => c.repeat > 1 && c.id !== g.id && isInside(cur, c.id, g.id)),
    );
    if (next === undefined) return cur;
    cur = unroll(cur, next);
  }
  return cur;
}

function isInside(doc: GraphDocument, inner: GroupId, outer: GroupId): boolean {
  let g = getId(doc.groups, inner)?.parent;
  const seen = new Set<GroupId>();
  while (g !== undefined && !seen.has(g)) {
    if (g === outer) return true;
    seen.add(g);
    g = getId(doc.groups, g)?.parent;
  }
  return false;
}

function unroll(doc: GraphDocument, g: GraphGroup): GraphDocument {
  const groups = newRecords<GraphGroup>();
  for (const id of Object.keys(doc.groups)) {
    const x = getId(doc.groups, id) as GraphGroup;
    groups[id] = id === g.id ? { ...x, repeat: 1 } : x;
  }
  const r = blockPorts(doc, g.id);
  if (!r.ok) return { ...doc, groups };
  const members = membersOf(doc, g.id);
  const nodes = newRecords<GraphNode>();
  const edges = newRecords<GraphEdge>();
  for (const id of Object.keys(doc.nodes)) nodes[id] = getId(doc.nodes, id) as GraphNode;
  const exitEdgeIds = new Set<EdgeId>(r.ports.exitEdges.map((e) => e.id));
  for (const id of Object.keys(doc.edges)) {
    const e = getId(doc.edges, id) as GraphEdge;
    if (!exitEdgeIds.has(id)) edges[id] = e;
  }
  const internal = Object.values(doc.edges).filter((e) => members.has(e.source) && members.has(e.target));
  // Copies are <id>__r<k>; when that id is taken (a block nested in another repeated block was
  // unrolled first), _2, _3, … is appended, deterministically.
  const fresh = (records: Record<string, unknown>, base: string): string => {
    let id = base;
    for (let n = 2; getId(records, id) !== undefined; n++) id = `${base}_${n}`;
    return id;
  };
  let prevExit = r.ports.exit;
  for (let k = 2; k <= g.repeat; k++) {
    const sfx = copySuffix(k);
    const rename = new Map<NodeId, NodeId>();
    for (const m of members) {
      const n = getId(doc.nodes, m) as GraphNode;
      const id = fresh(nodes, m + sfx);
      rename.set(m, id);
      nodes[id] = { ...n, id, ...(n.label !== undefined ? { label: `${n.label}${sfx}` } : {}) };
    }
    const to = (id: NodeId): NodeId => rename.get(id) ?? id;
    for (const e of internal) {
      const id = fresh(edges, e.id + sfx);
      edges[id] = { ...e, id, source: to(e.source), target: to(e.target) };
    }
    for (const e of r.ports.entryEdges) {
      const id = fresh(edges, e.id + sfx);
      edges[id] = { ...e, id, source: prevExit, target: to(e.target) };
    }
    prevExit = to(r.ports.exit);
  }
  for (const e of r.ports.exitEdges) edges[e.id] = { ...e, source: prevExit };
  return { ...doc, nodes, edges, groups };
}
