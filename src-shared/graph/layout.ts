import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphDocument, GroupId, NodeId, Position } from './document.js';
import { inferShapes } from './infer.js';
import { getId } from './records.js';
import { classifyEdges } from './skips.js';

/**
 * Auto-layout that reads like the papers' figures, block by block.
 *
 * The document is a tree of containers: the network itself and every visible expanded block.
 * Each container's direct items — layers, collapsed blocks (one box) and expanded child blocks
 * (their own laid-out rectangle) — are placed by elkjs's layered algorithm as a flat graph, in the
 * flow direction (left-to-right or top-to-bottom), bottom-up, so an expanded block is a compact
 * rectangle its parent places like any other item. Then:
 *   - a long chain WRAPS into rows (left-to-right) or columns (top-to-bottom) aiming at `aspect`,
 *     cutting only where nothing but the main path crosses (never through a residual unit);
 *   - an encoder–decoder (long skips nested inside one another, across resolutions: U-Net, FCN)
 *     is laid out as a U: one row per resolution level, the encoder going down, the bottom level
 *     lowest, the decoder coming back up, each long skip straight across at its level.
 *
 * Everything is computed in flow coordinates (u along the flow, v across it) and turned into x/y
 * at the end, so both directions share one implementation. Pure apart from elkjs; deterministic.
 */

export type LayoutDirection = 'LR' | 'TB';

export interface LayoutOptions {
  /** Size the canvas draws a layer at (layout needs it to avoid overlaps). */
  nodeWidth: number;
  nodeHeight: number;
  /** Size the canvas draws a collapsed block at. */
  blockWidth: number;
  blockHeight: number;
  /** Gap between layers along the flow, and between parallel items across it. */
  layerGap: number;
  nodeGap: number;
  direction: LayoutDirection;
  /** Width ÷ height a long chain aims at when it wraps; 0 never wraps. */
  aspect: number;
  /** An expanded block's frame around its items (its header sits in `top`). */
  framePad: { readonly top: number; readonly side: number; readonly bottom: number };
  /** Room kept before a container's items across the flow (above them left-to-right) for skip lanes. */
  laneRoom: number;
  /** Gap between wrapped rows (or columns) and between the levels of a U. */
  wrapGap: number;
  /** Lay an encoder–decoder out as a U. */
  uShape: boolean;
  /** A container shorter than this along the flow stays on one line. */
  minWrap: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  nodeWidth: 190,
  nodeHeight: 72,
  blockWidth: 190,
  blockHeight: 72,
  layerGap: 70,
  nodeGap: 36,
  direction: 'LR',
  aspect: 0,
  framePad: { top: 34, side: 16, bottom: 16 },
  laneRoom: 0,
  wrapGap: 60,
  uShape: true,
  minWrap: 3000,
};

export interface LayoutResult {
  /** Top-left position of every node (members of a collapsed block get the block's position). */
  positions: Record<NodeId, Position>;
  /** Bounds of every visible expanded block's frame. */
  groups: Record<string, { x: number; y: number; width: number; height: number }>;
  /** Whether the network was laid out as a U (an encoder–decoder). */
  uShape: boolean;
}

const elk = new ELK();

/** A placed thing in flow coordinates: u along the flow, v across it; su/sv its extent. */
interface Box {
  u: number;
  v: number;
  su: number;
  sv: number;
}

/** An item of a container: a layer, a collapsed block, or an expanded block (a container itself). */
interface Item extends Box {
  readonly id: string;
  readonly kind: 'node' | 'block' | 'frame';
  /** Topological rank of the item's first member (order along the flow). */
  rank: number;
}

interface Container {
  readonly id: string;
  readonly items: Item[];
  /** Edges between this container's items (lifted from the document's edges). */
  readonly edges: [string, string][];
  /** Items that edges from outside the container enter, and items edges leave it from. */
  readonly entered: string[];
  readonly left: string[];
}

const ROOT = 'root';
const frameKey = (g: GroupId): string => `frame:${g}`;
const blockKey = (g: GroupId): string => `block:${g}`;

/**
 * Lays the document out. Positions are for every node; a node inside a collapsed block sits at
 * the block's position (expanding the block lays its members out again).
 */
export async function layoutDocument(doc: GraphDocument, opts: Partial<LayoutOptions> = {}): Promise<LayoutResult> {
  const o: LayoutOptions = { ...DEFAULT_LAYOUT, ...opts };
  const tb = o.direction === 'TB';
  // Sizes and pads in flow coordinates.
  const nodeSize = tb ? { su: o.nodeHeight, sv: o.nodeWidth } : { su: o.nodeWidth, sv: o.nodeHeight };
  const blockSize = tb ? { su: o.blockHeight, sv: o.blockWidth } : { su: o.blockWidth, sv: o.blockHeight };
  const pad = tb
    ? { uBefore: o.framePad.top, uAfter: o.framePad.bottom, vBefore: o.framePad.side, vAfter: o.framePad.side }
    : { uBefore: o.framePad.side, uAfter: o.framePad.side, vBefore: o.framePad.top, vAfter: o.framePad.bottom };
  const aspectUV = o.aspect <= 0 ? 0 : tb ? 1 / o.aspect : o.aspect;

  // The visible structure: what stands for each node, and which container each item sits in.
  const groupOk = (g: GroupId | undefined): g is GroupId => g !== undefined && getId(doc.groups, g) !== undefined;
  const chainOf = (g: GroupId | undefined): GroupId[] => {
    const out: GroupId[] = [];
    const seen = new Set<GroupId>();
    for (let cur = g; groupOk(cur) && !seen.has(cur); cur = getId(doc.groups, cur)?.parent) {
      seen.add(cur);
      out.push(cur);
    }
    return out; // innermost first
  };
  /** Item key standing for a node: itself or the outermost collapsed block around it. */
  const standFor = new Map<NodeId, string>();
  /** Container of an item key. */
  const containerOf = new Map<string, string>();
  /** Parent container of each visible expanded block (frame key → container id). */
  const nodeIds = Object.keys(doc.nodes);
  for (const id of nodeIds) {
    const chain = chainOf(getId(doc.nodes, id)?.group);
    let outer = -1;
    for (let i = chain.length - 1; i >= 0; i--) {
      if (getId(doc.groups, chain[i] as GroupId)?.collapsed === true) {
        outer = i;
        break;
      }
    }
    // The visible part of the chain: the blocks outside the outermost collapsed one (all expanded).
    const visible = outer === -1 ? chain : chain.slice(outer + 1);
    const item = outer === -1 ? id : blockKey(chain[outer] as GroupId);
    standFor.set(id, item);
    // visible[0] is the innermost expanded block holding the item; each expanded block sits in the next.
    containerOf.set(item, visible[0] !== undefined ? frameKey(visible[0]) : ROOT);
    for (let i = 0; i < visible.length; i++) {
      const g = visible[i] as GroupId;
      const parent = visible[i + 1];
      containerOf.set(frameKey(g), parent !== undefined ? frameKey(parent) : ROOT);
    }
  }

  // Topological rank of nodes (order along the flow), from the shape engine's order.
  const analysis = inferShapes(doc);
  const rankOf = new Map<NodeId, number>();
  [...analysis.order, ...analysis.blocked].forEach((id, i) => rankOf.set(id, i));

  // Containers and their items.
  const containers = new Map<string, Container>();
  const containerFor = (id: string): Container => {
    let c = containers.get(id);
    if (c === undefined) {
      c = { id, items: [], edges: [], entered: [], left: [] };
      containers.set(id, c);
    }
    return c;
  };
  containerFor(ROOT);
  const items = new Map<string, Item>();
  const ensureItem = (key: string): void => {
    if (items.has(key)) return;
    const kind = key.startsWith('frame:') ? 'frame' : key.startsWith('block:') ? 'block' : 'node';
    const size = kind === 'block' ? blockSize : nodeSize;
    const item: Item = { id: key, kind, u: 0, v: 0, su: size.su, sv: size.sv, rank: Number.MAX_SAFE_INTEGER };
    items.set(key, item);
    const parent = containerOf.get(key) ?? ROOT;
    containerFor(parent).items.push(item);
    if (kind === 'frame') containerFor(key);
    if (parent !== ROOT) ensureItem(parent);
  };
  for (const id of nodeIds) {
    const key = standFor.get(id) as string;
    ensureItem(key);
    const r = rankOf.get(id) ?? Number.MAX_SAFE_INTEGER;
    // An item's rank is its earliest member's; so is every enclosing frame's.
    for (let k: string | undefined = key; k !== undefined && k !== ROOT; k = containerOf.get(k)) {
      const it = items.get(k);
      if (it !== undefined && r < it.rank) it.rank = r;
    }
  }
  /** The chain of item keys from an item up to the root (the item first). */
  const upChain = (key: string): string[] => {
    const out: string[] = [];
    for (let k: string | undefined = key; k !== undefined && k !== ROOT; k = containerOf.get(k)) out.push(k);
    return out;
  };

  // Lift every edge to the container holding both ends: an edge between the two children there.
  const edgeSeen = new Set<string>();
  const longEdges: { from: string; to: string; res: number }[] = [];
  const classes = classifyEdges(analysis);
  for (const e of Object.values(doc.edges)) {
    const s = standFor.get(e.source);
    const t = standFor.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    const sc = upChain(s);
    const tc = upChain(t);
    const tSet = new Set(tc);
    // Lowest common container: the first container on s's chain that is also on t's (or the root).
    let common = ROOT;
    let sChild = sc[sc.length - 1] as string;
    for (let i = 0; i < sc.length; i++) {
      const parent = containerOf.get(sc[i] as string) ?? ROOT;
      if (parent === ROOT || tSet.has(parent)) {
        common = parent;
        sChild = sc[i] as string;
        break;
      }
    }
    const tChild = tc.find((k) => (containerOf.get(k) ?? ROOT) === common);
    if (tChild === undefined || tChild === sChild) continue;
    const key = `${sChild}\u0000${tChild}`;
    if (!edgeSeen.has(key)) {
      edgeSeen.add(key);
      containerFor(common).edges.push([sChild, tChild]);
    }
    // Below the common container the edge leaves (enters) each container around its source (target):
    // every such edge counts, a shortcut into a unit as much as the main path.
    for (const k of sc.slice(0, sc.indexOf(sChild))) containerFor(containerOf.get(k) ?? ROOT).left.push(k);
    for (const k of tc.slice(0, tc.indexOf(tChild))) containerFor(containerOf.get(k) ?? ROOT).entered.push(k);
    if (common === ROOT && classes.get(e.id)?.role === 'long-skip') {
      const shape = analysis.nodes.get(e.source)?.shape ?? null;
      const res = shape !== null && shape.length >= 3 ? (shape[0] ?? 0) * (shape[1] ?? 0) : 0;
      longEdges.push({ from: sChild, to: tChild, res });
    }
  }

  // Lay containers out bottom-up: children before parents.
  const depthOf = (id: string): number => upChain(id).length;
  const order = [...containers.keys()].sort((a, b) => depthOf(b) - depthOf(a) || (a < b ? -1 : 1));
  /** Where each container's items start inside its item box (after the frame pad and lane room). */
  const contentOrigin = new Map<string, { u: number; v: number }>();
  let uLaid = false;
  /** Identical containers (the units of a stage) are laid out by elkjs once. */
  const laidShapes = new Map<string, readonly Box[]>();
  for (const id of order) {
    const c = containers.get(id) as Container;
    c.items.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
    let size: { su: number; sv: number };
    const u = id === ROOT && o.uShape ? uLayout(c, longEdges, o) : null;
    if (u !== null) {
      size = u;
      uLaid = true;
    } else {
      await elkLayout(c, o, laidShapes);
      size = wrap(c, o, aspectUV);
    }
    if (id !== ROOT) {
      const it = items.get(id) as Item;
      it.su = size.su + pad.uBefore + pad.uAfter;
      it.sv = size.sv + pad.vBefore + pad.vAfter + o.laneRoom;
      contentOrigin.set(id, { u: pad.uBefore, v: pad.vBefore + o.laneRoom });
    } else contentOrigin.set(id, { u: 0, v: o.laneRoom });
  }

  // Absolute positions, top-down.
  const abs = new Map<string, { u: number; v: number }>();
  const place = (cid: string, ou: number, ov: number): void => {
    const c = containers.get(cid);
    const origin = contentOrigin.get(cid) ?? { u: 0, v: 0 };
    if (c === undefined) return;
    for (const it of c.items) {
      const u = ou + origin.u + it.u;
      const v = ov + origin.v + it.v;
      abs.set(it.id, { u, v });
      if (it.kind === 'frame') place(it.id, u, v);
    }
  };
  place(ROOT, 0, 0);

  const toXY = (p: { u: number; v: number }): Position => (tb ? { x: Math.round(p.v), y: Math.round(p.u) } : { x: Math.round(p.u), y: Math.round(p.v) });
  const positions: Record<NodeId, Position> = {};
  for (const id of nodeIds) {
    const p = abs.get(standFor.get(id) as string);
    positions[id] = p === undefined ? { x: 0, y: 0 } : toXY(p);
  }
  const groups: LayoutResult['groups'] = {};
  for (const [key, it] of items) {
    if (it.kind !== 'frame') continue;
    const p = abs.get(key);
    if (p === undefined) continue;
    // The frame drawn: the item box without its lane room.
    const box = { u: p.u, v: p.v + o.laneRoom, su: it.su, sv: it.sv - o.laneRoom };
    const xy = toXY(box);
    groups[key.slice('frame:'.length)] = tb ? { x: xy.x, y: xy.y, width: box.sv, height: box.su } : { x: xy.x, y: xy.y, width: box.su, height: box.sv };
  }
  return { positions, groups, uShape: uLaid };
}

/** Places a container's items with elkjs (a flat layered graph along the flow, u = x, v = y). */
async function elkLayout(c: Container, o: LayoutOptions, memo: Map<string, readonly Box[]>): Promise<void> {
  if (c.items.length === 1) {
    const only = c.items[0] as Item;
    only.u = 0;
    only.v = 0;
    return;
  }
  const span = new Map<string, number>();
  c.items.forEach((it, i) => span.set(it.id, i));
  // The container's shape: item kinds and sizes in order, and the edges by item index.
  const key = JSON.stringify([c.items.map((it) => [it.kind, it.su, it.sv]), c.edges.map(([s, t]) => [span.get(s), span.get(t)])]);
  const known = memo.get(key);
  if (known !== undefined) {
    c.items.forEach((it, i) => {
      const b = known[i] as Box;
      it.u = b.u;
      it.v = b.v;
    });
    return;
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(o.layerGap),
      'elk.spacing.nodeNode': String(o.nodeGap),
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.spacing.edgeNode': '24',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
    },
    children: c.items.map((it) => ({ id: it.id, width: it.su, height: it.sv })),
    edges: c.edges.map(([s, t], i): ElkExtendedEdge => {
      const far = Math.abs((span.get(t) ?? 0) - (span.get(s) ?? 0)) > 1;
      return {
        id: `e${i}`,
        sources: [s],
        targets: [t],
        layoutOptions: { 'elk.layered.priority.straightness': far ? '0' : '10', 'elk.layered.priority.direction': far ? '1' : '10' },
      };
    }),
  };
  const laid = await elk.layout(root);
  const at = new Map<string, ElkNode>();
  for (const n of laid.children ?? []) at.set(n.id, n);
  let minU = Infinity;
  let minV = Infinity;
  for (const it of c.items) {
    const n = at.get(it.id);
    it.u = n?.x ?? 0;
    it.v = n?.y ?? 0;
    minU = Math.min(minU, it.u);
    minV = Math.min(minV, it.v);
  }
  for (const it of c.items) {
    it.u -= minU;
    it.v -= minV;
  }
  straighten(c);
  memo.set(key, c.items.map((it) => ({ u: it.u, v: it.v, su: it.su, sv: it.sv })));
}

/**
 * Puts an item on its main input's line (across the flow) when elkjs left a small step between
 * them and nothing would overlap: a residual unit's main path reads as one straight line.
 */
function straighten(c: Container): void {
  const byId = new Map(c.items.map((it) => [it.id, it]));
  const mainInput = new Map<string, string>();
  for (const [s, t] of c.edges) if (!mainInput.has(t)) mainInput.set(t, s);
  for (const it of c.items) {
    const src = byId.get(mainInput.get(it.id) ?? '');
    if (src === undefined) continue;
    const dv = src.v + src.sv / 2 - (it.v + it.sv / 2);
    if (dv === 0 || Math.abs(dv) > 40) continue;
    const next = { ...it, v: it.v + dv };
    const clash = c.items.some((other) => other !== it && overlaps(other, next));
    if (!clash) it.v += dv;
  }
  let minV = Infinity;
  for (const it of c.items) minV = Math.min(minV, it.v);
  for (const it of c.items) it.v -= minV;
}

function overlaps(a: Box, b: Box): boolean {
  return a.u < b.u + b.su && b.u < a.u + a.su && a.v < b.v + b.sv && b.v < a.v + a.sv;
}

function extent(list: readonly Box[]): { su: number; sv: number } {
  let su = 0;
  let sv = 0;
  for (const b of list) {
    su = Math.max(su, b.u + b.su);
    sv = Math.max(sv, b.v + b.sv);
  }
  return { su, sv };
}

/**
 * Wraps a long container into rows along the flow (columns when top-to-bottom), aiming at the
 * aspect ratio; a cut falls only between items that nothing but one edge crosses. Returns the
 * container's extent.
 */
function wrap(c: Container, o: LayoutOptions, aspectUV: number): { su: number; sv: number } {
  const whole = extent(c.items);
  if (aspectUV <= 0 || c.items.length < 4 || whole.su <= o.minWrap) return whole;
  const gap = o.wrapGap + o.laneRoom;
  const rows = Math.round(Math.sqrt(whole.su / (aspectUV * (whole.sv + gap))));
  if (rows <= 1) return whole;
  const sorted = [...c.items].sort((a, b) => a.u - b.u || a.v - b.v);
  const index = new Map(sorted.map((it, i) => [it.id, i]));
  // crossing[i]: edges crossing the boundary after sorted item i.
  const crossing = new Array<number>(sorted.length).fill(0);
  const cross = (a: number, b: number): void => {
    for (let i = Math.min(a, b); i < Math.max(a, b); i++) crossing[i] = (crossing[i] ?? 0) + 1;
  };
  for (const [s, t] of c.edges) cross(index.get(s) ?? 0, index.get(t) ?? 0);
  // An edge from outside runs from the container's start to its target (a shortcut into a unit), one going out from its source to the end.
  for (const t of c.entered) cross(0, index.get(t) ?? 0);
  for (const s of c.left) cross(index.get(s) ?? 0, sorted.length - 1);
  // Clean boundaries: no item spans them and at most one edge (the main path) crosses them.
  const clean: { after: number; at: number }[] = [];
  let end = -Infinity;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const it = sorted[i] as Item;
    end = Math.max(end, it.u + it.su);
    const next = sorted[i + 1] as Item;
    if (end <= next.u && (crossing[i] ?? 0) <= 1) clean.push({ after: i, at: (end + next.u) / 2 });
  }
  // The clean boundary nearest each ideal cut (k·length/rows), in order, each used once.
  const cuts: number[] = [];
  const u0 = (sorted[0] as Item).u;
  for (let k = 1; k < rows; k++) {
    const ideal = u0 + (k * whole.su) / rows;
    let best: { after: number; at: number } | undefined;
    for (const b of clean) {
      if (b.after <= (cuts[cuts.length - 1] ?? -1)) continue;
      if (best === undefined || Math.abs(b.at - ideal) < Math.abs(best.at - ideal)) best = b;
    }
    if (best !== undefined) cuts.push(best.after);
  }
  if (cuts.length === 0) return whole;
  let rowV = 0;
  let from = 0;
  for (const cut of [...cuts, sorted.length - 1]) {
    const row = sorted.slice(from, cut + 1);
    const u0 = Math.min(...row.map((it) => it.u));
    const v0 = Math.min(...row.map((it) => it.v));
    let height = 0;
    for (const it of row) {
      it.u -= u0;
      it.v = it.v - v0 + rowV;
      height = Math.max(height, it.v + it.sv - rowV);
    }
    rowV += height + gap;
    from = cut + 1;
  }
  return extent(c.items);
}

/**
 * The U of an encoder–decoder, at the top level: when long skips (across resolutions) nest
 * inside one another, each item's level is the number of those skips around it; the items follow
 * the flow, each level on its own row (column top-to-bottom), deeper levels further from the top,
 * so the encoder steps down, the bottom level lies lowest and the decoder steps back up, with
 * each long skip straight across at its level. Null when the container is no encoder–decoder.
 */
function uLayout(c: Container, longEdges: readonly { from: string; to: string; res: number }[], o: LayoutOptions): { su: number; sv: number } | null {
  if (c.items.length < 3 || longEdges.length === 0) return null;
  const pos = new Map(c.items.map((it, i) => [it.id, i]));
  const spans = longEdges
    .map((e) => ({ a: pos.get(e.from) ?? -1, b: pos.get(e.to) ?? -1, res: e.res }))
    .filter((s) => s.a >= 0 && s.b > s.a + 1)
    .sort((x, y) => x.a - y.a || y.b - x.b);
  // The nest: each next skip strictly inside the previous one, at a lower resolution.
  const nest: { a: number; b: number; res: number }[] = [];
  for (const s of spans) {
    const last = nest[nest.length - 1];
    if (last === undefined || (s.a > last.a && s.b < last.b && s.res < last.res)) nest.push(s);
  }
  if (nest.length === 0) return null;
  const level = c.items.map((_, i) => nest.filter((s) => s.a < i && i < s.b).length);
  const rows = Math.max(...level) + 1;
  const rowSize = new Array<number>(rows).fill(0);
  c.items.forEach((it, i) => {
    const l = level[i] as number;
    rowSize[l] = Math.max(rowSize[l] as number, it.sv);
  });
  const rowV: number[] = [];
  let v = 0;
  for (let l = 0; l < rows; l++) {
    rowV.push(v);
    v += (rowSize[l] as number) + o.wrapGap + o.laneRoom;
  }
  let u = 0;
  c.items.forEach((it, i) => {
    const l = level[i] as number;
    it.u = u;
    it.v = (rowV[l] as number) + ((rowSize[l] as number) - it.sv) / 2;
    u += it.su + o.layerGap;
  });
  return extent(c.items);
}
