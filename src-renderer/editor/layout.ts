import { visibleOwner } from '../../src-shared/graph/blocks.js';
import type { GraphDocument, NodeId, Position } from '../../src-shared/graph/document.js';

/**
 * Evens out the columns of a left-to-right layout: every distinct column (nodes whose x lie within
 * half a node width of each other) is placed `step` pixels after the previous one. elkjs spaces
 * layers inside blocks (compound nodes) more tightly than at top level; on the canvas every gap
 * between layers must hold an edge's shape label, so the columns are made uniform. Order and
 * rows are kept.
 */
export function spreadColumns(positions: Readonly<Record<NodeId, Position>>, step: number, nodeWidth: number): Record<NodeId, Position> {
  const xs = [...new Set(Object.values(positions).map((p) => p.x))].sort((a, b) => a - b);
  const column = new Map<number, number>();
  let col = -1;
  let start = -Infinity;
  for (const x of xs) {
    if (x - start >= nodeWidth / 2) {
      col++;
      start = x;
    }
    column.set(x, col);
  }
  const out: Record<NodeId, Position> = {};
  for (const [id, p] of Object.entries(positions)) out[id] = { x: (column.get(p.x) ?? 0) * step, y: p.y };
  return out;
}

/**
 * Straightens the main path: walking in topological order, a node (or collapsed block) that sits
 * within `tolerance` pixels above or below its first input's row moves onto that row, unless that
 * would make it overlap another node of its column. elkjs leaves such small steps where ports
 * and compound padding meet; on the canvas they read as a wobbly line.
 */
export function straightenRows(
  doc: GraphDocument,
  positions: Readonly<Record<NodeId, Position>>,
  order: readonly NodeId[],
  size: { readonly width: number; readonly height: number },
  tolerance = 24,
): Record<NodeId, Position> {
  const out: Record<NodeId, Position> = {};
  for (const [id, p] of Object.entries(positions)) out[id] = { x: p.x, y: p.y };
  const unitOf = (id: NodeId): string => {
    const o = visibleOwner(doc, id);
    return o.kind === 'block' ? `block:${o.id}` : o.id;
  };
  const members = new Map<string, NodeId[]>();
  for (const id of order) {
    const u = unitOf(id);
    const list = members.get(u);
    if (list === undefined) members.set(u, [id]);
    else list.push(id);
  }
  const inputOf = new Map<NodeId, NodeId>();
  for (const e of Object.values(doc.edges)) if (e.targetPort === 0) inputOf.set(e.target, e.source);
  const posOf = (u: string): Position | undefined => out[members.get(u)?.[0] ?? ''];
  for (const [u, ids] of members) {
    const here = posOf(u);
    if (here === undefined) continue;
    let pred: string | undefined;
    for (const id of ids) {
      const src = inputOf.get(id);
      if (src !== undefined && unitOf(src) !== u) {
        pred = unitOf(src);
        break;
      }
    }
    const there = pred === undefined ? undefined : posOf(pred);
    if (there === undefined) continue;
    const dy = there.y - here.y;
    if (dy === 0 || Math.abs(dy) > tolerance) continue;
    const blocked = [...members.keys()].some((other) => {
      if (other === u) return false;
      const p = posOf(other);
      return p !== undefined && Math.abs(p.x - here.x) < size.width && Math.abs(p.y - there.y) < size.height;
    });
    if (blocked) continue;
    for (const id of ids) {
      const p = out[id];
      if (p !== undefined) out[id] = { x: p.x, y: p.y + dy };
    }
  }
  return out;
}
