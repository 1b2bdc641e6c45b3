import type { Edge, Node } from '@xyflow/react';
import type { EdgeId, GraphDocument, GraphEdge, GroupId, NodeId } from '../../src-shared/graph/document.js';
import { diagnosticsOf } from '../../src-shared/graph/infer.js';
import type { ShapeAnalysis } from '../../src-shared/graph/infer.js';
import { getId } from '../../src-shared/graph/records.js';
import { classifyEdges, edgeClass } from '../../src-shared/graph/skips.js';
import type { EdgeClass, EdgeRole } from '../../src-shared/graph/skips.js';
import { BLOCK_H, BLOCK_W, FRAME_PAD, NODE_H, NODE_W, WRAP_GAP, laneY } from './geometry.js';
import type { Direction, Rect } from './geometry.js';
import type { Selection } from './store.js';

/**
 * What React Flow draws, derived from the document: one node per visible layer, one node per
 * collapsed block (standing for all its members), a frame behind every expanded block, and one
 * edge per document edge between visible owners (edges inside a collapsed block vanish; edges
 * into or out of it attach to the block). Skip edges carry their lane (flow y) so they run above
 * the nodes they bypass.
 *
 * Objects are reused from one call to the next when nothing they depend on changed, so React Flow
 * and the memoized node components re-render only what an edit touched.
 */

export interface LayerData extends Record<string, unknown> {
  readonly nodeId: NodeId;
}
export interface BlockData extends Record<string, unknown> {
  readonly groupId: GroupId;
}
export interface FrameData extends Record<string, unknown> {
  readonly groupId: GroupId;
  readonly depth: number;
}
export interface ShapeEdgeData extends Record<string, unknown> {
  readonly edgeId: EdgeId;
  readonly role: EdgeRole;
  readonly level: number;
  /** Flow y (x top to bottom) of a skip's lane, or of the lane a wrapping main edge runs along between rows; null for other main-path edges. */
  readonly lane: number | null;
  /** A main-path edge from the end of one row (column) back to the start of the next. */
  readonly wrap: boolean;
  /** Where a wrapping edge leaves its lane for the target (before the frames around the target, clear of their headers); null: just before the target. */
  readonly drop: number | null;
  readonly dir: Direction;
  readonly error: boolean;
  /** Number of document edges this drawn edge stands for (edges merged by a collapsed block). */
  readonly count: number;
}

/** An edge between visible owners before it is drawn (its lane may still join a bundle). */
interface PendingEdge {
  readonly e: GraphEdge;
  readonly so: string;
  readonly to: string;
  readonly c: EdgeClass;
  lane: number | null;
  readonly wrap: boolean;
  readonly drop: number | null;
  readonly count: number;
  bundle?: boolean;
}

export type LayerFlowNode = Node<LayerData, 'layer'>;
export type BlockFlowNode = Node<BlockData, 'block'>;
export type FrameFlowNode = Node<FrameData, 'frame'>;
export type FlowNode = LayerFlowNode | BlockFlowNode | FrameFlowNode;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

export interface ViewInput {
  readonly doc: GraphDocument;
  readonly analysis: ShapeAnalysis;
  readonly selection: Selection;
}

export interface View {
  readonly nodes: FlowNode[];
  readonly edges: ShapeFlowEdge[];
  /** Flow-node id of what stands for each document node (itself or `block:<id>`). */
  readonly owner: ReadonlyMap<NodeId, string>;
}

/** Edges are drawn below the frames of expanded blocks (frames sit at -100 and up). */
export const EDGE_Z = -200;

export const blockNodeId = (g: GroupId): string => `block:${g}`;
export const frameNodeId = (g: GroupId): string => `frame:${g}`;

/** The group id of a block or frame flow node, or null for a layer. */
export function groupOfFlowNode(flowId: string): GroupId | null {
  if (flowId.startsWith('block:')) return flowId.slice('block:'.length);
  if (flowId.startsWith('frame:')) return flowId.slice('frame:'.length);
  return null;
}

const errorEdgeCache = new WeakMap<ShapeAnalysis, ReadonlySet<EdgeId>>();
/** Edges named by an error diagnostic (drawn red). */
export function errorEdges(analysis: ShapeAnalysis): ReadonlySet<EdgeId> {
  let s = errorEdgeCache.get(analysis);
  if (s === undefined) {
    const out = new Set<EdgeId>();
    for (const d of diagnosticsOf(analysis)) if (d.severity === 'error') for (const e of d.edgeIds) out.add(e);
    s = out;
    errorEdgeCache.set(analysis, s);
  }
  return s;
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

class Reuse<T> {
  private prev = new Map<string, { key: readonly unknown[]; value: T }>();
  private next = new Map<string, { key: readonly unknown[]; value: T }>();
  get(id: string, key: readonly unknown[], make: () => T): T {
    const hit = this.prev.get(id);
    const value = hit !== undefined && sameKey(hit.key, key) ? hit.value : make();
    this.next.set(id, { key, value });
    return value;
  }
  /** Ends a pass: what was not asked for is forgotten. */
  flip(): void {
    this.prev = this.next;
    this.next = new Map();
  }
}

function union(a: Rect | undefined, b: Rect): Rect {
  if (a === undefined) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** Makes a view function that reuses unchanged flow objects between calls. */
export function createViewModel(): (input: ViewInput) => View {
  const nodeReuse = new Reuse<FlowNode>();
  const edgeReuse = new Reuse<ShapeFlowEdge>();

  return ({ doc, analysis, selection }) => {
    const dir: Direction = doc.meta.view?.direction ?? 'LR';
    // Flow coordinates of a rect: u along the flow, v across it.
    const u0 = (r: Rect): number => (dir === 'TB' ? r.y : r.x);
    const u1 = (r: Rect): number => (dir === 'TB' ? r.y + r.height : r.x + r.width);
    const v0 = (r: Rect): number => (dir === 'TB' ? r.x : r.y);
    const v1 = (r: Rect): number => (dir === 'TB' ? r.x + r.width : r.y + r.height);
    // The outermost collapsed block around each block (or null), and the depth of each block.
    const collapsedAround = new Map<GroupId, GroupId | null>();
    const depth = new Map<GroupId, number>();
    const resolve = (g: GroupId, seen: Set<GroupId> = new Set()): GroupId | null => {
      const known = collapsedAround.get(g);
      if (known !== undefined) return known;
      const rec = getId(doc.groups, g);
      if (rec === undefined || seen.has(g)) return null;
      seen.add(g);
      const parent = rec.parent !== undefined && getId(doc.groups, rec.parent) !== undefined ? rec.parent : undefined;
      const outer = parent === undefined ? null : resolve(parent, seen);
      depth.set(g, parent === undefined ? 0 : (depth.get(parent) ?? 0) + 1);
      const mine = outer ?? (rec.collapsed ? g : null);
      collapsedAround.set(g, mine);
      return mine;
    };
    for (const g of Object.keys(doc.groups)) resolve(g);

    // Owners, collapsed block rects, and the items each expanded frame directly contains.
    const owner = new Map<NodeId, string>();
    const rects = new Map<string, Rect>();
    const blockRect = new Map<GroupId, Rect>();
    const directItems = new Map<GroupId, Rect[]>();
    const layerNodes: FlowNode[] = [];
    for (const n of Object.values(doc.nodes)) {
      const around = n.group === undefined ? null : (collapsedAround.get(n.group) ?? null);
      if (around !== null) {
        owner.set(n.id, blockNodeId(around));
        const r = { x: n.position.x, y: n.position.y, width: 0, height: 0 };
        blockRect.set(around, union(blockRect.get(around), r));
        continue;
      }
      owner.set(n.id, n.id);
      const r: Rect = { x: n.position.x, y: n.position.y, width: NODE_W, height: NODE_H };
      rects.set(n.id, r);
      if (n.group !== undefined && getId(doc.groups, n.group) !== undefined) {
        const list = directItems.get(n.group) ?? [];
        list.push(r);
        directItems.set(n.group, list);
      }
      const selected = selection.nodes.has(n.id);
      layerNodes.push(
        nodeReuse.get(n.id, [n, selected], () => ({
          id: n.id,
          type: 'layer',
          position: { x: n.position.x, y: n.position.y },
          data: { nodeId: n.id },
          selected,
          width: NODE_W,
          height: NODE_H,
        })),
      );
    }

    const blockNodes: FlowNode[] = [];
    for (const [g, bbox] of blockRect) {
      const id = blockNodeId(g);
      const r: Rect = { x: bbox.x, y: bbox.y, width: BLOCK_W, height: BLOCK_H };
      rects.set(id, r);
      const rec = getId(doc.groups, g);
      if (rec?.parent !== undefined && getId(doc.groups, rec.parent) !== undefined) {
        const list = directItems.get(rec.parent) ?? [];
        list.push(r);
        directItems.set(rec.parent, list);
      }
      const selected = selection.group === g;
      blockNodes.push(
        nodeReuse.get(id, [r.x, r.y, selected, rec], () => ({
          id,
          type: 'block',
          position: { x: r.x, y: r.y },
          data: { groupId: g },
          selected,
          width: BLOCK_W,
          height: BLOCK_H,
        })),
      );
    }

    // Frames of expanded, visible blocks: deepest first, each around its items and child frames.
    const frames: FlowNode[] = [];
    const expanded = Object.values(doc.groups)
      .filter((g) => collapsedAround.get(g.id) === null)
      .sort((a, b) => (depth.get(b.id) ?? 0) - (depth.get(a.id) ?? 0) || (a.id < b.id ? -1 : 1));
    const frameRect = new Map<GroupId, Rect>();
    for (const g of expanded) {
      let content: Rect | undefined;
      for (const r of directItems.get(g.id) ?? []) content = union(content, r);
      for (const c of Object.values(doc.groups)) if (c.parent === g.id && frameRect.has(c.id)) content = union(content, frameRect.get(c.id) as Rect);
      if (content === undefined) continue;
      const r: Rect = {
        x: content.x - FRAME_PAD.side,
        y: content.y - FRAME_PAD.top,
        width: content.width + 2 * FRAME_PAD.side,
        height: content.height + FRAME_PAD.top + FRAME_PAD.bottom,
      };
      frameRect.set(g.id, r);
      const id = frameNodeId(g.id);
      const selected = selection.group === g.id;
      const d = depth.get(g.id) ?? 0;
      frames.push(
        nodeReuse.get(id, [r.x, r.y, r.width, r.height, selected, g, d], () => ({
          id,
          type: 'frame',
          position: { x: r.x, y: r.y },
          data: { groupId: g.id, depth: d },
          selected,
          width: r.width,
          height: r.height,
          zIndex: -100 + d,
          dragHandle: '.frame-header',
          connectable: false,
        })),
      );
    }
    frames.sort((a, b) => (a.zIndex ?? 0) - (b.zIndex ?? 0));

    // The expanded frames around each visible owner, innermost first (skips clear the frames they pass over).
    const framesAround = (flowId: string): GroupId[] => {
      const g = groupOfFlowNode(flowId);
      const start = g !== null ? getId(doc.groups, g)?.parent : getId(doc.nodes, flowId)?.group;
      const out: GroupId[] = [];
      const seen = new Set<GroupId>();
      for (let cur = start; cur !== undefined && !seen.has(cur); cur = getId(doc.groups, cur)?.parent) {
        seen.add(cur);
        if (frameRect.has(cur)) out.push(cur);
      }
      return out;
    };

    // Edges between visible owners.
    const classes = classifyEdges(analysis);
    const errors = errorEdges(analysis);
    const edges: ShapeFlowEdge[] = [];
    const ends = (e: { source: NodeId; target: NodeId }): [string | undefined, string | undefined] => [owner.get(e.source), owner.get(e.target)];
    // Edges rerouted to the same pair of owners (through a collapsed block) are drawn once, with a count.
    const pairCount = new Map<string, number>();
    for (const e of Object.values(doc.edges)) {
      const [so, to] = ends(e);
      if (so === undefined || to === undefined || so === to || (so === e.source && to === e.target)) continue;
      const pair = `${so}\u0000${to}`;
      pairCount.set(pair, (pairCount.get(pair) ?? 0) + 1);
    }
    const drawn = new Set<string>();
    const pending: PendingEdge[] = [];
    for (const e of Object.values(doc.edges)) {
      const [so, to] = ends(e);
      if (so === undefined || to === undefined || so === to) continue;
      let count = 1;
      if (so !== e.source || to !== e.target) {
        const pair = `${so}\u0000${to}`;
        if (drawn.has(pair)) continue;
        drawn.add(pair);
        count = pairCount.get(pair) ?? 1;
      }
      const c = edgeClass(classes, e.id);
      let lane: number | null = null;
      if (c.role !== 'main') {
        const tops: number[] = [];
        for (const id of [so, to]) {
          const r = rects.get(id);
          if (r !== undefined) tops.push(v0(r));
        }
        const fs = new Set(framesAround(so));
        const ft = new Set(framesAround(to));
        const clear = (flowId: string): void => {
          for (const g of framesAround(flowId)) if (!(fs.has(g) && ft.has(g))) tops.push(v0(frameRect.get(g) as Rect));
        };
        clear(so);
        clear(to);
        const seenOwners = new Set<string>();
        for (const b of c.bypassed) {
          const o = owner.get(b) ?? '';
          if (seenOwners.has(o)) continue;
          seenOwners.add(o);
          const r = rects.get(o);
          if (r !== undefined) tops.push(v0(r));
          clear(o);
        }
        lane = laneY(tops, c.level);
      }
      // An edge into a target that starts before its source ends, further across the flow: the
      // chain wrapped there. It runs back along a lane below the source's row (a skip too, rather
      // than over everything above).
      let wrap = false;
      let drop: number | null = null;
      const sr = rects.get(so);
      const tr = rects.get(to);
      if (sr !== undefined && tr !== undefined && u0(tr) < u1(sr) && v0(tr) >= v1(sr)) {
        wrap = true;
        const around = new Set(framesAround(so));
        let bottom = v1(sr);
        const consider = (r: Rect): void => {
          if (v0(r) < v1(sr) && v1(r) > v0(sr) && u0(r) < u1(sr) && u1(r) > u0(tr) && v1(r) < v0(tr)) bottom = Math.max(bottom, v1(r));
        };
        for (const r of rects.values()) consider(r);
        for (const [g, r] of frameRect) if (!around.has(g)) consider(r);
        lane = Math.min(bottom + WRAP_GAP / 3, (bottom + v0(tr)) / 2);
        // Down beside the frames the target sits in (not across their headers).
        const shared = new Set(framesAround(so));
        for (const g of framesAround(to)) if (!shared.has(g)) drop = Math.min(drop ?? Infinity, u0(frameRect.get(g) as Rect) - 10);
      }
      pending.push({ e, so, to, c, lane, wrap, drop, count });
    }

    // A merge fed by three or more skips (a dense block's concatenation of every earlier layer):
    // its skips share the outermost lane, so they arrive as one bundle rather than a fan.
    const skipsInto = new Map<string, PendingEdge[]>();
    for (const p of pending) {
      if (p.c.role === 'main' || p.wrap || p.lane === null) continue;
      const list = skipsInto.get(p.to);
      if (list === undefined) skipsInto.set(p.to, [p]);
      else list.push(p);
    }
    for (const list of skipsInto.values()) {
      if (list.length < 3) continue;
      const outer = Math.min(...list.map((p) => p.lane as number));
      for (const p of list) {
        p.lane = outer;
        p.bundle = true;
      }
    }

    for (const { e, so, to, c, lane, wrap, drop, count, bundle } of pending) {
      const error = errors.has(e.id);
      const selected = selection.edges.has(e.id);
      edges.push(
        edgeReuse.get(e.id, [e, so, to, c.role, c.level, lane, error, selected, count, wrap, dir, bundle, drop], () => ({
          id: e.id,
          type: 'shape',
          source: so,
          target: to,
          data: { edgeId: e.id, role: c.role, level: c.level, lane, error, count, wrap, dir, drop },
          className: `role-${c.role}${error ? ' error' : ''}${bundle === true ? ' bundle' : ''}`,
          selected,
          // Under the (nearly transparent, click-through) block frames, so a frame's header stays
          // clickable where a skip's lane runs across it.
          zIndex: EDGE_Z,
        })),
      );
    }

    nodeReuse.flip();
    edgeReuse.flip();
    return { nodes: [...frames, ...blockNodes, ...layerNodes], edges, owner };
  };
}
