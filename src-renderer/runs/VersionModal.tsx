import { useEffect, useState } from 'react';
import type { VersionSummary } from '../../src-shared/api/services/projects.js';
import { formatCount } from '../../src-shared/graph/cost.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import type { Host } from '../host/host.js';
import { useApp } from '../state/app-store.js';
import { useProject } from '../state/project-store.js';
import type { ProjectActions } from './project-actions.js';
import { formatWhen } from './format.js';
import { readStoredDocument, versionFacts } from './version-summary.js';
import { ReadOnlyCanvas } from '../canvas/ReadOnlyCanvas.js';
import { Modal } from '../ui/Modal.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The exact graph version a run trained, read-only: its numbers and its layers. "Restore this
 * version" makes it the project's working copy (refused, nothing lost, when someone saved since)
 * and opens it in the editor.
 */
export function VersionModal({ host, projects, projectId, versionId, onClose }: { host: Host; projects: ProjectActions; projectId: string; versionId: string; onClose: () => void }) {
  const notify = useApp((s) => s.notify);
  const [got, setGot] = useState<{ version: VersionSummary; doc: GraphDocument } | { error: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    host.api.projects.getVersion({ id: projectId, versionId }).then(
      (r) => {
        if (!live) return;
        const d = readStoredDocument(r.document);
        setGot(d.ok ? { version: r.version, doc: d.doc } : { error: d.message });
      },
      (e: unknown) => live && setGot({ error: message(e) }),
    );
    return () => {
      live = false;
    };
  }, [host, projectId, versionId]);

  const restore = async (): Promise<void> => {
    setBusy(true);
    try {
      // The run's project becomes the open one (its working copy first), then the version replaces it.
      if (useProject.getState().current?.projectId !== projectId && !(await projects.open(projectId))) return;
      const label = got !== null && 'version' in got ? `version ${got.version.number}` : 'the version';
      if (await projects.restoreVersion(versionId, label)) onClose();
    } catch (e) {
      notify('error', `Could not restore the version: ${message(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const facts = got !== null && 'doc' in got ? versionFacts(got.doc) : null;
  return (
    <Modal className="modal version-modal" title={got !== null && 'doc' in got && facts !== null ? `Version ${got.version.number}: ${facts.name}` : 'Trained version'} testId="version-modal" onClose={onClose}>
      {got === null && <p className="muted">Reading the version…</p>}
      {got !== null && 'error' in got && <p className="run-error">Could not read this version: {got.error}</p>}
      {got !== null && 'doc' in got && facts !== null && (
        <>
          <p className="muted small">
            {got.version.message === '' ? 'no message' : got.version.message} · saved {formatWhen(got.version.createdAt)} · read-only: this is exactly what the run trained
          </p>
          <div className="version-facts" data-testid="version-facts">
            <span>
              input <b>{facts.input}</b>
            </span>
            <span>
              <b>{facts.layers}</b> layers
            </span>
            <span>
              <b>{formatCount(facts.params)}</b> params
            </span>
            <span>
              <b>{formatCount(facts.flops)}</b> FLOPs
            </span>
            {facts.errors > 0 && <span className="run-error">{facts.errors} errors</span>}
          </div>
          <ReadOnlyCanvas doc={got.doc} label={`Version ${got.version.number} (read-only)`} />
          <p className="small">{facts.kinds.map(([k, n]) => `${k} ×${n}`).join(' · ')}</p>
          <div className="version-layers" tabIndex={0} role="region" aria-label="The version's layers">
            <table>
              <thead>
                <tr>
                  <th>layer</th>
                  <th>kind</th>
                  <th>params</th>
                </tr>
              </thead>
              <tbody>
                {Object.values(got.doc.nodes).map((n) => (
                  <tr key={n.id}>
                    <td>{n.label ?? n.id}</td>
                    <td>{n.kind}</td>
                    <td className="mono">
                      {Object.entries(n.params)
                        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                        .join(' ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button type="button" className="primary" disabled={busy || got === null || 'error' in got} onClick={() => void restore()} data-testid="restore-version">
          Restore this version
        </button>
      </div>
    </Modal>
  );
}
