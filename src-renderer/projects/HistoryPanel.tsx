import { useCallback, useEffect, useState } from 'react';
import type { DocumentDiff, VersionSummary } from '../../src-shared/api/services/projects.js';
import type { Host } from '../host/host.js';
import { useProject } from '../state/project-store.js';
import { DiffView } from './DiffView.js';
import { SaveVersionDialog } from './SaveVersionDialog.js';
import { errorText } from './session.js';
import type { Notify, ProjectSession } from './session.js';
import './projects.css';

interface Compared {
  readonly title: string;
  readonly diff: DocumentDiff;
}

function versionLabel(v: VersionSummary): string {
  return `version ${v.number}`;
}

/**
 * The open project's versions, newest first: save a version with a message, pick two to compare
 * (or one to compare with the current network), restore one (it becomes the working copy).
 */
export function HistoryPanel({ host, session, notify, onClose }: { host: Host; session: ProjectSession; notify: Notify; onClose: () => void }) {
  const projectId = useProject((s) => s.current?.projectId);
  const name = useProject((s) => s.name);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [compared, setCompared] = useState<Compared | null>(null);
  const [asking, setAsking] = useState(false);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(() => {
    if (projectId === undefined) {
      setVersions(null);
      return;
    }
    host.api.projects.versions({ id: projectId }).then(
      (r) => setVersions(r.versions),
      (e: unknown) => notify('error', `Could not read the versions: ${errorText(e)}`),
    );
  }, [host, projectId, notify]);

  useEffect(() => {
    setSelected([]);
    setCompared(null);
    setConfirm(null);
    refresh();
  }, [refresh]);
  useEffect(() => host.on('projects', 'changed', (e) => e.id === projectId && e.what === 'version' && refresh()), [host, projectId, refresh]);

  const byId = new Map((versions ?? []).map((v) => [v.id, v]));
  const toggle = (id: string): void => {
    setCompared(null);
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(-2)));
  };

  const compare = async (): Promise<void> => {
    if (projectId === undefined || selected.length === 0) return;
    const picked = selected.map((id) => byId.get(id)).filter((v): v is VersionSummary => v !== undefined).sort((a, b) => a.number - b.number);
    const [from, to] = picked;
    if (from === undefined) return;
    setBusy(true);
    try {
      if (to === undefined && session.autosaver.isDirty) await session.autosaver.flush();
      const diff = await host.api.projects.diffVersions({ id: projectId, from: from.id, ...(to === undefined ? {} : { to: to.id }) });
      setCompared({ title: `${versionLabel(from)} → ${to === undefined ? 'current network' : versionLabel(to)}`, diff });
    } catch (e) {
      notify('error', `Could not compare: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const restore = async (v: VersionSummary): Promise<void> => {
    setConfirm(null);
    setBusy(true);
    try {
      await session.restoreVersion(v.id, versionLabel(v));
      setCompared(null);
    } finally {
      setBusy(false);
    }
  };

  const saveVersion = (message: string): void => {
    setAsking(false);
    setBusy(true);
    session.saveVersion(message).then(
      (r) => {
        notify(r.ok ? 'info' : 'warning', r.message);
        refresh();
      },
      (e: unknown) => notify('error', `Could not save a version (your network is still here): ${errorText(e)}`),
    ).finally(() => setBusy(false));
  };

  return (
    <aside className="history-panel" aria-label="Version history" data-testid="history-panel">
      <div className="history-head">
        <h2>History{name === undefined ? '' : <span className="muted"> · {name}</span>}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close the history">
          ✕
        </button>
      </div>
      {projectId === undefined ? (
        <p className="muted small history-empty">This network is in no project yet. Save it (or Save version) to keep versions of it.</p>
      ) : (
        <>
          <div className="history-actions">
            <button type="button" className="primary" onClick={() => setAsking(true)} disabled={busy} data-testid="history-save-version">
              Save version…
            </button>
            <button type="button" onClick={() => void compare()} disabled={busy || selected.length === 0} data-testid="history-compare">
              {selected.length === 2 ? 'Compare the two' : 'Compare with current'}
            </button>
          </div>
          <p className="muted small history-hint">Tick one version to compare it with the current network, or two to compare them.</p>
          {versions === null ? (
            <p className="muted small history-empty">Loading…</p>
          ) : versions.length === 0 ? (
            <p className="muted small history-empty">No versions yet. “Save version…” keeps the network as it is now.</p>
          ) : (
            <ol className="version-list" data-testid="version-list">
              {versions.map((v) => (
                <li key={v.id} className={`version-row${selected.includes(v.id) ? ' selected' : ''}`} data-testid={`version-${v.number}`}>
                  <label className="version-pick">
                    <input type="checkbox" checked={selected.includes(v.id)} onChange={() => toggle(v.id)} aria-label={`Select ${versionLabel(v)}`} />
                    <span className="version-number">v{v.number}</span>
                  </label>
                  <div className="version-body">
                    <div className="version-message" title={v.message}>
                      {v.message === '' ? <span className="muted">(no message)</span> : v.message}
                    </div>
                    <div className="muted small">{new Date(v.createdAt).toLocaleString()}</div>
                  </div>
                  {confirm === v.id ? (
                    <div className="version-confirm">
                      <span className="small">Replace the current network with v{v.number}?</span>
                      <button type="button" className="primary" onClick={() => void restore(v)} data-testid={`restore-confirm-${v.number}`}>
                        Restore
                      </button>
                      <button type="button" className="ghost" onClick={() => setConfirm(null)}>
                        Cancel
                      </button>
                    </div>
                  ) : (
                    <button type="button" className="version-restore" disabled={busy} onClick={() => setConfirm(v.id)} data-testid={`restore-${v.number}`} title={`Make ${versionLabel(v)} the working copy (the current network is saved first)`}>
                      Restore
                    </button>
                  )}
                </li>
              ))}
            </ol>
          )}
          {compared !== null && <DiffView title={compared.title} diff={compared.diff} onClose={() => setCompared(null)} />}
        </>
      )}
      {asking && <SaveVersionDialog onSave={saveVersion} onClose={() => setAsking(false)} />}
    </aside>
  );
}
