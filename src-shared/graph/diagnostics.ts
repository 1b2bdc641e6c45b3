import type { z } from 'zod';
import { fmtShape, renderIssue } from '../layers/lib/shape.js';
import type { AnyLayerDef } from '../layers/registry.js';
import type { LayerIssue, Shape } from '../layers/types.js';
import type { EdgeId, GraphDocument, GraphEdge, GraphNode, GroupId, NodeId } from './document.js';
import { getId } from './records.js';

/**
 * Located, actionable diagnostics (ARCHITECTURE.md principle 3). Every diagnostic names its node
 * (kind and label, or id) and, where inputs are involved, the edges and the shapes on them, e.g.
 *   Add "block2_add": inputs differ — [16,16,32] from "conv2b" vs [32,32,16] from "block1_out"
 * and carries the data a quick fix needs (`inputs`: port, edge, source node and shape of each
 * input involved; `shape`: the node's own output shape when it has one) without proposing the
 * fix itself. The shape engine (infer.ts) creates them; this module owns their words.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Codes the graph itself raises; layer kinds add their own (`merge-shape-mismatch`, `window-too-large`, …). */
export type GraphDiagnosticCode =
  | 'unknown-kind'
  | 'invalid-params'
  | 'missing-input'
  | 'too-many-inputs'
  | 'port-conflict'
  | 'dangling-edge'
  | 'cycle'
  | 'no-output-head'
  | 'no-input'
  | 'multiple-inputs'
  | 'disconnected'
  | 'unused-output'
  | 'empty-graph'
  | 'internal-error';

/** One input of a node as a diagnostic reports it. */
export interface DiagnosticInput {
  readonly port: number;
  /** The port's name when the kind names its ports (Gate: x, F; Crop: x, reference). */
  readonly portName?: string;
  readonly edgeId: EdgeId;
  readonly sourceId: NodeId;
  /** The source's output shape; null when it has none (its own error upstream). */
  readonly shape: Shape | null;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable machine code: a GraphDiagnosticCode or a layer issue code. */
  readonly code: GraphDiagnosticCode | (string & {});
  /** Names the node, its inputs and both shapes where shapes are involved. */
  readonly message: string;
  /** The node at fault; absent only for document-wide ones (empty graph, no output head without a sink). */
  readonly nodeId?: NodeId;
  /** The node's kind (when it has a node). */
  readonly kind?: string;
  /** The edges involved (the mismatched inputs, the edges of a cycle, a dangling edge). */
  readonly edgeIds: readonly EdgeId[];
  /** Every node involved, for diagnostics about several (a cycle, a disconnected piece). */
  readonly nodeIds?: readonly NodeId[];
  /** The block at fault, for diagnostics about a block (a repeated block that cannot repeat). */
  readonly groupId?: GroupId;
  /** For problems with inputs (shape mismatches above all): each input involved, with its shape. */
  readonly inputs?: readonly DiagnosticInput[];
  /** For invalid params: the zod issue path inside the params, e.g. ['filters']. */
  readonly paramPath?: readonly PropertyKey[];
  /** The input port a missing-input / layer issue is about. */
  readonly port?: number;
}

// ---- naming ----

/** How a message names a node: its label, else its id. */
export function nodeName(node: Pick<GraphNode, 'id' | 'label'>): string {
  return node.label !== undefined && node.label.length > 0 ? node.label : node.id;
}

/** `Add "block2_add"`. */
export function nodeTitle(node: Pick<GraphNode, 'id' | 'label' | 'kind'>): string {
  return `${node.kind} "${nodeName(node)}"`;
}

function sourceName(doc: GraphDocument, id: NodeId): string {
  const n = getId(doc.nodes, id);
  return n ? nodeName(n) : id;
}

/** `[16,16,32] from "conv2b"`. */
export function describeInput(doc: GraphDocument, input: DiagnosticInput): string {
  return `${fmtShape(input.shape)} from "${sourceName(doc, input.sourceId)}"`;
}

function portLabel(def: AnyLayerDef | undefined, port: number): string {
  const name = def?.ports?.[port];
  return name ? `input ${port} (${name})` : `input ${port}`;
}

// ---- node-level diagnostics (created while inferring) ----

export function unknownKind(node: GraphNode, known: readonly string[]): Diagnostic {
  const hint = closest(node.kind, known);
  return {
    severity: 'error',
    code: 'unknown-kind',
    message: `${nodeTitle(node)}: unknown layer kind "${node.kind}"${hint ? ` — did you mean ${hint}?` : ''}`,
    nodeId: node.id,
    kind: node.kind,
    edgeIds: [],
  };
}

export function invalidParams(node: GraphNode, issues: readonly z.core.$ZodIssue[]): Diagnostic[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const value = pathValue(node.params, issue.path);
    const shown = value === undefined ? '' : ` (is ${JSON.stringify(value)})`;
    return {
      severity: 'error' as const,
      code: 'invalid-params',
      message: `${nodeTitle(node)}: param "${path || '(params)'}"${shown}: ${issue.message}`,
      nodeId: node.id,
      kind: node.kind,
      edgeIds: [],
      paramPath: issue.path,
    };
  });
}

export function missingInput(node: GraphNode, def: AnyLayerDef, port: number, connected: number): Diagnostic {
  const needs = def.arity.max === def.arity.min ? `${def.arity.min}` : def.arity.max === null ? `at least ${def.arity.min}` : `${def.arity.min}–${def.arity.max}`;
  return {
    severity: 'error',
    code: 'missing-input',
    message: `${nodeTitle(node)}: ${portLabel(def, port)} is not connected (it takes ${needs} input${needs === '1' ? '' : 's'}, ${connected} connected)`,
    nodeId: node.id,
    kind: node.kind,
    edgeIds: [],
    port,
  };
}

export function tooManyInputs(doc: GraphDocument, node: GraphNode, def: AnyLayerDef, extra: readonly GraphEdge[]): Diagnostic {
  const max = def.arity.max ?? 0;
  const what = extra.map((e) => `"${sourceName(doc, e.source)}" on input ${e.targetPort}`).join(', ');
  return {
    severity: 'error',
    code: 'too-many-inputs',
    message: `${nodeTitle(node)}: takes ${max === 0 ? 'no inputs' : `${max} input${max === 1 ? '' : 's'}`}; extra: ${what}`,
    nodeId: node.id,
    kind: node.kind,
    edgeIds: extra.map((e) => e.id),
  };
}

export function portConflict(doc: GraphDocument, node: GraphNode, def: AnyLayerDef, edges: readonly GraphEdge[]): Diagnostic {
  const port = edges[0]?.targetPort ?? 0;
  return {
    severity: 'error',
    code: 'port-conflict',
    message: `${nodeTitle(node)}: ${portLabel(def, port)} has ${edges.length} edges (${edges.map((e) => `from "${sourceName(doc, e.source)}"`).join(', ')}); keep one`,
    nodeId: node.id,
    kind: node.kind,
    edgeIds: edges.map((e) => e.id),
    port,
  };
}

/** A layer's own issue (shape mismatch, window too large, …), located and with its inputs' shapes. */
export function layerIssue(doc: GraphDocument, node: GraphNode, def: AnyLayerDef, issue: LayerIssue, inputs: readonly DiagnosticInput[]): Diagnostic {
  const byPort = new Map<number, DiagnosticInput>(inputs.map((i) => [i.port, i]));
  const ports = issue.ports ?? (issue.port !== undefined ? [issue.port] : inputs.map((i) => i.port));
  const involved = ports.map((p) => byPort.get(p)).filter((i): i is DiagnosticInput => i !== undefined);
  const message = renderIssue(
    issue.message,
    inputs.map((i) => i.shape),
    (port) => {
      const i = byPort.get(port);
      return i ? describeInput(doc, i) : `[?] (input ${port})`;
    },
  );
  const d: Diagnostic = {
    severity: 'error',
    code: issue.code,
    message: `${nodeTitle(node)}: ${message}`,
    nodeId: node.id,
    kind: def.kind,
    edgeIds: involved.map((i) => i.edgeId),
    inputs: involved,
  };
  return issue.port !== undefined ? { ...d, port: issue.port } : d;
}

export function internalError(node: GraphNode, err: unknown): Diagnostic {
  const why = err instanceof Error ? err.message : String(err);
  return { severity: 'error', code: 'internal-error', message: `${nodeTitle(node)}: could not infer its shape (${why})`, nodeId: node.id, kind: node.kind, edgeIds: [] };
}

// ---- graph-level diagnostics ----

export function danglingEdge(doc: GraphDocument, edge: GraphEdge): Diagnostic {
  const src = getId(doc.nodes, edge.source);
  const dst = getId(doc.nodes, edge.target);
  const missing = !src && !dst ? `both ends ("${edge.source}", "${edge.target}") are missing` : !src ? `its source "${edge.source}" is missing` : `its target "${edge.target}" is missing`;
  const at = dst ?? src;
  return {
    severity: 'error',
    code: 'dangling-edge',
    message: `Edge "${edge.id}" ${src ? `from ${nodeTitle(src)} ` : ''}${dst ? `into ${nodeTitle(dst)} ` : ''}is dangling: ${missing}`,
    ...(at ? { nodeId: at.id, kind: at.kind } : {}),
    edgeIds: [edge.id],
  };
}

export function cycle(doc: GraphDocument, ids: readonly NodeId[], edgeIds: readonly EdgeId[]): Diagnostic {
  const first = ids[0];
  const names = [...ids, ...(first !== undefined ? [first] : [])].map((id) => `"${sourceName(doc, id)}"`).join(' → ');
  const node = first !== undefined ? getId(doc.nodes, first) : undefined;
  return {
    severity: 'error',
    code: 'cycle',
    message: `Cycle: ${names} — a network must be acyclic; remove one of these edges`,
    ...(node ? { nodeId: node.id, kind: node.kind } : {}),
    edgeIds,
    nodeIds: ids,
  };
}

export function emptyGraph(): Diagnostic {
  return { severity: 'info', code: 'empty-graph', message: 'The graph is empty: start with an Input node', edgeIds: [] };
}

/** `sink` is the natural place for a head: a node whose output nothing uses. */
export function noOutputHead(sink: GraphNode | undefined): Diagnostic {
  const where = sink ? ` (e.g. after ${nodeTitle(sink)})` : '';
  return {
    severity: 'warning',
    code: 'no-output-head',
    message: `No output head: add a ClassificationHead, SegmentationHead or RegressionHead${where} to train the network`,
    ...(sink ? { nodeId: sink.id, kind: sink.kind } : {}),
    edgeIds: [],
  };
}

export function noInput(first: GraphNode): Diagnostic {
  return { severity: 'error', code: 'no-input', message: 'No Input node: the network has nothing to read the images from', nodeId: first.id, kind: first.kind, edgeIds: [] };
}

export function multipleInputs(inputs: readonly GraphNode[]): Diagnostic {
  const [first, ...rest] = inputs;
  return {
    severity: 'warning',
    code: 'multiple-inputs',
    message: `${inputs.length} Input nodes (${inputs.map((n) => `"${nodeName(n)}"`).join(', ')}): they all read the same image; one is enough`,
    ...(first ? { nodeId: rest[0]?.id ?? first.id, kind: 'Input' } : {}),
    edgeIds: [],
    nodeIds: inputs.map((n) => n.id),
  };
}

export function disconnected(piece: readonly GraphNode[], pieces: number): Diagnostic {
  const [first] = piece;
  const shown = piece.slice(0, 4).map((n) => `"${nodeName(n)}"`).join(', ');
  const more = piece.length > 4 ? ` and ${piece.length - 4} more` : '';
  return {
    severity: 'warning',
    code: 'disconnected',
    message: `${piece.length === 1 ? 'Node' : `${piece.length} nodes`} ${shown}${more} ${piece.length === 1 ? 'is' : 'are'} not connected to the network (the graph has ${pieces} separate pieces)`,
    ...(first ? { nodeId: first.id, kind: first.kind } : {}),
    edgeIds: [],
    nodeIds: piece.map((n) => n.id),
  };
}

export function unusedOutput(node: GraphNode): Diagnostic {
  return { severity: 'info', code: 'unused-output', message: `${nodeTitle(node)}: its output is not used`, nodeId: node.id, kind: node.kind, edgeIds: [] };
}

// ---- helpers over lists ----

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) c[d.severity]++;
  return c;
}

/** Errors first, then warnings, then infos; stable within a severity. */
export function bySeverity(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => [d, i] as const)
    .sort(([a, i], [b, j]) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || i - j)
    .map(([d]) => d);
}

function pathValue(params: Readonly<Record<string, unknown>>, path: readonly PropertyKey[]): unknown {
  let v: unknown = params;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || typeof k === 'symbol') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** The known kind closest to a misspelt one (case-insensitive, small edit distance). */
function closest(kind: string, known: readonly string[]): string | undefined {
  const k = kind.toLowerCase();
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(k.length / 3)) + 1;
  for (const cand of known) {
    const d = editDistance(k, cand.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
