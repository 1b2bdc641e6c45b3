import { useEffect, useState } from 'react';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { useEditor } from '../editor/context.js';
import type { EditorMessage } from '../editor/store.js';
import { readableText } from '../notices/text.js';
import '../notices/notices.css';

/**
 * The editor's last refusal (an edit of the graph it would not make, and why), at the top of the
 * Problems panel: shown until the network changes or the person dismisses it. (The top notice says
 * it too; this keeps it beside the problems it is about.)
 */
export function LastRefusal() {
  const message = useEditor((s) => s.message);
  const doc = useEditor((s) => s.doc);
  const [shown, setShown] = useState<{ m: EditorMessage; doc: GraphDocument } | null>(null);
  useEffect(() => {
    if (message !== null && message.level !== 'info') setShown((cur) => (cur?.m === message ? cur : { m: message, doc }));
    // (doc is read when the message arrives, not followed)
  }, [message]);
  if (shown === null || shown.doc !== doc) return null;
  return (
    <p className={`problem problem-refusal sev-${shown.m.level}`} data-testid="problem-refusal">
      <span className="problem-message">
        <b>Refused:</b> {readableText(shown.m.text)}
      </span>
      <button type="button" className="ghost" aria-label="Dismiss" title="Dismiss" onClick={() => setShown(null)}>
        ×
      </button>
    </p>
  );
}
