import { costReport } from '../../src-shared/graph/cost.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { diagnosticsOf, inferShapes } from '../../src-shared/graph/infer.js';
import { migrateDocument } from '../../src-shared/graph/migrations.js';

/** What a graph version is, in numbers: for the version view and the comparison table. */
export interface VersionFacts {
  readonly name: string;
  readonly input: string;
  readonly layers: number;
  /** Layer kinds and how many of each, most frequent first. */
  readonly kinds: readonly (readonly [string, number])[];
  readonly params: number;
  readonly flops: number;
  readonly errors: number;
}

export function versionFacts(doc: GraphDocument): VersionFacts {
  const analysis = inferShapes(doc);
  const totals = costReport(analysis).totals;
  const counts = new Map<string, number>();
  for (const n of Object.values(doc.nodes)) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  return {
    name: doc.meta.name,
    input: `${doc.input.height}×${doc.input.width}×${doc.input.channels}`,
    layers: Object.keys(doc.nodes).length,
    kinds: [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    params: totals.params,
    flops: totals.flops,
    errors: diagnosticsOf(analysis).filter((d) => d.severity === 'error').length,
  };
}

/** A document as the store returned it, upgraded to the current schema; or the one-line reason it cannot be read. */
export function readStoredDocument(json: unknown): { ok: true; doc: GraphDocument } | { ok: false; message: string } {
  const r = migrateDocument(json);
  return r.ok ? { ok: true, doc: r.doc } : { ok: false, message: r.error.message };
}
