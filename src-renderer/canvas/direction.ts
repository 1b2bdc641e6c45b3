import { useEditor } from '../editor/context.js';
import type { Direction } from '../editor/geometry.js';

/** The open network's flow direction (kept in the document: left to right unless it says top to bottom). */
export function useDirection(): Direction {
  return useEditor((s) => s.doc.meta.view?.direction ?? 'LR');
}
