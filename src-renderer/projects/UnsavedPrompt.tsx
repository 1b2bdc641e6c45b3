import { useEffect, useRef, useState } from 'react';
import { Modal } from '../ui/Modal.js';
import type { ProjectSession, UnsavedChoice, UnsavedQuestion } from './session.js';
import './unsaved.css';

/**
 * "Save / Discard / Cancel" before unsaved work is replaced: a modal alert dialog (Radix, as every
 * dialog of the app, so it also works over the template gallery). Focus moves to Save and is held
 * inside; Escape (or a click outside) is Cancel; focus returns where it was.
 */
export function UnsavedPrompt({ question, onChoose }: { question: UnsavedQuestion; onChoose: (c: UnsavedChoice) => void }) {
  const save = useRef<HTMLButtonElement>(null);
  const inProject = question.project !== null;
  return (
    <Modal
      role="alertdialog"
      className="modal unsaved-prompt"
      backdropClassName="unsaved-backdrop"
      testId="unsaved-prompt"
      title={`Save “${question.name}” first?`}
      initialFocus={save}
      onClose={() => onChoose('cancel')}
    >
      <p id="unsaved-text">
        {inProject
          ? `Its latest changes could not be saved into the project “${question.project ?? ''}”. To ${question.what}, the network on the canvas will be replaced.`
          : `This network is in no project. To ${question.what}, it will be replaced.`}{' '}
        Save keeps it in the project store{inProject ? '' : ' (as a new project)'}; Discard drops it (Undo brings it back until the window is closed).
      </p>
      <div className="modal-actions">
        <button type="button" className="ghost" data-choice="cancel" data-testid="unsaved-cancel" onClick={() => onChoose('cancel')}>
          Cancel
        </button>
        <button type="button" data-choice="discard" data-testid="unsaved-discard" onClick={() => onChoose('discard')}>
          Discard
        </button>
        <button type="button" ref={save} className="primary" data-choice="save" data-testid="unsaved-save" onClick={() => onChoose('save')}>
          Save
        </button>
      </div>
    </Modal>
  );
}

/**
 * Connects the session's question (`beforeReplace`) to the prompt: every command that replaces
 * the network (New, Open, Import, a template, another project, a recovered network) asks through
 * here when the canvas holds unsaved work. Mount once.
 */
export function UnsavedGuard({ session }: { session: ProjectSession }) {
  const [asked, setAsked] = useState<{ q: UnsavedQuestion; answer: (c: UnsavedChoice) => void } | null>(null);
  useEffect(() => {
    session.beforeReplace = (q) =>
      new Promise<UnsavedChoice>((resolve) => {
        setAsked({ q, answer: resolve });
      });
    return () => {
      session.beforeReplace = null;
    };
  }, [session]);
  if (asked === null) return null;
  return (
    <UnsavedPrompt
      question={asked.q}
      onChoose={(c) => {
        setAsked(null);
        asked.answer(c);
      }}
    />
  );
}
