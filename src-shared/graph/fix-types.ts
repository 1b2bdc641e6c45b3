import type { GraphDocument } from './document.js';
import type { OpResult } from './ops.js';

/**
 * A one-click fix for a diagnostic (insert a 1×1 projection, crop, pad, resize, switch add ↔
 * concat, set padding to same). `apply` is a pure edit: the editor previews it by applying it to
 * a copy and showing the shapes that result, and commits it as one undoable step.
 */
export interface QuickFix {
  /** Stable within its diagnostic, e.g. `insert-projection`, `switch-to-concat`. */
  readonly id: string;
  /** What the button says, with the inferred numbers: `Insert 1×1 conv (stride 2, 32 filters) + BN on the shortcut`. */
  readonly label: string;
  /** One sentence on what changes and why. */
  readonly description: string;
  apply(doc: GraphDocument): OpResult;
}
