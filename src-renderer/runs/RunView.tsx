import { useEffect, useMemo, useState } from 'react';
import type { Host } from '../host/host.js';
import { useRunFocus } from '../state/run-focus.js';
import { RunCharts } from './charts/RunCharts.js';
import { ContinueRun } from './ContinueRun.js';
import { RunEvaluation } from './evaluation/RunEvaluation.js';
import { RunHealth } from './health/RunHealth.js';
import { runColor } from './charts/chart-data.js';
import { formatPercent, formatValue, formatWhen, hyperLine, isActive } from './format.js';
import type { ProjectActions } from './project-actions.js';
import { RunProgress } from './RunProgress.js';
import { loadRun, useRuns } from './runs-store.js';
import { lastEpoch } from './series.js';
import { VersionModal } from './VersionModal.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** One run: where it is, its curves (live while it trains), its final numbers, and the version it trained. */
export function RunView({ host, projects, runId, onBack }: { host: Host; projects: ProjectActions; runId: string; onBack: () => void }) {
  const run = useRuns((s) => s.runs[runId]);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(false);
  const status = run?.status ?? null;

  useEffect(() => {
    useRunFocus.getState().focus(runId);
    setError(null);
    loadRun(host.api, runId).catch((e: unknown) => setError(message(e)));
  }, [host, runId]);

  // When the run ends, read it back from the store (its evaluation, the exact stored curves).
  const ended = status !== null && !isActive(status);
  useEffect(() => {
    if (ended) loadRun(host.api, runId, true).catch((e: unknown) => setError(message(e)));
  }, [ended, host, runId]);

  const charts = useMemo(() => (run === undefined ? [] : [{ name: run.record?.label ?? runId, series: run.series, color: runColor(0) }]), [run?.series, run?.record?.label, runId]);
  if (run === undefined) return <p className="muted">Loading the run…</p>;
  const rec = run.record;
  const last = lastEpoch(run.series);
  const evaluation = run.evaluation;
  return (
    <div className="run-view" data-testid="run-view" data-run-id={runId}>
      <div className="run-view-head">
        <button type="button" className="ghost" onClick={onBack} aria-label="Runs: back to the run history" title="Back to the run history">
          <span aria-hidden="true">←</span> Runs
        </button>
        <b className="grow">{rec?.label ?? `Run ${runId.slice(0, 8)}`}</b>
        {rec?.versionId !== null && rec?.versionId !== undefined && rec.projectId !== null && (
          <button type="button" onClick={() => setVersion(true)} data-testid="open-version">
            Open its version
          </button>
        )}
      </div>
      {rec !== null && (
        <p className="muted small">
          {rec.dataset} · {rec.engine} · {hyperLine(rec.hyperparameters)} · {formatWhen(rec.createdAt)}
        </p>
      )}
      <RunProgress api={host.api} runId={runId} />
      <ContinueRun api={host.api} runId={runId} />
      <div className="run-final" data-testid="run-final">
        <span>
          train loss <b>{formatValue(last?.trainLoss)}</b>
        </span>
        <span>
          val loss <b>{formatValue(last?.valLoss)}</b>
        </span>
        <span>
          val acc <b>{formatPercent(last?.valAccuracy)}</b>
        </span>
        <span>
          {evaluation?.split ?? 'test'} acc <b data-testid="run-test-accuracy">{formatPercent(evaluation?.accuracy)}</b>
        </span>
      </div>
      {error !== null && <div className="run-error">Could not read the run: {error}</div>}
      <RunCharts runs={charts} />
      <details className="run-section" open>
        <summary>Gradient flow and residual health</summary>
        <RunHealth runId={runId} />
      </details>
      <details className="run-section" open={ended}>
        <summary>Evaluation</summary>
        <RunEvaluation runId={runId} />
      </details>
      {version && rec?.projectId != null && rec.versionId !== null && <VersionModal host={host} projects={projects} projectId={rec.projectId} versionId={rec.versionId} onClose={() => setVersion(false)} />}
    </div>
  );
}
