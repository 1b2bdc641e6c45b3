import { useCallback, useEffect, useState } from 'react';
import { useProject } from '../../state/project-store.js';
import { useRunFocus } from '../../state/run-focus.js';
import { RunEvaluation } from '../evaluation/RunEvaluation.js';
import { RunHealth } from '../health/RunHealth.js';
import { useRunHost } from './run-host.js';
import './overlay.css';

interface RunChoice {
  readonly id: string;
  readonly text: string;
}

/**
 * A small floating dock with the focused run's health and evaluation, and a picker of the
 * project's runs (and the runs alive in this process). A run that starts while none is focused
 * gets the focus, wherever it was started from (this window, another one, the API).
 */
export function InsightsDock() {
  const host = useRunHost((s) => s.host);
  const runId = useRunFocus((s) => s.focusedRunId);
  const focus = useRunFocus((s) => s.focus);
  const projectId = useProject((s) => s.current?.projectId);
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<'health' | 'evaluation'>('health');
  const [runs, setRuns] = useState<readonly RunChoice[]>([]);

  const refresh = useCallback(() => {
    if (host === null) return;
    Promise.all([host.api.training.runs(projectId === undefined ? {} : { projectId }), projectId === undefined ? null : host.api.training.runs({})]).then(
      ([mine, live]) => {
        const seen = new Set<string>();
        const out: RunChoice[] = [];
        for (const r of [...mine.runs, ...(live?.runs ?? [])].sort((a, b) => b.createdAt - a.createdAt)) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          out.push({ id: r.id, text: `${new Date(r.createdAt).toLocaleTimeString()} · ${r.dataset} · ${r.status}` });
        }
        setRuns(out);
      },
      () => setRuns([]),
    );
  }, [host, projectId]);

  useEffect(() => {
    if (host === null) return undefined;
    refresh();
    return host.on('training', 'status', (e) => {
      if (e.status === 'running' && useRunFocus.getState().focusedRunId === null) useRunFocus.getState().focus(e.runId);
      refresh();
    });
  }, [host, refresh]);

  return (
    <aside className={`insights-dock${open ? ' open' : ''}`} data-testid="insights-dock" aria-label="Run health and evaluation">
      <div className="insights-head">
        <button type="button" className="ghost" onClick={() => setOpen((v) => !v)} aria-expanded={open} data-testid="insights-toggle">
          {open ? '▾' : '▸'} Run health
        </button>
        {open && (
          <>
            <select
              value={runId ?? ''}
              onChange={(e) => focus(e.target.value === '' ? null : e.target.value)}
              onFocus={refresh}
              aria-label="Run shown"
              data-testid="insights-run"
            >
              <option value="">no run</option>
              {runId !== null && !runs.some((r) => r.id === runId) && <option value={runId}>{runId}</option>}
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.text}
                </option>
              ))}
            </select>
            <div className="insights-tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'health'} onClick={() => setTab('health')}>
                Health
              </button>
              <button type="button" role="tab" aria-selected={tab === 'evaluation'} onClick={() => setTab('evaluation')} data-testid="insights-evaluation-tab">
                Evaluation
              </button>
            </div>
          </>
        )}
      </div>
      {open && (
        <div className="insights-body">
          {runId === null ? (
            <p className="muted">Pick a run, or start one: its gradient flow shows on the canvas and its health here.</p>
          ) : tab === 'health' ? (
            <RunHealth runId={runId} />
          ) : (
            <RunEvaluation runId={runId} />
          )}
        </div>
      )}
    </aside>
  );
}
