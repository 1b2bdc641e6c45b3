import type { Shape } from '../layers/types.js';
import type { EdgeId, NodeId } from './document.js';
import type { ShapeAnalysis } from './infer.js';
import { inputsOf, outputsOf, topoOrder } from './topo.js';
import type { GraphIndex } from './topo.js';

/**
 * Skip connections, as the canvas draws them. An edge source → target is a SKIP when it bypasses
 * nodes: there is another path from source to target through at least one node (the identity
 * shortcut of a residual block, DenseNet's concatenation, U-Net's encoder-to-decoder link). A skip
 * is LONG when it crosses a resolution change: a node it bypasses has a different height or width
 * from the skip's source (U-Net, FCN). Each skip gets a nesting `level` so an editor can route
 * nested skips on separate lanes (the innermost on level 1).
 *
 * Pure functions of the graph's structure (and, for `long`, of the inferred shapes); cached per
 * index / analysis, so re-rendering after a move costs nothing.
 */

export interface SkipEdge {
  readonly edgeId: EdgeId;
  readonly source: NodeId;
  readonly target: NodeId;
  /** Nodes on another path from source to target (neither end), in topological order. */
  readonly bypassed: readonly NodeId[];
  /** 1 for a skip with no other skip inside its span; otherwise one more than the highest inside or overlapping it. */
  readonly level: number;
}

export interface SkipStructure {
  /** Every skip edge of the graph, by edge id. Edges not in it are on the main path. */
  readonly skips: ReadonlyMap<EdgeId, SkipEdge>;
}

export type EdgeRole = 'main' | 'skip' | 'long-skip';

export interface EdgeClass {
  readonly role: EdgeRole;
  /** Nesting level of a skip (0 for main-path edges). */
  readonly level: number;
  /** The nodes a skip bypasses (empty for main-path edges). */
  readonly bypassed: readonly NodeId[];
}

const MAIN: EdgeClass = Object.freeze({ role: 'main', level: 0, bypassed: Object.freeze([]) as readonly NodeId[] });

const structureCache = new WeakMap<GraphIndex, SkipStructure>();

/**
 * The skips of a graph given its index and a topological order of its nodes (the shape engine's
 * `analysis.order`; computed when absent). Nodes outside the order (on or after a cycle) have no
 * skips. Cost: one bounded search per node with two or more consumers.
 */
export function findSkips(index: GraphIndex, order?: readonly NodeId[]): SkipStructure {
  const hit = structureCache.get(index);
  if (hit !== undefined) return hit;
  const topo = order ?? topoOrder(index).order;
  const pos = new Map<NodeId, number>();
  for (let i = 0; i < topo.length; i++) pos.set(topo[i] as NodeId, i);

  const found: { edgeId: EdgeId; source: NodeId; target: NodeId; bypassed: NodeId[]; from: number; to: number }[] = [];
  for (const s of topo) {
    const outs = outputsOf(index, s);
    if (outs.length < 2) continue;
    const ps = pos.get(s) ?? 0;
    let horizon = -1;
    for (const e of outs) horizon = Math.max(horizon, pos.get(e.target) ?? -1);
    // Nodes reachable from a child of s along at least one edge, no further than the farthest child.
    const reached = new Set<NodeId>();
    const stack: NodeId[] = [];
    for (const e of outs) stack.push(e.target);
    for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
      for (const o of outputsOf(index, v)) {
        const p = pos.get(o.target);
        if (p === undefined || p > horizon || reached.has(o.target)) continue;
        reached.add(o.target);
        stack.push(o.target);
      }
    }
    if (reached.size === 0) continue;
    const children = new Set(outs.map((e) => e.target));
    for (const e of outs) {
      if (!reached.has(e.target)) continue;
      // The bypassed nodes: those between s and the target on other paths (walk back from the target).
      const between = new Set<NodeId>();
      const back: NodeId[] = [e.target];
      for (let v = back.pop(); v !== undefined; v = back.pop()) {
        for (const i of inputsOf(index, v)) {
          const u = i.source;
          if (u === s || between.has(u) || u === e.target) continue;
          const p = pos.get(u);
          if (p === undefined || p <= ps) continue;
          if (!reached.has(u) && !children.has(u)) continue;
          between.add(u);
          back.push(u);
        }
      }
      if (between.size === 0) continue;
      const bypassed = [...between].sort((a, b) => (pos.get(a) ?? 0) - (pos.get(b) ?? 0));
      found.push({ edgeId: e.id, source: s, target: e.target, bypassed, from: ps, to: pos.get(e.target) ?? ps });
    }
  }

  // Levels: shorter spans first; a skip sits one lane above every skip already placed whose span overlaps its own.
  found.sort((a, b) => a.to - a.from - (b.to - b.from) || a.from - b.from || (a.edgeId < b.edgeId ? -1 : 1));
  const placed: { from: number; to: number; level: number }[] = [];
  const skips = new Map<EdgeId, SkipEdge>();
  for (const f of found) {
    let level = 1;
    for (const p of placed) if (p.from < f.to && f.from < p.to && p.level >= level) level = p.level + 1;
    placed.push({ from: f.from, to: f.to, level });
    skips.set(f.edgeId, { edgeId: f.edgeId, source: f.source, target: f.target, bypassed: f.bypassed, level });
  }
  const result: SkipStructure = { skips };
  structureCache.set(index, result);
  return result;
}

function spatial(shape: Shape | null): readonly [number, number] | null {
  return shape !== null && shape.length === 3 ? [shape[0] ?? 0, shape[1] ?? 0] : null;
}

/** True when the skip crosses a resolution change (a bypassed node's H×W differs from the source's). */
export function isLongSkip(analysis: ShapeAnalysis, skip: SkipEdge): boolean {
  const src = spatial(analysis.nodes.get(skip.source)?.shape ?? null);
  if (src === null) return false;
  for (const id of skip.bypassed) {
    const s = spatial(analysis.nodes.get(id)?.shape ?? null);
    if (s !== null && (s[0] !== src[0] || s[1] !== src[1])) return true;
  }
  return false;
}

const classCache = new WeakMap<ShapeAnalysis, ReadonlyMap<EdgeId, EdgeClass>>();

/** The role of every skip edge of an analysed graph (edges absent from the map are main-path edges). */
export function classifyEdges(analysis: ShapeAnalysis): ReadonlyMap<EdgeId, EdgeClass> {
  const hit = classCache.get(analysis);
  if (hit !== undefined) return hit;
  const { skips } = findSkips(analysis.index, analysis.blocked.length === 0 ? analysis.order : undefined);
  const out = new Map<EdgeId, EdgeClass>();
  for (const s of skips.values()) out.set(s.edgeId, { role: isLongSkip(analysis, s) ? 'long-skip' : 'skip', level: s.level, bypassed: s.bypassed });
  classCache.set(analysis, out);
  return out;
}

/** The class of one edge (main when it is not a skip). */
export function edgeClass(classes: ReadonlyMap<EdgeId, EdgeClass>, edgeId: EdgeId): EdgeClass {
  return classes.get(edgeId) ?? MAIN;
}
