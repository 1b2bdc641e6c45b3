import type { Diagnostic } from '../../src-shared/graph/diagnostics.js';
import type { QuickFix } from '../../src-shared/graph/fix-types.js';
import { diagnosticsOf, revalidate } from '../../src-shared/graph/infer.js';
import type { ShapeAnalysis } from '../../src-shared/graph/infer.js';
import { getLayer } from '../../src-shared/layers/registry.js';
import type { Shape } from '../../src-shared/layers/types.js';

/**
 * What a quick fix would do, shown before it is applied: the fix runs on the document (pure, so the
 * document itself is untouched), the shape engine revalidates the copy, and the preview lists the
 * nodes added, removed and changed with their resulting shapes, and whether the problem is gone.
 */

export interface PreviewNode {
  readonly id: string;
  readonly kind: string;
  /** The node's face summary (`1×1, 64, /2`). */
  readonly summary: string;
  readonly shape: Shape | null;
}

export type FixPreview =
  | {
      readonly ok: true;
      /** The diagnostic (same code on the same node) no longer appears. */
      readonly resolved: boolean;
      readonly errorsBefore: number;
      readonly errorsAfter: number;
      readonly added: readonly PreviewNode[];
      readonly removed: readonly PreviewNode[];
      readonly changed: readonly PreviewNode[];
      readonly edgesAdded: number;
      readonly edgesRemoved: number;
    }
  | { readonly ok: false; readonly error: string };

function errorCount(a: ShapeAnalysis): number {
  return diagnosticsOf(a).filter((d) => d.severity === 'error').length;
}

function describe(a: ShapeAnalysis, id: string): PreviewNode {
  const info = a.nodes.get(id);
  const node = a.doc.nodes[id];
  const kind = node?.kind ?? '?';
  const def = getLayer(kind);
  let summary = '';
  if (def !== undefined && info?.params !== undefined) {
    try {
      summary = def.summary(info.params);
    } catch {
      summary = '';
    }
  }
  return { id, kind: def?.label ?? kind, summary, shape: info?.shape ?? null };
}

export function previewFix(analysis: ShapeAnalysis, diagnostic: Diagnostic, fix: QuickFix): FixPreview {
  let r;
  try {
    r = fix.apply(analysis.doc);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (!r.ok) return { ok: false, error: r.error.message };
  const after = revalidate(analysis, r.doc, r.diff);
  const still = diagnosticsOf(after).some((d) => d.code === diagnostic.code && d.nodeId === diagnostic.nodeId);
  return {
    ok: true,
    resolved: !still,
    errorsBefore: errorCount(analysis),
    errorsAfter: errorCount(after),
    added: Object.keys(r.diff.nodes.added).map((id) => describe(after, id)),
    removed: Object.keys(r.diff.nodes.removed).map((id) => describe(analysis, id)),
    changed: Object.keys(r.diff.nodes.updated)
      .filter((id) => {
        const pair = r.diff.nodes.updated[id];
        return pair !== undefined && (pair[0].kind !== pair[1].kind || pair[0].params !== pair[1].params);
      })
      .map((id) => describe(after, id)),
    edgesAdded: Object.keys(r.diff.edges.added).length,
    edgesRemoved: Object.keys(r.diff.edges.removed).length,
  };
}
