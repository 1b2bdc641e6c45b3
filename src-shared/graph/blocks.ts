import type { Shape } from '../layers/types.js';
import type { GraphDocument, GraphEdge, GroupId, NodeId } from './document.js';
import type { ShapeAnalysis } from './infer.js';
import { getId } from './records.js';

/**
 * Blocks (groups) as an editor shows them: which block a node sits in (transitively), which node
 * or collapsed block stands for it on the canvas, and what a collapsed block summarises — its
 * members, the edges crossing its boundary, its output shape, params and FLOPs (from the shape
 * engine's analysis, never recomputed).
 */

/** The chain of blocks around a node or block, innermost first (stops at a missing parent or a loop). */
export function ancestry(doc: GraphDocument, group: GroupId | undefined): GroupId[] {
  const out: GroupId[] = [];
  const seen = new Set<GroupId>();
  for (let g = group; g !== undefined && !seen.has(g); ) {
    const rec = getId(doc.groups, g);
    if (rec === undefined) break;
    seen.add(g);
    out.push(g);
    g = rec.parent;
  }
  return out;
}

/** What stands for a node on the canvas: itself, or the OUTERMOST collapsed block around it. */
export type VisibleOwner = { readonly kind: 'node'; readonly id: NodeId } | { readonly kind: 'block'; readonly id: GroupId };

export function visibleOwner(doc: GraphDocument, nodeId: NodeId): VisibleOwner {
  const node = getId(doc.nodes, nodeId);
  let owner: VisibleOwner = { kind: 'node', id: nodeId };
  if (node === undefined) return owner;
  for (const g of ancestry(doc, node.group)) if (getId(doc.groups, g)?.collapsed === true) owner = { kind: 'block', id: g };
  return owner;
}

/** True when the block is hidden inside a collapsed block around it. */
export function isBlockHidden(doc: GraphDocument, groupId: GroupId): boolean {
  const rec = getId(doc.groups, groupId);
  if (rec === undefined) return true;
  return ancestry(doc, rec.parent).some((g) => getId(doc.groups, g)?.collapsed === true);
}

export interface BlockSummary {
  readonly id: GroupId;
  /** Every node inside the block, nested blocks included, in topological order where known. */
  readonly members: readonly NodeId[];
  /** Edges from outside into the block. */
  readonly inputs: readonly GraphEdge[];
  /** Edges from the block to outside. */
  readonly outputs: readonly GraphEdge[];
  /** The shape leaving the block: its output edge's source latest in topological order (the main path, not a skip taken from inside), else its last member's. */
  readonly outputShape: Shape | null;
  readonly params: number;
  readonly flops: number;
  /** Error diagnostics on member nodes. */
  readonly errors: number;
}

const summaryCache = new WeakMap<ShapeAnalysis, ReadonlyMap<GroupId, BlockSummary>>();

/** A summary of every block of the analysed document (memoized per analysis). */
export function blockSummaries(analysis: ShapeAnalysis): ReadonlyMap<GroupId, BlockSummary> {
  const hit = summaryCache.get(analysis);
  if (hit !== undefined) return hit;
  const doc = analysis.doc;
  const members = new Map<GroupId, NodeId[]>();
  for (const id of Object.keys(doc.groups)) members.set(id, []);
  const ordered = [...analysis.order, ...analysis.blocked];
  const inBlocks = new Map<NodeId, ReadonlySet<GroupId>>();
  for (const id of ordered) {
    const n = getId(doc.nodes, id);
    if (n === undefined || n.group === undefined) continue;
    const chain = ancestry(doc, n.group);
    inBlocks.set(id, new Set(chain));
    for (const g of chain) members.get(g)?.push(id);
  }
  const out = new Map<GroupId, BlockSummary>();
  for (const [g, ids] of members) {
    const inputs: GraphEdge[] = [];
    const outputs: GraphEdge[] = [];
    let params = 0;
    let flops = 0;
    let errors = 0;
    for (const id of ids) {
      const info = analysis.nodes.get(id);
      if (info !== undefined) {
        params += info.cost?.params ?? 0;
        flops += info.cost?.flops ?? 0;
        errors += info.diagnostics.filter((d) => d.severity === 'error').length;
      }
      for (const e of analysis.index.incoming.get(id) ?? []) if (inBlocks.get(e.source)?.has(g) !== true) inputs.push(e);
      for (const e of analysis.index.outgoing.get(id) ?? []) if (inBlocks.get(e.target)?.has(g) !== true) outputs.push(e);
    }
    const rank = new Map(ids.map((id, i) => [id, i]));
    let last = ids[ids.length - 1];
    let best = -1;
    for (const e of outputs) {
      const r = rank.get(e.source) ?? -1;
      if (r > best) {
        best = r;
        last = e.source;
      }
    }
    const outputShape = last === undefined ? null : (analysis.nodes.get(last)?.shape ?? null);
    out.set(g, { id: g, members: ids, inputs, outputs, outputShape, params, flops, errors });
  }
  summaryCache.set(analysis, out);
  return out;
}
