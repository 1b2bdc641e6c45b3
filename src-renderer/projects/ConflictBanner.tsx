import { useState } from 'react';
import { useProject } from '../state/project-store.js';
import type { ProjectSession } from './session.js';
import './projects.css';

/**
 * Shown when a save was refused because another window (or process) saved this project since this
 * window loaded it. Nothing is written until the person chooses.
 */
export function ConflictBanner({ session }: { session: ProjectSession }) {
  const status = useProject((s) => s.autosave);
  const name = useProject((s) => s.name);
  const [busy, setBusy] = useState(false);
  if (status.kind !== 'conflict') return null;
  const act = (fn: () => Promise<boolean>): void => {
    setBusy(true);
    void fn().finally(() => setBusy(false));
  };
  return (
    <div className="conflict-banner" role="alert" data-testid="conflict-banner">
      <div className="conflict-text">
        <strong>Not saved: {name === undefined ? 'this project' : `“${name}”`} was saved in another window.</strong>{' '}
        <span>
          It is at revision {status.theirRevision}; this window loaded revision {status.myRevision}. Your changes are still here and nothing was overwritten.
        </span>
      </div>
      <div className="conflict-actions">
        <button type="button" disabled={busy} onClick={() => act(() => session.loadTheirs())} title="Discard this window's changes and open the project as the other window saved it">
          Load theirs
        </button>
        <button type="button" disabled={busy} onClick={() => act(() => session.keepMine())} title="Write this window's network over the other window's">
          Keep mine
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => act(() => session.saveMineAsNew())} title="Keep both: this window's network becomes a new project">
          Save mine as a new project
        </button>
      </div>
    </div>
  );
}
