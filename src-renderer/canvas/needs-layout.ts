import type { GraphDocument } from '../../src-shared/graph/document.js';

/** True when a document has no layout to speak of (two or more layers, all at one spot): it is laid out before it is drawn. */
export function needsLayout(doc: GraphDocument): boolean {
  const at = new Set(Object.values(doc.nodes).map((n) => `${Math.round(n.position.x)},${Math.round(n.position.y)}`));
  return Object.keys(doc.nodes).length > 1 && at.size === 1;
}
