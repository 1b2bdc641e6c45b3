import { CompileError, layerNameFor } from '../graph/compile.js';
import type { GraphDocument, GraphGroup, GroupId, NodeId } from '../graph/document.js';
import { diagnosticsOf, inferShapes, isValid } from '../graph/infer.js';
import type { ShapeAnalysis } from '../graph/infer.js';
import { getId } from '../graph/records.js';
import { blockPorts, copySuffix, expandRepeats, membersOf } from '../graph/repeat.js';
import type { AnyLayerDef } from '../layers/registry.js';
import type { Shape } from '../layers/types.js';

/**
 * What every code generator prints from: the document's layers in a readable order (each block's
 * layers together, in dependency order), with their tfjs layer names (exactly the in-app compiler's,
 * so weights carry over by name), shapes, and repeated blocks as loops.
 *
 * A block with repeat N > 1 becomes a loop when it can: one way in, one way out, the same shape in
 * and out, no model input or output inside, and the compiler's names for the copies are
 * `<name>__r<k>` (inner suffixes first). Otherwise the whole document is unrolled, as the compiler
 * does, and the copies are printed one after another.
 */

export interface PlanNode {
  readonly id: NodeId;
  readonly def: AnyLayerDef;
  readonly params: Readonly<Record<string, unknown>>;
  /** What the document calls it (its label, else its id). */
  readonly label: string;
  /** The tfjs layer name of the first copy (the compiler's name for this node). */
  readonly layerName: string;
  /** Sources of the inputs, by port. */
  readonly inputIds: readonly NodeId[];
  readonly inputShapes: readonly Shape[];
  readonly shape: Shape;
  /** The loops around this node, outermost first. */
  readonly loops: readonly PlanLoop[];
}

export interface PlanLoop {
  readonly group: GroupId;
  readonly label: string;
  readonly repeat: number;
  /** The node outside the block that feeds it. */
  readonly entry: NodeId;
  /** The block member whose output leaves the block. */
  readonly exit: NodeId;
  /** Every node inside (nested loops' too). */
  readonly members: ReadonlySet<NodeId>;
  /** Loops around this one, outermost first. */
  readonly outer: readonly PlanLoop[];
}

export type PlanItem =
  | { readonly type: 'node'; readonly node: PlanNode }
  | { readonly type: 'block'; readonly id: GroupId; readonly label: string; readonly repeat: number; readonly loop: PlanLoop | null; readonly items: readonly PlanItem[] };

export interface ModelOutput {
  readonly id: NodeId;
  readonly head: { readonly task: 'classification' | 'segmentation' | 'regression'; readonly loss: 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError' } | null;
}

export interface CodePlan {
  readonly doc: GraphDocument;
  /** The document as printed: the original, or the unrolled one when a repeat cannot be a loop. */
  readonly printed: GraphDocument;
  readonly analysis: ShapeAnalysis;
  readonly items: readonly PlanItem[];
  readonly nodes: ReadonlyMap<NodeId, PlanNode>;
  /** Every node in printing order (blocks flattened). */
  readonly sequence: readonly PlanNode[];
  readonly inputs: readonly NodeId[];
  /** The model's outputs in the compiler's order: every head, or every sink without heads. */
  readonly outputs: readonly ModelOutput[];
  readonly loops: readonly PlanLoop[];
  /** Every tfjs layer of the unrolled model: name → the node and the repeat index of each loop (outermost first, 1-based). */
  readonly copies: readonly LayerCopy[];
}

export interface LayerCopy {
  readonly layerName: string;
  readonly node: PlanNode;
  /** The copy index in each enclosing loop, outermost first (1-based). */
  readonly indices: readonly number[];
}

/** The compiler's layer names for a document: node id → name (same order, same rule). */
export function compilerLayerNames(analysis: ShapeAnalysis): Map<NodeId, string> {
  const taken = new Set<string>();
  const out = new Map<NodeId, string>();
  for (const id of analysis.order) out.set(id, layerNameFor(id, taken));
  return out;
}

/** The suffix a copy's id and layer name carry: inner loops' suffixes first (`__r2__r3`). */
export function copySuffixOf(indices: readonly number[]): string {
  let s = '';
  for (let i = indices.length - 1; i >= 0; i--) {
    const k = indices[i] ?? 1;
    if (k > 1) s += copySuffix(k);
  }
  return s;
}

/** Builds the plan; refuses a graph with errors (CompileError with its diagnostics), as the compiler does. */
export function planCode(doc: GraphDocument): CodePlan {
  const sourceAnalysis = inferShapes(doc);
  if (!isValid(sourceAnalysis)) throw new CompileError(diagnosticsOf(sourceAnalysis));
  const repeated = Object.values(doc.groups).some((g) => g.repeat > 1);
  if (!repeated) return build(doc, doc, sourceAnalysis, compilerLayerNames(sourceAnalysis), true);
  const expanded = expandRepeats(doc);
  const expandedAnalysis = inferShapes(expanded);
  if (!isValid(expandedAnalysis)) throw new CompileError(diagnosticsOf(expandedAnalysis));
  const names = compilerLayerNames(expandedAnalysis);
  try {
    return build(doc, doc, sourceAnalysis, names, true);
  } catch (err) {
    if (!(err instanceof NotLoopable)) throw err;
    return build(doc, expanded, expandedAnalysis, names, false);
  }
}

class NotLoopable extends Error {}

function build(doc: GraphDocument, printed: GraphDocument, analysis: ShapeAnalysis, names: ReadonlyMap<NodeId, string>, loops: boolean): CodePlan {
  const orderIndex = new Map<NodeId, number>();
  analysis.order.forEach((id, i) => orderIndex.set(id, i));
  const consumers = new Map<NodeId, number>();
  for (const id of analysis.order) consumers.set(id, 0);
  for (const id of analysis.order) for (const i of analysis.nodes.get(id)?.inputs ?? []) consumers.set(i.sourceId, (consumers.get(i.sourceId) ?? 0) + 1);

  // ---- loops (outermost first) ----
  const loopOf = new Map<GroupId, PlanLoop>();
  const repeatedGroups = loops ? Object.values(printed.groups).filter((g) => g.repeat > 1) : [];
  const depthOf = (g: GraphGroup): number => {
    let d = 0;
    for (let p = g.parent, seen = new Set<GroupId>(); p !== undefined && !seen.has(p); p = getId(printed.groups, p)?.parent) {
      seen.add(p);
      d++;
    }
    return d;
  };
  repeatedGroups.sort((a, b) => depthOf(a) - depthOf(b));
  for (const g of repeatedGroups) {
    const ports = blockPorts(printed, g.id);
    if (!ports.ok) throw new NotLoopable(ports.message);
    const members = membersOf(printed, g.id);
    for (const m of members) {
      const info = analysis.nodes.get(m);
      if (info?.def?.kind === 'Input' || info?.def?.head !== undefined || (consumers.get(m) ?? 0) === 0) throw new NotLoopable(`${m} is a model input or output`);
    }
    const outer: PlanLoop[] = [];
    for (let p = g.parent, seen = new Set<GroupId>(); p !== undefined && !seen.has(p); p = getId(printed.groups, p)?.parent) {
      seen.add(p);
      const l = loopOf.get(p);
      if (l !== undefined) outer.unshift(l);
    }
    loopOf.set(g.id, { group: g.id, label: g.label || g.id, repeat: g.repeat, entry: ports.ports.source, exit: ports.ports.exit, members, outer });
  }

  // ---- nodes ----
  const nodes = new Map<NodeId, PlanNode>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id);
    if (info === undefined || info.def === undefined || info.params === undefined || info.shape === null) throw new CompileError(diagnosticsOf(analysis));
    const name = names.get(id);
    if (name === undefined) throw new Error(`no layer name for ${id}`);
    const enclosing = [...loopOf.values()].filter((l) => l.members.has(id)).sort((a, b) => a.outer.length - b.outer.length);
    nodes.set(id, {
      id,
      def: info.def,
      params: info.params,
      label: info.node.label ?? id,
      layerName: name,
      inputIds: info.inputs.map((i) => i.sourceId),
      inputShapes: info.inputs.map((i) => i.shape ?? []),
      shape: info.shape,
      loops: enclosing,
    });
  }

  // ---- every layer of the unrolled model: the loop copies must carry the compiler's names ----
  const copies: LayerCopy[] = [];
  for (const node of nodes.values()) {
    for (const indices of combos(node.loops.map((l) => l.repeat))) {
      const sfx = copySuffixOf(indices);
      const expected = names.get(node.id + sfx);
      if (expected === undefined || expected !== node.layerName + sfx) {
        if (loops && node.loops.length > 0) throw new NotLoopable(`copy ${node.id}${sfx} is named ${expected ?? 'nothing'}`);
      }
      copies.push({ layerName: node.layerName + sfx, node, indices });
    }
  }

  // ---- order: blocks kept together where the dependencies allow ----
  const items = orderItems(printed, analysis, orderIndex, loopOf, nodes);
  const sequence: PlanNode[] = [];
  const walk = (list: readonly PlanItem[]): void => {
    for (const it of list) {
      if (it.type === 'node') sequence.push(it.node);
      else walk(it.items);
    }
  };
  walk(items);

  const inputs = analysis.order.filter((id) => analysis.nodes.get(id)?.def?.kind === 'Input');
  const heads = analysis.order.filter((id) => analysis.nodes.get(id)?.def?.head !== undefined);
  const outIds = heads.length > 0 ? heads : analysis.order.filter((id) => consumers.get(id) === 0 && !inputs.includes(id));
  const outputs: ModelOutput[] = outIds.map((id) => {
    const info = analysis.nodes.get(id);
    const h = info?.def?.head;
    return { id, head: h !== undefined && info?.params !== undefined ? { task: h.task, loss: h.loss(info.params) } : null };
  });
  return { doc, printed, analysis, items, nodes, sequence, inputs, outputs, loops: [...loopOf.values()], copies };
}

/** Every combination of 1..n_i (first axis slowest). */
function combos(counts: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of counts) {
    const next: number[][] = [];
    for (const c of out) for (let k = 1; k <= n; k++) next.push([...c, k]);
    out = next;
  }
  return out;
}

/**
 * Orders the nodes so each block's nodes are printed together: at each level a block is one item;
 * items are sorted topologically, the earliest-ready first (by the analysis order). A block whose
 * nodes cannot be printed together (something outside depends on its middle and feeds its rest)
 * is dissolved into its parent level; a loop block never needs that (it has one way in and out).
 */
function orderItems(
  doc: GraphDocument,
  analysis: ShapeAnalysis,
  orderIndex: ReadonlyMap<NodeId, number>,
  loopOf: ReadonlyMap<GroupId, PlanLoop>,
  nodes: ReadonlyMap<NodeId, PlanNode>,
): PlanItem[] {
  const dissolved = new Set<GroupId>();
  const parentOf = (g: GroupId): GroupId | undefined => {
    let p = getId(doc.groups, g)?.parent;
    const seen = new Set<GroupId>();
    while (p !== undefined && dissolved.has(p) && !seen.has(p)) {
      seen.add(p);
      p = getId(doc.groups, p)?.parent;
    }
    return p;
  };
  const groupOfNode = (id: NodeId): GroupId | undefined => {
    let g = getId(doc.nodes, id)?.group;
    const seen = new Set<GroupId>();
    while (g !== undefined && (dissolved.has(g) || getId(doc.groups, g) === undefined) && !seen.has(g)) {
      seen.add(g);
      g = getId(doc.groups, g)?.parent;
    }
    return g;
  };
  /** The chain of (non-dissolved) groups from the node up to the top, innermost first. */
  const chainOf = (id: NodeId): GroupId[] => {
    const chain: GroupId[] = [];
    const seen = new Set<GroupId>();
    for (let g = groupOfNode(id); g !== undefined && !seen.has(g); g = parentOf(g)) {
      seen.add(g);
      chain.push(g);
    }
    return chain;
  };

  const level = (container: GroupId | undefined, members: readonly NodeId[]): PlanItem[] => {
    for (;;) {
      // item key of each member at this level: the child block holding it, or the node itself
      const itemOf = new Map<NodeId, string>();
      for (const id of members) {
        const chain = chainOf(id);
        const at = container === undefined ? chain.length : chain.indexOf(container);
        const child = at > 0 ? chain[at - 1] : undefined;
        itemOf.set(id, child === undefined ? `n:${id}` : `g:${child}`);
      }
      const keys = [...new Set(itemOf.values())];
      const rank = new Map<string, number>();
      for (const id of members) {
        const k = itemOf.get(id) as string;
        rank.set(k, Math.min(rank.get(k) ?? Infinity, orderIndex.get(id) ?? Infinity));
      }
      const succ = new Map<string, Set<string>>(keys.map((k) => [k, new Set<string>()]));
      const indeg = new Map<string, number>(keys.map((k) => [k, 0]));
      for (const id of members) {
        for (const src of analysis.nodes.get(id)?.inputs ?? []) {
          const a = itemOf.get(src.sourceId);
          const b = itemOf.get(id) as string;
          if (a === undefined || a === b) continue;
          const s = succ.get(a) as Set<string>;
          if (!s.has(b)) {
            s.add(b);
            indeg.set(b, (indeg.get(b) ?? 0) + 1);
          }
        }
      }
      const ready = keys.filter((k) => indeg.get(k) === 0);
      const sorted: string[] = [];
      while (ready.length > 0) {
        ready.sort((x, y) => (rank.get(x) ?? 0) - (rank.get(y) ?? 0));
        const k = ready.shift() as string;
        sorted.push(k);
        for (const n of succ.get(k) ?? []) {
          const d = (indeg.get(n) ?? 0) - 1;
          indeg.set(n, d);
          if (d === 0) ready.push(n);
        }
      }
      if (sorted.length < keys.length) {
        // a cycle between items: dissolve the blocks on it (never a loop: those have one way in and out)
        const stuck = keys.filter((k) => !sorted.includes(k) && k.startsWith('g:')).map((k) => k.slice(2));
        if (stuck.length === 0) throw new Error('codegen: cycle between nodes');
        for (const g of stuck) {
          if (loopOf.has(g)) throw new NotLoopable(`block ${g} cannot be printed as one piece`);
          dissolved.add(g);
        }
        continue;
      }
      const out: PlanItem[] = [];
      for (const k of sorted) {
        if (k.startsWith('n:')) {
          const node = nodes.get(k.slice(2));
          if (node) out.push({ type: 'node', node });
          continue;
        }
        const gid = k.slice(2);
        const g = getId(doc.groups, gid);
        const inner = members.filter((id) => itemOf.get(id) === k);
        out.push({ type: 'block', id: gid, label: g?.label || gid, repeat: g?.repeat ?? 1, loop: loopOf.get(gid) ?? null, items: level(gid, inner) });
      }
      return out;
    }
  };
  return level(undefined, analysis.order);
}

/**
 * The expression a reference to `source` reads at a place enclosed by `scope` (loops, outermost
 * first): inside a loop the block's entry is the loop's carried value; after a loop its exit is.
 */
export function resolveRef(plan: CodePlan, source: NodeId, scope: readonly PlanLoop[], varOf: (id: NodeId) => string, carryOf: (loop: PlanLoop) => string): string {
  for (let i = scope.length - 1; i >= 0; i--) {
    const l = scope[i];
    if (l !== undefined && l.entry === source) return carryOf(l);
  }
  // the outermost loop not around this place that ends at `source`
  const candidates = plan.loops.filter((l) => l.exit === source && !scope.includes(l));
  candidates.sort((a, b) => a.outer.length - b.outer.length);
  const l = candidates[0];
  return l !== undefined ? carryOf(l) : varOf(source);
}
