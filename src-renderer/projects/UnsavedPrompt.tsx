import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ProjectSession, UnsavedChoice, UnsavedQuestion } from './session.js';
import './unsaved.css';

/**
 * "Save / Discard / Cancel" before unsaved work is replaced: a modal alert dialog. Focus moves to
 * Save and is held inside; Escape (or a click outside) is Cancel; focus returns where it was.
 */
export function UnsavedPrompt({ question, onChoose }: { question: UnsavedQuestion; onChoose: (c: UnsavedChoice) => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    box.current?.querySelector<HTMLButtonElement>('[data-choice="save"]')?.focus();
    // Focus goes back where it was once the caller has re-rendered (the button that asked may be busy until then).
    return () => {
      setTimeout(() => before?.focus(), 0);
    };
  }, []);
  const keep = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onChoose('cancel');
      return;
    }
    if (e.key !== 'Tab') return;
    const buttons = [...(box.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (first === undefined || last === undefined) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  const inProject = question.project !== null;
  return (
    <div className="modal-backdrop unsaved-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onChoose('cancel')}>
      <div ref={box} className="modal unsaved-prompt" role="alertdialog" aria-modal="true" aria-labelledby="unsaved-title" aria-describedby="unsaved-text" data-testid="unsaved-prompt" onKeyDown={keep}>
        <h3 id="unsaved-title">Save “{question.name}” first?</h3>
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
          <button type="button" className="primary" data-choice="save" data-testid="unsaved-save" onClick={() => onChoose('save')}>
            Save
          </button>
        </div>
      </div>
    </div>
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
