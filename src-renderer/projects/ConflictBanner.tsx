import { useState } from 'react';
import { useProject } from '../state/project-store.js';
import type { ProjectSession } from './session.js';
import './projects.css';

/**
 * Shown when a save was refused because another window (or process) saved this project since this
 * window loaded it, or when saving failed (the project was deleted elsewhere, the disk is full …).
 * Nothing is written until the person chooses.
 */
export function ConflictBanner({ session }: { session: ProjectSession }) {
  const status = useProject((s) => s.autosave);
  const name = useProject((s) => s.name);
  const [busy, setBusy] = useState(false);
  if (status.kind !== 'conflict' && status.kind !== 'error') return null;
  const act = (fn: () => Promise<unknown>): void => {
    setBusy(true);
    void fn().finally(() => setBusy(false));
  };
  const project = name === undefined ? 'this project' : `“${name}”`;
  return (
    <div className="conflict-banner" role="alert" data-testid={status.kind === 'conflict' ? 'conflict-banner' : 'save-error-banner'}>
      {status.kind === 'conflict' ? (
        <div className="conflict-text">
          <strong>Not saved: {project} was saved in another window.</strong>{' '}
          <span>
            It is at revision {status.theirRevision}; this window loaded revision {status.myRevision}. Your changes are still here and nothing was overwritten.
          </span>
        </div>
      ) : (
        <div className="conflict-text">
          <strong>Not saved: {status.message}</strong> <span>Your network is still here. Try again, or keep it as a new project.</span>
        </div>
      )}
      <div className="conflict-actions">
        {status.kind === 'conflict' ? (
          <>
            <button type="button" disabled={busy} onClick={() => act(() => session.loadTheirs())} title="Discard this window's changes and open the project as the other window saved it">
              Load theirs
            </button>
            <button type="button" disabled={busy} onClick={() => act(() => session.keepMine())} title="Write this window's network over the other window's">
              Keep mine
            </button>
          </>
        ) : (
          <button type="button" disabled={busy} onClick={() => act(() => session.save())} title="Save into this project again">
            Try again
          </button>
        )}
        <button type="button" className="primary" disabled={busy} onClick={() => act(() => session.saveMineAsNew())} title="Keep this window's network as a new project">
          Save mine as a new project
        </button>
      </div>
    </div>
  );
}
