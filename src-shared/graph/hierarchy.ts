import type { GraphDocument, GroupId } from './document.js';
import { emptyDiff } from './diff.js';
import { sequence, setCollapsed } from './ops.js';
import type { OpResult, Step } from './ops.js';
import { getId } from './records.js';

/**
 * A network's blocks as a hierarchy a person reads top-down: each block's depth (0 for the
 * top-level blocks, 1 for the blocks inside them, …) and the edits that open it to a depth —
 * Expand all, Collapse all, Collapse to depth N — as one pure operation (one undo step).
 */

/** Depth of every block: 0 at top level, one more per enclosing block (a missing parent or a loop counts as top level). */
export function groupDepths(doc: GraphDocument): Map<GroupId, number> {
  const depth = new Map<GroupId, number>();
  const visit = (g: GroupId, seen: Set<GroupId>): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    const rec = getId(doc.groups, g);
    const parent = rec?.parent;
    let d = 0;
    if (parent !== undefined && getId(doc.groups, parent) !== undefined && !seen.has(parent)) {
      seen.add(g);
      d = visit(parent, seen) + 1;
    }
    depth.set(g, d);
    return d;
  };
  for (const g of Object.keys(doc.groups)) visit(g, new Set());
  return depth;
}

/** How deep the blocks nest: 0 without blocks, 1 with only top-level blocks, … */
export function hierarchyDepth(doc: GraphDocument): number {
  let max = 0;
  for (const d of groupDepths(doc).values()) max = Math.max(max, d + 1);
  return max;
}

/**
 * The collapsed flag each block gets when the network is opened to `depth` levels: blocks
 * shallower than `depth` expanded, the others collapsed. `depth` 0 collapses everything (the
 * network reads as its top-level blocks); Infinity expands everything.
 */
export function collapsedAtDepth(doc: GraphDocument, depth: number): Map<GroupId, boolean> {
  const out = new Map<GroupId, boolean>();
  for (const [g, d] of groupDepths(doc)) out.set(g, d >= depth);
  return out;
}

/** Opens the network to `depth` levels (see collapsedAtDepth) as one edit; blocks already right are untouched. */
export function collapseToDepth(doc: GraphDocument, depth: number): OpResult {
  const steps: Step[] = [];
  for (const [g, collapsed] of collapsedAtDepth(doc, depth)) {
    if (getId(doc.groups, g)?.collapsed !== collapsed) steps.push((d) => setCollapsed(d, { groupId: g, collapsed }));
  }
  if (steps.length === 0) return { ok: true, doc, diff: emptyDiff() };
  return sequence(doc, steps);
}

/** The depth the network is opened to now: the shallowest collapsed visible block's depth, or Infinity when all are expanded. */
export function openDepth(doc: GraphDocument): number {
  const depths = groupDepths(doc);
  let open = Infinity;
  for (const [g, d] of depths) {
    const rec = getId(doc.groups, g);
    if (rec?.collapsed === true) open = Math.min(open, d);
  }
  return open;
}
