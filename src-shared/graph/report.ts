import type { Shape } from '../layers/types.js';
import { costReport } from './cost.js';
import { bySeverity, type Severity } from './diagnostics.js';
import type { GraphDocument, NodeId } from './document.js';
import { fixesFor } from './fixes.js';
import { diagnosticsOf, inferShapes, type ShapeAnalysis } from './infer.js';
import { migrateDocument, type MigrationError } from './migrations.js';

/**
 * One checked document, as `skipwire check` prints it and the graph service returns it: shapes,
 * params and FLOPs per node and in total, and every diagnostic with the labels of its fixes.
 */
export interface CheckedNode {
  readonly id: NodeId;
  readonly label?: string;
  readonly kind: string;
  readonly shape: Shape | null;
  /** Trainable params and multiply-adds (0 when the node has no shape). */
  readonly params: number;
  readonly flops: number;
  readonly status: 'ok' | 'error' | 'blocked';
}

export interface CheckedDiagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly node?: NodeId;
  readonly edgeIds: readonly string[];
  readonly fixes: readonly { readonly id: string; readonly label: string }[];
}

export interface CheckReport {
  readonly name: string;
  /** No errors (warnings and infos allowed). */
  readonly ok: boolean;
  readonly params: number;
  readonly nonTrainable: number;
  readonly flops: number;
  readonly nodes: number;
  /** The schema version the document was migrated from, or null when it was current. */
  readonly migratedFrom: number | null;
  /** Errors first, then warnings, then infos. */
  readonly diagnostics: readonly CheckedDiagnostic[];
  /** Output shape per node id (null where there is none). */
  readonly shapes: Readonly<Record<NodeId, Shape | null>>;
  /** Every node: topological order first, then nodes on or after a cycle. */
  readonly table: readonly CheckedNode[];
}

/** The report of an analysed document. */
export function reportOf(analysis: ShapeAnalysis, migratedFrom: number | null = null): CheckReport {
  const doc = analysis.doc;
  const cost = costReport(analysis);
  const diagnostics = bySeverity([...diagnosticsOf(analysis)]).map((d): CheckedDiagnostic => {
    const fixes = fixesFor(analysis, d).map((f) => ({ id: f.id, label: f.label }));
    return { severity: d.severity, code: d.code, message: d.message, ...(d.nodeId === undefined ? {} : { node: d.nodeId }), edgeIds: d.edgeIds, fixes };
  });
  const shapes: Record<NodeId, Shape | null> = {};
  const table: CheckedNode[] = [];
  for (const id of [...analysis.order, ...analysis.blocked]) {
    const info = analysis.nodes.get(id);
    if (info === undefined) continue;
    shapes[id] = info.shape;
    const c = cost.nodes.get(id);
    table.push({ id, ...(info.node.label === undefined ? {} : { label: info.node.label }), kind: info.node.kind, shape: info.shape, params: c?.params ?? 0, flops: c?.flops ?? 0, status: info.status });
  }
  return {
    name: doc.meta.name,
    ok: !diagnostics.some((d) => d.severity === 'error'),
    params: cost.totals.params,
    nonTrainable: cost.totals.nonTrainable,
    flops: cost.totals.flops,
    nodes: Object.keys(doc.nodes).length,
    migratedFrom,
    diagnostics,
    shapes,
    table,
  };
}

/**
 * Checks any parsed JSON value: migrated to the current schema (a file that is not a document,
 * is newer, or is corrupt comes back as the migration's one-line error), then analysed.
 */
export function checkDocument(json: unknown): { ok: true; doc: GraphDocument; report: CheckReport } | { ok: false; error: MigrationError } {
  const m = migrateDocument(json);
  if (!m.ok) return m;
  return { ok: true, doc: m.doc, report: reportOf(inferShapes(m.doc), m.migratedFrom) };
}
