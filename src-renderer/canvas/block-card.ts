import { blockSummaries } from '../../src-shared/graph/blocks.js';
import type { GroupId } from '../../src-shared/graph/document.js';
import type { ShapeAnalysis } from '../../src-shared/graph/infer.js';
import { getId } from '../../src-shared/graph/records.js';
import type { Shape } from '../../src-shared/layers/types.js';

/**
 * What a collapsed block shows on the canvas, so it reads as what it is: how many units (child
 * blocks) or layers it holds, the shape going in and coming out, its params and FLOPs, and which
 * joins its skips use inside (add, concat, gate, multiply). From the shape analysis, never
 * recomputed: memoized per analysis.
 */
export interface BlockCard {
  /** Child blocks directly inside (a stage's units); 0 when it holds only layers. */
  readonly units: number;
  readonly layers: number;
  readonly inShape: Shape | null;
  readonly outShape: Shape | null;
  readonly params: number;
  readonly flops: number;
  /** The join kinds of the merges inside, in a fixed order: 'add', 'concat', 'gate', 'multiply'. */
  readonly joins: readonly Join[];
  readonly errors: number;
}

export type Join = 'add' | 'concat' | 'gate' | 'multiply';
const JOIN_OF: Readonly<Record<string, Join>> = { Add: 'add', Concat: 'concat', Gate: 'gate', Multiply: 'multiply' };
const JOIN_ORDER: readonly Join[] = ['add', 'concat', 'gate', 'multiply'];

/** Glyph and words for a join, as the block card and its tooltip print them. */
export const JOIN_GLYPH: Readonly<Record<Join, { glyph: string; words: string }>> = {
  add: { glyph: '⊕', words: 'residual add' },
  concat: { glyph: '⧺', words: 'concatenation' },
  gate: { glyph: '⊗σ', words: 'gated shortcut' },
  multiply: { glyph: '⊗', words: 'multiply' },
};

const cache = new WeakMap<ShapeAnalysis, Map<GroupId, BlockCard | null>>();

export function blockCard(analysis: ShapeAnalysis, groupId: GroupId): BlockCard | null {
  let per = cache.get(analysis);
  if (per === undefined) {
    per = new Map();
    cache.set(analysis, per);
  }
  const hit = per.get(groupId);
  if (hit !== undefined) return hit;
  const doc = analysis.doc;
  const summary = blockSummaries(analysis).get(groupId);
  let card: BlockCard | null = null;
  if (summary !== undefined && getId(doc.groups, groupId) !== undefined) {
    let units = 0;
    for (const g of Object.values(doc.groups)) if (g.parent === groupId) units++;
    const joins = new Set<Join>();
    for (const id of summary.members) {
      const j = JOIN_OF[getId(doc.nodes, id)?.kind ?? ''];
      if (j !== undefined) joins.add(j);
    }
    // The shape coming in: the main input (port 0) of the first member that takes one from outside.
    const first = [...summary.inputs].sort((a, b) => summary.members.indexOf(a.target) - summary.members.indexOf(b.target) || a.targetPort - b.targetPort)[0];
    const inShape = first === undefined ? null : (analysis.nodes.get(first.source)?.shape ?? null);
    card = {
      units,
      layers: summary.members.length,
      inShape,
      outShape: summary.outputShape,
      params: summary.params,
      flops: summary.flops,
      joins: JOIN_ORDER.filter((j) => joins.has(j)),
      errors: summary.errors,
    };
  }
  per.set(groupId, card);
  return card;
}
