import { useEffect, useRef, useState } from 'react';
import { nodeName } from '../../src-shared/graph/diagnostics.js';
import { getId } from '../../src-shared/graph/records.js';
import type { MergePlace } from '../../src-shared/graph/wiring.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { formatShape } from '../editor/format.js';
import { Modal } from '../ui/Modal.js';

/**
 * Asked when a connection lands on a layer whose inputs are all taken: join the two through an Add
 * (sum; shapes must match) or a Concat (channels stack). By default the merge takes the target's
 * output and the skip (y = F(x) + x); it can go on the target's input instead.
 */
export function MergePrompt() {
  const store = useEditorStore();
  const pending = useEditor((s) => s.pendingMerge);
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const [place, setPlace] = useState<MergePlace>('after');
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (pending !== null) setPlace('after');
  }, [pending]);
  if (pending === null) return null;
  const source = getId(doc.nodes, pending.source);
  const target = getId(doc.nodes, pending.target);
  if (source === undefined || target === undefined) return null;
  const targetInput = analysis.nodes.get(target.id)?.inputs[0];
  const joined = place === 'after' ? target.id : (targetInput?.sourceId ?? target.id);
  const joinedName = nodeName(getId(doc.nodes, joined) ?? target);
  const shapeA = formatShape(analysis.nodes.get(joined)?.shape ?? null);
  const shapeB = formatShape(analysis.nodes.get(source.id)?.shape ?? null);
  const choose = (kind: 'Add' | 'Concat'): void => {
    store.getState().resolveMerge(kind, place);
  };
  return (
    <Modal className="modal merge-prompt" title={`Join “${nodeName(source)}” into “${nodeName(target)}”`} testId="merge-prompt" initialFocus={first} onClose={() => store.getState().cancelMerge()}>
      <p className="muted">
        “{nodeName(target)}” already has its input. Join the skip from “{nodeName(source)}” ({shapeB}) with “{joinedName}” ({shapeA}) through:
      </p>
      <div className="merge-choices">
        <button ref={first} type="button" className="primary" onClick={() => choose('Add')}>
          <strong>Add</strong> (sum, shapes must match)
        </button>
        <button type="button" onClick={() => choose('Concat')}>
          <strong>Concat</strong> (channels stack)
        </button>
      </div>
      <fieldset className="merge-place">
        <legend>Where</legend>
        <label>
          <input type="radio" name="merge-place" checked={place === 'after'} onChange={() => setPlace('after')} /> after “{nodeName(target)}” (its output + the skip)
        </label>
        <label>
          <input type="radio" name="merge-place" checked={place === 'before'} onChange={() => setPlace('before')} /> before “{nodeName(target)}” (its input + the skip)
        </label>
      </fieldset>
      <div className="modal-actions">
        <button type="button" className="ghost" onClick={() => store.getState().cancelMerge()}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
