import { useRef, useState } from 'react';
import { useProject } from '../state/project-store.js';
import { Modal } from '../ui/Modal.js';
import './projects.css';

const MAX_MESSAGE = 2000;

/** Asks for a version's message (what changed, why); Enter saves, Escape cancels. */
export function SaveVersionDialog({ onSave, onClose }: { onSave: (message: string) => void; onClose: () => void }) {
  const [message, setMessage] = useState('');
  const inProject = useProject((s) => s.current !== undefined);
  const input = useRef<HTMLTextAreaElement>(null);
  const save = (): void => onSave(message.trim());
  return (
    <Modal
      className="modal save-version-dialog"
      title="Save version"
      testId="save-version-dialog"
      initialFocus={input}
      onClose={onClose}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          save();
        }
      }}
    >
      <p className="muted small">
        The network as it is now is kept as an immutable version you can compare with and restore.
        {inProject ? '' : ' It is in no project yet: saving creates one for it first.'}
      </p>
      <label className="save-version-label" htmlFor="save-version-message">
        Message
      </label>
      <textarea
        id="save-version-message"
        ref={input}
        rows={3}
        maxLength={MAX_MESSAGE}
        value={message}
        placeholder="What changed, e.g. “projection shortcuts in stage 2”"
        onChange={(e) => setMessage(e.target.value)}
        data-testid="save-version-message"
      />
      <div className="modal-actions">
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={save} data-testid="save-version-confirm">
          Save version
        </button>
      </div>
    </Modal>
  );
}
