import { useState } from 'react';
import type { Clients } from '../../src-shared/api/index.js';
import { useApp } from '../state/app-store.js';
import { formatDuration, formatPercent, formatRate, formatValue, isActive } from './format.js';
import { progressFacts } from './progress-facts.js';
import { useRuns } from './runs-store.js';

/** Where a run is: status, progress bar, epoch and step, loss/accuracy, img/s, ETA; pause, resume, cancel. */
export function RunProgress({ api, runId }: { api: Clients; runId: string }) {
  const run = useRuns((s) => s.runs[runId]);
  const notify = useApp((s) => s.notify);
  const [busy, setBusy] = useState(false);
  if (run === undefined) return null;
  const f = progressFacts(run);
  const status = f.status;
  const act = (what: 'pause' | 'resume' | 'cancel'): void => {
    setBusy(true);
    api.training[what]({ runId }).then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        notify('error', `Could not ${what} the run: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  };
  return (
    <div className={`run-progress status-${status}`} data-testid="run-progress" data-status={status}>
      <div className="run-progress-head">
        <span className={`run-status status-${status}`} data-testid="run-status">
          {status}
        </span>
        {run.engine !== null && status !== 'queued' && <span title={run.detail ?? undefined}>on {run.engine}</span>}
        <span className="grow" />
        {isActive(status) && (
          <>
            {status === 'paused' ? (
              <button type="button" disabled={busy} onClick={() => act('resume')}>
                Resume
              </button>
            ) : (
              <button type="button" disabled={busy || status === 'queued'} onClick={() => act('pause')}>
                Pause
              </button>
            )}
            <button type="button" className="danger" disabled={busy} onClick={() => act('cancel')}>
              Cancel
            </button>
          </>
        )}
      </div>
      <div className="run-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(f.fraction * 100)} aria-label="Training progress">
        <div style={{ width: `${(f.fraction * 100).toFixed(1)}%` }} />
      </div>
      {status === 'queued' ? (
        <div className="run-facts" data-testid="run-facts">
          <span>waits in the queue: runs start one after another</span>
        </div>
      ) : (
        <div className="run-facts" data-testid="run-facts">
          <span>
            epoch {f.epoch ?? '—'}/{f.epochs ?? '—'}
          </span>
          <span>
            step {f.step}
            {f.totalSteps === null ? '' : `/${f.totalSteps}`}
          </span>
          <span>loss {formatValue(f.loss)}</span>
          <span>acc {formatPercent(f.accuracy)}</span>
          <span>{formatRate(f.imagesPerSecond)}</span>
          {isActive(status) && <span>ETA {formatDuration(f.etaSeconds)}</span>}
        </div>
      )}
      {run.error !== null && (
        <div className="run-error" role="alert">
          {run.error}
        </div>
      )}
    </div>
  );
}
