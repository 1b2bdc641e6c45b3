import { useCallback, useEffect, useState } from 'react';
import type { ProjectSummary } from '../../src-shared/api/services/projects.js';
import type { Evaluation, TrainingRun } from '../../src-shared/api/services/training.js';
import type { Host } from '../host/host.js';
import { useProject } from '../state/project-store.js';
import { useDock } from './dock-store.js';
import { formatPercent, formatValue, formatWhen } from './format.js';
import { useRuns } from './runs-store.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

interface Final {
  readonly epochs: number;
  readonly trainLoss: number | null;
  readonly valAccuracy: number | null;
  readonly evaluation: Evaluation | null;
}

/** Which project the history shows: the open network's, else the one picked, else the most recent. */
export function useHistoryProject(host: Host): { projects: ProjectSummary[]; projectId: string | null; pick(id: string): void; reload(): void } {
  const current = useProject((s) => s.current?.projectId ?? null);
  const [projects, setProjects] = useState<ProjectSummary[]>([]);
  const [picked, setPicked] = useState<string | null>(null);
  const reload = useCallback(() => {
    host.api.projects.list({}).then(
      (r) => setProjects(r.projects),
      () => setProjects([]),
    );
  }, [host]);
  useEffect(reload, [reload, current]);
  useEffect(() => setPicked(null), [current]);
  const projectId = picked ?? current ?? projects[0]?.id ?? null;
  return { projects, projectId, pick: setPicked, reload };
}

/**
 * A project's runs, newest first: status, dataset, engine, when, final metrics. Click one to open
 * it; tick two or more to compare them.
 */
export function RunHistory({ host }: { host: Host }) {
  const { projects, projectId, pick, reload } = useHistoryProject(host);
  const [runs, setRuns] = useState<TrainingRun[] | null>(null);
  const [finals, setFinals] = useState<Record<string, Final>>({});
  const [error, setError] = useState<string | null>(null);
  const statuses = useRuns((s) => s.runs);
  const compare = useDock((s) => s.compare);
  const { openRun, toggleCompare, show } = useDock.getState();

  const load = useCallback(() => {
    if (projectId === null) {
      setRuns([]);
      return;
    }
    host.api.training.runs({ projectId }).then(
      async (r) => {
        const newest = [...r.runs].reverse();
        useRuns.getState().records(newest);
        setRuns(newest);
        setError(null);
        const got = await Promise.all(
          newest.slice(0, 60).map((run) =>
            host.api.training.get({ runId: run.id }).then(
              (g): [string, Final] => {
                const last = g.epochs[g.epochs.length - 1];
                return [run.id, { epochs: g.epochs.length, trainLoss: last?.trainLoss ?? null, valAccuracy: last?.valAccuracy ?? null, evaluation: g.evaluation }];
              },
              (): null => null,
            ),
          ),
        );
        setFinals(Object.fromEntries(got.filter((x): x is [string, Final] => x !== null)));
      },
      (e: unknown) => setError(message(e)),
    );
  }, [host, projectId]);

  useEffect(load, [load]);
  // A run that starts or ends changes the list.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = (): void => {
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    };
    const offs = [host.on('training', 'status', soon), host.on('training', 'epoch', soon)];
    return () => {
      clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [host, load]);

  return (
    <div className="run-history" data-testid="run-history">
      <div className="run-history-bar">
        <label>
          Project{' '}
          <select value={projectId ?? ''} onChange={(e) => pick(e.target.value)} onFocus={reload} aria-label="Project" data-testid="history-project">
            {projects.length === 0 && <option value="">(no projects yet)</option>}
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <span className="grow" />
        <button type="button" disabled={compare.length < 2} onClick={() => show('compare')} data-testid="compare-selected">
          Compare {compare.length > 0 ? `(${compare.length})` : ''}
        </button>
      </div>
      {error !== null && <div className="run-error">Could not list the runs: {error}</div>}
      {runs !== null && runs.length === 0 && <p className="muted">No runs in this project yet. Open the Train panel to start one.</p>}
      <ul className="run-list">
        {(runs ?? []).map((r) => {
          const status = statuses[r.id]?.status ?? r.status;
          const f = finals[r.id];
          return (
            <li key={r.id} className="run-row" data-testid="run-row" data-run-id={r.id} data-status={status}>
              <input type="checkbox" checked={compare.includes(r.id)} onChange={() => toggleCompare(r.id)} aria-label={`Compare run ${r.label ?? r.id}`} />
              <button type="button" className="run-row-main" onClick={() => openRun(r.id)}>
                <span className="run-row-top">
                  <span className={`run-status status-${status}`}>{status}</span>
                  <b>{r.label ?? r.dataset}</b>
                  <span className="muted">{formatWhen(r.createdAt)}</span>
                </span>
                <span className="run-row-sub muted">
                  {r.label !== null ? `${r.dataset} · ` : ''}
                  {r.engine} · {f === undefined ? '…' : `${f.epochs} epoch${f.epochs === 1 ? '' : 's'} · loss ${formatValue(f.trainLoss)} · val ${formatPercent(f.valAccuracy)} · test ${formatPercent(f.evaluation?.accuracy)}`}
                </span>
                {r.error !== null && <span className="run-row-sub run-error-text">{r.error}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
