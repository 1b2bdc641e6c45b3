import type { AnyLayerDef } from '../../src-shared/layers/registry.js';
import type { LayerCategory } from '../../src-shared/layers/types.js';

/** Palette order of the roles. */
export const CATEGORY_ORDER: readonly LayerCategory[] = ['Input', 'Convolution', 'Normalization', 'Activation', 'Pooling', 'Merge', 'Resize', 'Regularization', 'Dense', 'Output', 'Utility'];

/**
 * The palette's groups for a search: every word of the query must appear in the layer's label,
 * kind, role or description (case-insensitive); empty groups are dropped; roles in palette order.
 */
export function filterPalette(byCategory: ReadonlyMap<LayerCategory, readonly AnyLayerDef[]>, query: string): [LayerCategory, AnyLayerDef[]][] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const out: [LayerCategory, AnyLayerDef[]][] = [];
  const order = [...CATEGORY_ORDER, ...[...byCategory.keys()].filter((c) => !CATEGORY_ORDER.includes(c))];
  for (const category of order) {
    const defs = byCategory.get(category) ?? [];
    const hits = defs.filter((d) => {
      const text = `${d.label} ${d.kind} ${d.category} ${d.description}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
    // Matches on the name first.
    hits.sort((a, b) => Number(!nameHit(a, words)) - Number(!nameHit(b, words)));
    if (hits.length > 0) out.push([category, hits]);
  }
  return out;
}

function nameHit(d: AnyLayerDef, words: readonly string[]): boolean {
  const name = `${d.label} ${d.kind}`.toLowerCase();
  return words.every((w) => name.includes(w));
}

/** What Enter in the search adds: the first layer whose name matches, else the first listed. */
export function bestMatch(groups: readonly (readonly [LayerCategory, readonly AnyLayerDef[]])[], query: string): AnyLayerDef | undefined {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  for (const [, defs] of groups) for (const d of defs) if (`${d.label} ${d.kind}`.toLowerCase() === words.join(' ')) return d;
  for (const [, defs] of groups) for (const d of defs) if (nameHit(d, words)) return d;
  return groups[0]?.[1][0];
}
