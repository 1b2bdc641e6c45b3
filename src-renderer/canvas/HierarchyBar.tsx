import { useMemo } from 'react';
import { hierarchyDepth, openDepth } from '../../src-shared/graph/hierarchy.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { useDirection } from './direction.js';

/**
 * The canvas's view bar: how much of the block hierarchy is open — Expand all, Collapse all,
 * Collapse to depth N (also `]`, `[` and the digit keys) — and the flow direction, left to right
 * or top to bottom (kept with the network). Each is one undoable edit, laid out again.
 */
export function HierarchyBar() {
  const store = useEditorStore();
  const groups = useEditor((s) => s.doc.groups);
  const busy = useEditor((s) => s.layoutBusy);
  const dir = useDirection();
  // Recomputed when the blocks change (`groups` is a new object after every block edit); both read only the blocks.
  const { levels, open } = useMemo(() => {
    const doc = store.getState().doc;
    return { levels: hierarchyDepth(doc), open: openDepth(doc) };
  }, [groups, store]);
  const s = store.getState();
  return (
    <div className="hierarchy-bar" role="toolbar" aria-label="Blocks and layout" data-testid="hierarchy-bar">
      {levels > 0 && (
        <>
          <button type="button" onClick={() => void s.collapseTo(Infinity)} disabled={busy || open === Infinity} title="Expand every block (])" data-testid="expand-all">
            Expand all
          </button>
          <button type="button" onClick={() => void s.collapseTo(0)} disabled={busy || open === 0} title="Collapse every block: the network reads as its top-level blocks ([)" data-testid="collapse-all">
            Collapse all
          </button>
          {levels > 1 && (
            <label className="depth-pick" title="Expand blocks shallower than N, collapse the rest (keys 1–9)">
              Depth
              <select
                aria-label="Collapse to depth"
                data-testid="collapse-depth"
                value={open === Infinity ? 'all' : String(open)}
                disabled={busy}
                onChange={(e) => void s.collapseTo(e.currentTarget.value === 'all' ? Infinity : Number(e.currentTarget.value))}
              >
                {Array.from({ length: levels }, (_, i) => (
                  <option key={i} value={String(i)}>
                    {i}
                  </option>
                ))}
                <option value="all">all</option>
              </select>
            </label>
          )}
          <span className="sep" aria-hidden="true" />
        </>
      )}
      <div className="segmented" role="group" aria-label="Layout direction">
        <button type="button" aria-pressed={dir === 'LR'} disabled={busy} onClick={() => dir !== 'LR' && void s.setDirection('LR')} title="Lay the network out left to right" data-testid="direction-lr">
          → Left–right
        </button>
        <button type="button" aria-pressed={dir === 'TB'} disabled={busy} onClick={() => dir !== 'TB' && void s.setDirection('TB')} title="Lay the network out top to bottom (as Neural Network Console and Deep Network Designer draw)" data-testid="direction-tb">
          ↓ Top–bottom
        </button>
      </div>
      {busy && <span className="busy" role="status">Laying out…</span>}
    </div>
  );
}
