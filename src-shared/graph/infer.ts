import { MinHeap } from './heap.js';
import { repeatDiagnostics } from './repeat.js';
import { fmtShape, renderIssue } from '../layers/lib/shape.js';
import { getLayer, layerKinds, type AnyLayerDef } from '../layers/registry.js';
import type { InferContext, Shape } from '../layers/types.js';
import {
  cycle as cycleDiagnostic,
  danglingEdge,
  disconnected,
  emptyGraph,
  internalError,
  invalidParams,
  layerIssue,
  missingInput,
  multipleInputs,
  nodeName,
  nodeTitle,
  noInput,
  noOutputHead,
  portConflict,
  tooManyInputs,
  unknownKind,
  unusedOutput,
  type Diagnostic,
  type DiagnosticInput,
} from './diagnostics.js';
import { computeCost, type NodeCost } from './cost.js';
import type { GraphDiff } from './diff.js';
import type { EdgeId, GraphDocument, GraphEdge, GraphNode, NodeId } from './document.js';
import { getId } from './records.js';
import { buildIndex, findPath, inputsOf, outputsOf, topoOrder, updateIndex, type GraphIndex } from './topo.js';

/**
 * The shape engine: the output shape of every node, in topological order, with located
 * diagnostics; and INCREMENTAL revalidation after an edit, which re-infers only the edited nodes
 * and what is downstream of them — and stops early where a re-inferred node's output (shape and
 * name) comes out unchanged, so a param edit that keeps the shape touches one node.
 *
 * Everything here is a pure function of the document: `revalidate(prev, doc)` returns exactly what
 * `inferShapes(doc)` would (a property test says so), reusing the NodeInfo objects of nodes it did
 * not need to touch (so per-node caches keyed on them — cost.ts — stay warm).
 */

export type NodeStatus =
  /** The node has an output shape. */
  | 'ok'
  /** The node itself is wrong (its diagnostics say why); no shape. */
  | 'error'
  /** An input has no shape (an error upstream, or a cycle before it); no shape, no diagnostic of its own. */
  | 'blocked';

export interface NodeInfo {
  readonly id: NodeId;
  /** The document record this was inferred from (identity-compared by revalidate). */
  readonly node: GraphNode;
  readonly def: AnyLayerDef | undefined;
  /** The parsed params (defaults filled in); undefined for an unknown kind or invalid params. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /** The connected inputs sorted by port, each with its source's shape. */
  readonly inputs: readonly DiagnosticInput[];
  readonly shape: Shape | null;
  readonly status: NodeStatus;
  /** This node's own diagnostics (graph-level ones are on the analysis). */
  readonly diagnostics: readonly Diagnostic[];
  /** Params, FLOPs and activation size (cost.ts); null when the node has no shape. */
  readonly cost: NodeCost | null;
}

export interface ShapeAnalysis {
  readonly doc: GraphDocument;
  /** Adjacency of the document (topo.ts). */
  readonly index: GraphIndex;
  /** Nodes in dependency order (nodes on or after a cycle are not in it). */
  readonly order: readonly NodeId[];
  /** Nodes that could not be ordered: on a cycle or downstream of one. */
  readonly blocked: readonly NodeId[];
  /** The cycle reported, if any (one at a time). */
  readonly cycle: readonly NodeId[] | null;
  /** One entry per node of the document. */
  readonly nodes: ReadonlyMap<NodeId, NodeInfo>;
  /** Diagnostics about the graph as a whole (cycles, dangling edges, pieces, heads, unused outputs). */
  readonly graphDiagnostics: readonly Diagnostic[];
  /** How many nodes this pass inferred (all of them for a full pass; for benches and tests). */
  readonly evaluated: number;
}

// ---------------------------------------------------------------------------------------------
// params: parsed once per params object (documents share untouched records, so this hits)

type ParsedParams = { readonly ok: true; readonly data: Record<string, unknown> } | { readonly ok: false; readonly issues: Parameters<typeof invalidParams>[1] };
const paramCache = new WeakMap<object, { readonly def: AnyLayerDef; readonly parsed: ParsedParams }>();

function parseParams(def: AnyLayerDef, params: Record<string, unknown>): ParsedParams {
  const hit = paramCache.get(params);
  if (hit && hit.def === def) return hit.parsed;
  const r = def.params.safeParse(params);
  const parsed: ParsedParams = r.success ? { ok: true, data: r.data } : { ok: false, issues: r.error.issues };
  paramCache.set(params, { def, parsed });
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// one node

const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);

/**
 * Infers one node from its incoming edges and the shapes of their sources (`shapeOf`; null when a
 * source has none). Pure.
 */
function evaluate(doc: GraphDocument, ctx: InferContext, node: GraphNode, incoming: readonly GraphEdge[], shapeOf: (id: NodeId) => Shape | null): NodeInfo {
  const def = getLayer(node.kind);
  const inputs: DiagnosticInput[] = incoming.map((e) => {
    const portName = def?.ports?.[e.targetPort];
    const base = { port: e.targetPort, edgeId: e.id, sourceId: e.source, shape: shapeOf(e.source) };
    return portName !== undefined ? { ...base, portName } : base;
  });
  const result = (status: NodeStatus, shape: Shape | null, diagnostics: readonly Diagnostic[], params?: Record<string, unknown>, cost: NodeCost | null = null): NodeInfo => ({
    id: node.id,
    node,
    def,
    params,
    inputs,
    shape,
    status,
    diagnostics,
    cost,
  });
  if (!def) return result('error', null, [unknownKind(node, layerKinds)]);

  const diagnostics: Diagnostic[] = [];
  const parsed = parseParams(def, node.params);
  if (!parsed.ok) diagnostics.push(...invalidParams(node, parsed.issues));

  // ports: one edge each (incoming is sorted by port), within the arity, none missing
  const extra: GraphEdge[] = [];
  const present = new Set<number>();
  let maxPort = -1;
  for (let i = 0; i < incoming.length; ) {
    const e = incoming[i] as GraphEdge;
    let j = i + 1;
    while (j < incoming.length && (incoming[j] as GraphEdge).targetPort === e.targetPort) j++;
    if (def.arity.max !== null && e.targetPort >= def.arity.max) extra.push(...incoming.slice(i, j));
    else {
      present.add(e.targetPort);
      maxPort = Math.max(maxPort, e.targetPort);
      if (j - i > 1) diagnostics.push(portConflict(doc, node, def, incoming.slice(i, j)));
    }
    i = j;
  }
  if (extra.length > 0) diagnostics.push(tooManyInputs(doc, node, def, extra));
  const needed = Math.max(def.arity.min, maxPort + 1);
  for (let p = 0; p < needed; p++) if (!present.has(p)) diagnostics.push(missingInput(node, def, p, present.size));
  if (diagnostics.length > 0 || !parsed.ok) return result('error', null, diagnostics, parsed.ok ? parsed.data : undefined);

  const shapes: Shape[] = [];
  for (const i of inputs) {
    if (i.shape === null) return result('blocked', null, NO_DIAGNOSTICS, parsed.data);
    shapes.push(i.shape);
  }
  try {
    const r = def.inferShape(shapes, parsed.data, ctx);
    if (!r.ok) return result('error', null, [layerIssue(doc, node, def, r.issue, inputs)], parsed.data);
    return result('ok', r.shape, NO_DIAGNOSTICS, parsed.data, computeCost(def, shapes, r.shape, parsed.data));
  } catch (err) {
    return result('error', null, [internalError(node, err)], parsed.data);
  }
}

// ---------------------------------------------------------------------------------------------
// graph-level checks

/**
 * Diagnostics about the whole graph. Walks the index and the analysis (never enumerates the
 * document's records but once, to spot dangling edges), in topological order, so a full pass and
 * an incremental one list them identically.
 */
function graphLevel(
  doc: GraphDocument,
  index: GraphIndex,
  cycleIds: readonly NodeId[] | null,
  order: readonly NodeId[],
  blocked: readonly NodeId[],
  nodes: ReadonlyMap<NodeId, NodeInfo>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = blocked.length > 0 ? [...order, ...blocked] : order;
  if (ids.length === 0) {
    out.push(emptyGraph());
    return out;
  }
  // dangling edges: the index leaves them out, so only look when the counts differ
  let indexed = 0;
  for (const list of index.incoming.values()) indexed += list.length;
  const edgeIds = Object.keys(doc.edges);
  if (edgeIds.length !== indexed) {
    for (const id of edgeIds) {
      const e = doc.edges[id] as GraphEdge;
      if (getId(doc.nodes, e.source) === undefined || getId(doc.nodes, e.target) === undefined) out.push(danglingEdge(doc, e));
    }
  }
  if (cycleIds && cycleIds.length > 0) {
    const members = new Set(cycleIds);
    const cycleEdges: EdgeId[] = [];
    for (let i = 0; i < cycleIds.length; i++) {
      const from = cycleIds[i] as NodeId;
      const to = cycleIds[(i + 1) % cycleIds.length] as NodeId;
      const e = outputsOf(index, from).find((x) => x.target === to && members.has(x.target));
      if (e) cycleEdges.push(e.id);
    }
    out.push(cycleDiagnostic(doc, cycleIds, cycleEdges));
  }

  // inputs, heads, sinks (nodes whose output nothing uses; heads are meant to be sinks)
  const inputNodes: GraphNode[] = [];
  let hasHead = false;
  let lastSink: GraphNode | undefined;
  const sinks: GraphNode[] = [];
  for (const id of ids) {
    const info = nodes.get(id);
    if (!info) continue;
    const category = info.def?.category;
    if (category === 'Input') inputNodes.push(info.node);
    if (category === 'Output') hasHead = true;
    else if (outputsOf(index, id).length === 0) {
      lastSink = info.node;
      sinks.push(info.node);
    }
  }
  if (inputNodes.length === 0) {
    const first = nodes.get(ids[0] as NodeId)?.node;
    if (first) out.push(noInput(first));
  } else if (inputNodes.length > 1) out.push(multipleInputs(inputNodes));
  if (!hasHead) out.push(noOutputHead(lastSink));

  // weakly connected pieces (union-find over array slots); the piece with the first Input (or the largest) is the network
  const slot = new Map<NodeId, number>();
  for (let i = 0; i < ids.length; i++) slot.set(ids[i] as NodeId, i);
  const parent = new Int32Array(ids.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const p = parent[x] as number;
      parent[x] = parent[p] as number;
      x = p;
    }
    return x;
  };
  let pieceCount = ids.length;
  for (let i = 0; i < ids.length; i++) {
    for (const e of inputsOf(index, ids[i] as NodeId)) {
      const s = slot.get(e.source);
      if (s === undefined) continue;
      const a = find(s);
      const b = find(i);
      if (a !== b) {
        parent[a] = b;
        pieceCount--;
      }
    }
  }
  if (pieceCount > 1) {
    const pieces = new Map<number, GraphNode[]>();
    for (let i = 0; i < ids.length; i++) {
      const node = nodes.get(ids[i] as NodeId)?.node;
      if (!node) continue;
      const root = find(i);
      const list = pieces.get(root);
      if (list) list.push(node);
      else pieces.set(root, [node]);
    }
    const firstInput = inputNodes[0] ? slot.get(inputNodes[0].id) : undefined;
    let main = firstInput !== undefined ? find(firstInput) : -1;
    if (main < 0) {
      let size = -1;
      for (const [root, list] of pieces) {
        if (list.length > size) {
          size = list.length;
          main = root;
        }
      }
    }
    for (const [root, list] of pieces) if (root !== main) out.push(disconnected(list, pieces.size));
  }
  // unused outputs: every sink but the obvious last node of a network that has no head yet
  for (const s of sinks) if (hasHead || s !== lastSink) out.push(unusedOutput(s));
  return out;
}

// ---------------------------------------------------------------------------------------------
// full and incremental passes

function ctxOf(doc: GraphDocument): InferContext {
  return { input: doc.input };
}

/** Shapes and diagnostics of every node of `doc` (a full pass). */
export function inferShapes(doc: GraphDocument): ShapeAnalysis {
  const index = buildIndex(doc);
  const topo = topoOrder(index);
  const ctx = ctxOf(doc);
  const nodes = new Map<NodeId, NodeInfo>();
  const shapeOf = (id: NodeId): Shape | null => nodes.get(id)?.shape ?? null;
  for (const id of topo.order) nodes.set(id, evaluate(doc, ctx, getId(doc.nodes, id) as GraphNode, inputsOf(index, id), shapeOf));
  evaluateBlocked(doc, ctx, index, topo.blocked, topo.cycle, nodes);
  return {
    doc,
    index,
    order: topo.order,
    blocked: topo.blocked,
    cycle: topo.cycle,
    nodes,
    graphDiagnostics: graphLevel(doc, index, topo.cycle, topo.order, topo.blocked, nodes),
    evaluated: Object.keys(doc.nodes).length,
  };
}

/** Nodes on or after a cycle: no shapes; cycle members are errors, the rest blocked unless wrong themselves. */
function evaluateBlocked(doc: GraphDocument, ctx: InferContext, index: GraphIndex, blocked: readonly NodeId[], cycleIds: readonly NodeId[] | null, nodes: Map<NodeId, NodeInfo>): void {
  if (blocked.length === 0) return;
  const blockedSet = new Set(blocked);
  const onCycle = new Set(cycleIds ?? []);
  const shapeOf = (id: NodeId): Shape | null => (blockedSet.has(id) ? null : (nodes.get(id)?.shape ?? null));
  for (const id of blocked) {
    const info = evaluate(doc, ctx, getId(doc.nodes, id) as GraphNode, inputsOf(index, id), shapeOf);
    nodes.set(id, onCycle.has(id) && info.status === 'blocked' ? { ...info, status: 'error' } : info);
  }
}

/** True when a node's output as its consumers see it (shape, name) is the same. */
function sameOutput(a: NodeInfo, b: NodeInfo): boolean {
  if (a.node.label !== b.node.label) return false;
  const x = a.shape;
  const y = b.shape;
  if (x === y) return true;
  if (x === null || y === null || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Does a node's record differ in anything the shape engine reads (not its position or group)? */
function semanticChange(from: GraphNode | undefined, to: GraphNode): boolean {
  return from === undefined || from.kind !== to.kind || from.params !== to.params || from.label !== to.label || from.id !== to.id;
}

interface Changes {
  readonly seeds: Set<NodeId>;
  /** Nodes whose kind or label changed (graph-level messages read them). */
  readonly renamed: boolean;
}

/** What changed between two documents, found by record identity (pure ops share untouched records). */
function changesByIdentity(prev: GraphDocument, doc: GraphDocument): Changes & { readonly structural: boolean } {
  const seeds = new Set<NodeId>();
  let structural = false;
  let renamed = false;
  if (prev.nodes !== doc.nodes) {
    let common = 0;
    for (const id in doc.nodes) {
      const to = getId(doc.nodes, id) as GraphNode;
      const from = getId(prev.nodes, id);
      if (from !== undefined) common++;
      else structural = true;
      if (from !== to && semanticChange(from, to)) {
        seeds.add(id);
        if (from === undefined || from.kind !== to.kind || from.label !== to.label) renamed = true;
      }
    }
    if (common !== Object.keys(prev.nodes).length) structural = true;
  }
  if (prev.edges !== doc.edges) {
    for (const id in doc.edges) {
      const to = getId(doc.edges, id) as GraphEdge;
      const from = getId(prev.edges, id);
      if (from === to) continue;
      structural = true;
      seeds.add(to.target);
      if (from) seeds.add(from.target);
    }
    for (const id in prev.edges) {
      if (getId(doc.edges, id) === undefined) {
        structural = true;
        seeds.add((getId(prev.edges, id) as GraphEdge).target);
      }
    }
  }
  return { seeds, structural, renamed };
}

/** What changed, read from the edit's diff. */
function changesFromDiff(diff: GraphDiff): Changes {
  const seeds = new Set<NodeId>(Object.keys(diff.nodes.added));
  let renamed = seeds.size > 0 || Object.keys(diff.nodes.removed).length > 0;
  for (const [id, [from, to]] of Object.entries(diff.nodes.updated)) {
    if (semanticChange(from, to)) seeds.add(id);
    if (from.kind !== to.kind || from.label !== to.label) renamed = true;
  }
  for (const e of Object.values(diff.edges.added)) seeds.add(e.target);
  for (const e of Object.values(diff.edges.removed)) seeds.add(e.target);
  for (const [from, to] of Object.values(diff.edges.updated)) seeds.add(from.target).add(to.target);
  return { seeds, renamed };
}


const positionsCache = new WeakMap<readonly NodeId[], ReadonlyMap<NodeId, number>>();
function positionsOf(order: readonly NodeId[]): ReadonlyMap<NodeId, number> {
  let m = positionsCache.get(order);
  if (!m) {
    const mm = new Map<NodeId, number>();
    for (let i = 0; i < order.length; i++) mm.set(order[i] as NodeId, i);
    positionsCache.set(order, mm);
    m = mm;
  }
  return m;
}

/**
 * Revalidates after an edit: the analysis of `doc`, given the analysis of an earlier document.
 * Re-infers the changed nodes (added, params/kind/label edited, inputs rewired) and, in
 * topological order, each consumer of a node whose output changed — nothing else. Pass the edit's
 * `diff` (ops.ts returns one) to skip finding the changes by record identity; either way the
 * result equals `inferShapes(doc)`.
 */
export function revalidate(prev: ShapeAnalysis, doc: GraphDocument, diff?: GraphDiff): ShapeAnalysis {
  if (prev.doc === doc) return prev;
  let changes: Changes;
  let index: GraphIndex;
  if (diff) {
    changes = changesFromDiff(diff);
    index = updateIndex(prev.index, diff);
  } else {
    const c = changesByIdentity(prev.doc, doc);
    changes = c;
    index = c.structural ? buildIndex(doc) : prev.index;
  }
  const structural = index !== prev.index;
  const seeds = changes.seeds;
  const inputChanged = prev.doc.input !== doc.input && (prev.doc.input.height !== doc.input.height || prev.doc.input.width !== doc.input.width || prev.doc.input.channels !== doc.input.channels);
  if (inputChanged) {
    for (const [id, info] of prev.nodes) if (info.node.kind === 'Input') seeds.add(id);
    for (const id of seeds) if (!getId(doc.nodes, id)) seeds.delete(id);
  }

  let order = prev.order;
  let blocked = prev.blocked;
  let cycleIds = prev.cycle;
  if (structural) {
    const topo = topoOrder(index);
    order = topo.order;
    blocked = topo.blocked;
    cycleIds = topo.cycle;
  }
  // Nodes on / after a cycle are redone every time (rare: edits refuse to make cycles), and so is
  // every node that was blocked before (it may be orderable now).
  for (const id of prev.blocked) if (getId(doc.nodes, id)) seeds.add(id);

  const ctx = ctxOf(doc);
  const nodes = new Map(prev.nodes);
  if (structural) for (const id of prev.nodes.keys()) if (!getId(doc.nodes, id)) nodes.delete(id);

  const blockedSet = blocked.length > 0 ? new Set(blocked) : null;
  const pos = positionsOf(order);
  const heap = new MinHeap<number>();
  const queued = new Set<number>();
  const enqueue = (id: NodeId): void => {
    const p = pos.get(id);
    if (p !== undefined && !queued.has(p)) {
      queued.add(p);
      heap.push(p);
    }
  };
  for (const id of seeds) enqueue(id);
  let evaluated = 0;
  const shapeOf = (id: NodeId): Shape | null => nodes.get(id)?.shape ?? null;
  for (let p = heap.pop(); p !== undefined; p = heap.pop()) {
    const id = order[p] as NodeId;
    const before = nodes.get(id);
    const info = evaluate(doc, ctx, getId(doc.nodes, id) as GraphNode, inputsOf(index, id), shapeOf);
    evaluated++;
    nodes.set(id, info);
    if (!before || !sameOutput(before, info)) for (const e of outputsOf(index, id)) enqueue(e.target);
  }
  if (blockedSet) {
    evaluateBlocked(doc, ctx, index, blocked, cycleIds, nodes);
    evaluated += blocked.length;
  }

  const graphDiagnostics = structural || changes.renamed || inputChanged || blocked.length > 0 ? graphLevel(doc, index, cycleIds, order, blocked, nodes) : prev.graphDiagnostics;
  return { doc, index, order, blocked, cycle: cycleIds, nodes, graphDiagnostics, evaluated };
}

// ---------------------------------------------------------------------------------------------
// reading an analysis

/** Every diagnostic: graph-level first, then each node's in topological order (then blocked nodes). */
export function diagnosticsOf(analysis: ShapeAnalysis): readonly Diagnostic[] {
  let cached = diagnosticsCache.get(analysis);
  if (!cached) {
    const out: Diagnostic[] = [...analysis.graphDiagnostics];
    for (const id of analysis.order) {
      const d = analysis.nodes.get(id)?.diagnostics;
      if (d && d.length > 0) out.push(...d);
    }
    for (const id of analysis.blocked) {
      const d = analysis.nodes.get(id)?.diagnostics;
      if (d && d.length > 0) out.push(...d);
    }
    // Repeated blocks (repeat.ts) depend on shapes and groups: checked here, on every analysis.
    out.push(...repeatDiagnostics(analysis.doc, (id) => analysis.nodes.get(id)?.shape ?? null));
    cached = out;
    diagnosticsCache.set(analysis, cached);
  }
  return cached;
}
const diagnosticsCache = new WeakMap<ShapeAnalysis, readonly Diagnostic[]>();

/** True when nothing is an error (warnings and infos allowed). */
export function isValid(analysis: ShapeAnalysis): boolean {
  return !diagnosticsOf(analysis).some((d) => d.severity === 'error');
}

/** Full validation: the analysis and all its diagnostics. */
export function validate(doc: GraphDocument): { analysis: ShapeAnalysis; diagnostics: readonly Diagnostic[]; ok: boolean } {
  const analysis = inferShapes(doc);
  const diagnostics = diagnosticsOf(analysis);
  return { analysis, diagnostics, ok: !diagnostics.some((d) => d.severity === 'error') };
}

/** The output shape of a node (null when it has none). */
export function shapeOf(analysis: ShapeAnalysis, nodeId: NodeId): Shape | null {
  return analysis.nodes.get(nodeId)?.shape ?? null;
}

/** The shape carried by an edge: its source's output shape (null when unknown). */
export function edgeShape(analysis: ShapeAnalysis, edgeId: EdgeId): Shape | null {
  const e = getId(analysis.doc.edges, edgeId);
  return e ? shapeOf(analysis, e.source) : null;
}

/** Every node's output shape, keyed by node id (null where there is none), e.g. for `check --json`. */
export function shapesRecord(analysis: ShapeAnalysis): Record<NodeId, Shape | null> {
  const out: Record<NodeId, Shape | null> = {};
  for (const [id, info] of analysis.nodes) out[id] = info.shape;
  return out;
}

export type ConnectionCheck =
  /** The edge fits; `shape` is the target's output with it, or null when that cannot be told yet (other inputs missing, source without a shape). */
  | { readonly ok: true; readonly shape: Shape | null }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Would an edge source → target's input `port` be valid? For the canvas's `isValidConnection` and
 * a preview of the resulting shape while dragging: refuses cycles, ports beyond the kind's arity
 * and shapes the kind's own inferShape refuses (message names the shapes, as diagnostics do).
 * An occupied port counts as replaced. Pure; O(nodes) for the cycle check.
 */
export function checkConnection(analysis: ShapeAnalysis, source: NodeId, target: NodeId, port: number): ConnectionCheck {
  const doc = analysis.doc;
  const src = getId(doc.nodes, source);
  const dst = getId(doc.nodes, target);
  if (!src || !dst) return { ok: false, code: 'not-found', message: `no node "${!src ? source : target}"` };
  if (source === target || findPath(analysis.index, target, source) !== null) {
    return { ok: false, code: 'cycle', message: `connecting ${nodeTitle(src)} to ${nodeTitle(dst)} would make a cycle` };
  }
  const def = getLayer(dst.kind);
  if (!def) return { ok: false, code: 'unknown-kind', message: `${nodeTitle(dst)}: unknown layer kind "${dst.kind}"` };
  if (def.arity.max !== null && port >= def.arity.max) {
    const max = def.arity.max;
    return { ok: false, code: 'too-many-inputs', message: `${nodeTitle(dst)} takes ${max === 0 ? 'no inputs' : `${max} input${max === 1 ? '' : 's'}`}` };
  }
  const info = analysis.nodes.get(target);
  const byPort = new Map<number, { shape: Shape | null; name: string }>();
  for (const e of inputsOf(analysis.index, target)) {
    const n = getId(doc.nodes, e.source);
    byPort.set(e.targetPort, { shape: analysis.nodes.get(e.source)?.shape ?? null, name: n ? nodeName(n) : e.source });
  }
  byPort.set(port, { shape: analysis.nodes.get(source)?.shape ?? null, name: nodeName(src) });
  const needed = Math.max(def.arity.min, Math.max(...byPort.keys()) + 1);
  const shapes: Shape[] = [];
  for (let p = 0; p < needed; p++) {
    const s = byPort.get(p)?.shape;
    if (!s) return { ok: true, shape: null };
    shapes.push(s);
  }
  if (!info?.params) return { ok: true, shape: null };
  const r = def.inferShape(shapes, info.params, { input: doc.input });
  if (r.ok) return { ok: true, shape: r.shape };
  const message = renderIssue(r.issue.message, shapes, (p) => `${fmtShape(shapes[p])} from "${byPort.get(p)?.name ?? '?'}"`);
  return { ok: false, code: r.issue.code, message: `${nodeTitle(dst)}: ${message}` };
}
