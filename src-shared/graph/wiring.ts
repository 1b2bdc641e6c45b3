import { getLayer } from '../layers/registry.js';
import type { EdgeId, GraphDocument, GraphEdge, NodeId, Position } from './document.js';
import { addNode, connect, disconnect, insertBetween, moveNodes, nextFreePort, sequence } from './ops.js';
import type { OpResult, Step } from './ops.js';
import { getId } from './records.js';
import { buildIndex, findPath, inputsOf } from './topo.js';
import type { GraphIndex } from './topo.js';

/**
 * Wiring decisions the canvas asks while a person drags a connection: may `source` feed `target`,
 * and if the target's inputs are all taken, how a skip joins it through a merge node (Add or
 * Concat). Pure; the canvas shows `reason` while dragging and never decides on its own.
 */

export type ConnectionCheck =
  /** Connect straight into the target's lowest free input port. */
  | { readonly ok: true; readonly action: 'connect'; readonly port: number }
  /** The target's inputs are all taken: ask Add or Concat and join through a merge node. */
  | { readonly ok: true; readonly action: 'merge'; readonly occupied: readonly EdgeId[] }
  | { readonly ok: false; readonly reason: string };

function title(doc: GraphDocument, id: NodeId): string {
  const n = getId(doc.nodes, id);
  if (n === undefined) return `"${id}"`;
  const kind = getLayer(n.kind)?.label ?? n.kind;
  return `${kind} "${n.label !== undefined && n.label !== '' ? n.label : n.id}"`;
}

/**
 * Whether `source`'s output may be wired into `target`: refuses a missing node, a self-loop, a
 * target that takes no inputs, an edge that already exists and a cycle (naming its path). Pass the
 * document's index (the shape engine's `analysis.index`) to skip rebuilding it on every hover.
 */
export function checkConnection(doc: GraphDocument, source: NodeId, target: NodeId, index?: GraphIndex): ConnectionCheck {
  const s = getId(doc.nodes, source);
  const t = getId(doc.nodes, target);
  if (s === undefined) return { ok: false, reason: `there is no node "${source}"` };
  if (t === undefined) return { ok: false, reason: `there is no node "${target}"` };
  if (source === target) return { ok: false, reason: `${title(doc, source)} cannot feed itself` };
  const def = getLayer(t.kind);
  if (def !== undefined && def.arity.max === 0) return { ok: false, reason: `${title(doc, target)} takes no inputs` };
  const idx = index ?? buildIndex(doc);
  const into = inputsOf(idx, target);
  if (into.some((e) => e.source === source)) return { ok: false, reason: `${title(doc, source)} already feeds ${title(doc, target)}` };
  const back = findPath(idx, target, source);
  if (back !== null) {
    return { ok: false, reason: `would make a cycle: ${[...back, target].map((id) => `"${id}"`).join(' → ')} (${title(doc, target)} already feeds ${title(doc, source)})` };
  }
  const max = def?.arity.max ?? null;
  if (max === null || into.length < max) {
    const port = nextFreePort(doc, target);
    if (max === null || port < max) return { ok: true, action: 'connect', port };
  }
  return { ok: true, action: 'merge', occupied: into.map((e) => e.id) };
}

export type MergeKind = 'Add' | 'Concat';
/**
 * Where the merge goes: `after` joins the target's OUTPUT with the source (y = F(x) + x, the target's
 * consumers then read the merge); `before` joins the target's first INPUT with the source.
 */
export type MergePlace = 'after' | 'before';

export interface JoinArgs {
  readonly source: NodeId;
  readonly target: NodeId;
  readonly kind: MergeKind;
  readonly place: MergePlace;
  /** Where the merge node goes; default next to the target (right of it for `after`, at it for `before`). */
  readonly position?: Position;
  /** Nodes to move out of the way, and by how much (one edit with the join). */
  readonly makeRoom?: { readonly ids: readonly NodeId[]; readonly by: Position };
}

/**
 * Joins `source` into `target` through a new Add or Concat node, as one edit. `after`: target → merge
 * (port 0), source → merge (port 1), and every edge out of the target now leaves the merge on the
 * same port. `before`: the merge is inserted on the target's input 0 (that input on port 0, source
 * on port 1). The merge joins the target's block. Fails (nothing changes) on a cycle.
 */
export function joinWithMerge(doc: GraphDocument, args: JoinArgs): OpResult<{ mergeId: NodeId }> {
  const t = getId(doc.nodes, args.target);
  if (t === undefined) return { ok: false, error: { code: 'not-found', message: `there is no node "${args.target}"` } };
  if (getId(doc.nodes, args.source) === undefined) return { ok: false, error: { code: 'not-found', message: `there is no node "${args.source}"` } };
  let mergeId = '';
  const steps: Step[] = [];
  if (args.makeRoom !== undefined && args.makeRoom.ids.length > 0) {
    const room = args.makeRoom;
    steps.push((d) => moveNodes(d, { ids: room.ids, by: room.by }));
  }
  if (args.place === 'after') {
    const position = args.position ?? { x: t.position.x + 240, y: t.position.y };
    const outs: GraphEdge[] = Object.values(doc.edges).filter((e) => e.source === args.target);
    steps.push((d) => {
      const r = addNode(d, { kind: args.kind, position, ...(t.group === undefined ? {} : { group: t.group }) });
      if (r.ok) mergeId = r.nodeId;
      return r;
    });
    if (outs.length > 0) steps.push((d) => disconnect(d, { edgeIds: outs.map((e) => e.id) }));
    for (const e of outs) steps.push((d) => connect(d, { source: mergeId, target: e.target, targetPort: e.targetPort }));
    steps.push((d) => connect(d, { source: args.target, target: mergeId, targetPort: 0 }));
    steps.push((d) => connect(d, { source: args.source, target: mergeId, targetPort: 1 }));
  } else {
    const first = Object.values(doc.edges)
      .filter((e) => e.target === args.target)
      .sort((a, b) => a.targetPort - b.targetPort)[0];
    if (first === undefined) return { ok: false, error: { code: 'not-found', message: `"${args.target}" has no input to join` } };
    const position = args.position ?? { x: t.position.x, y: t.position.y };
    steps.push((d) => {
      const r = insertBetween(d, { edgeId: first.id, kind: args.kind, position, ...(t.group === undefined ? {} : { group: t.group }) });
      if (r.ok) mergeId = r.nodeId;
      return r;
    });
    steps.push((d) => connect(d, { source: args.source, target: mergeId, targetPort: 1 }));
  }
  const r = sequence(doc, steps);
  return r.ok ? { ...r, mergeId } : r;
}
