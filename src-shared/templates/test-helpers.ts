import { costReport } from '../graph/cost.js';
import type { Diagnostic } from '../graph/diagnostics.js';
import type { GraphDocument } from '../graph/document.js';
import { validate, type ShapeAnalysis } from '../graph/infer.js';
import { generateTemplate } from './registry.js';

/** For the templates' tests: generate (throwing on bad options) and analyse. */
export interface Generated {
  readonly doc: GraphDocument;
  readonly analysis: ShapeAnalysis;
  /** Errors and warnings (infos such as unused outputs are left out). */
  readonly problems: readonly Diagnostic[];
  /** Trainable parameters, as the cost engine counts them. */
  readonly params: number;
}

export function generated(id: string, options: Record<string, unknown> = {}): Generated {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(r.error.message);
  const v = validate(r.doc);
  return { doc: r.doc, analysis: v.analysis, problems: v.diagnostics.filter((d) => d.severity !== 'info'), params: costReport(v.analysis).totals.params };
}

/** Nodes of a kind. */
export function kinds(doc: GraphDocument, kind: string): string[] {
  return Object.values(doc.nodes)
    .filter((n) => n.kind === kind)
    .map((n) => n.id);
}

/** |a − b| / b. */
export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / b;
}
