import { useState } from 'react';
import type { Clients } from '../../src-shared/api/index.js';
import { useApp } from '../state/app-store.js';
import { formatDuration, formatPercent, formatRate, formatValue, isActive } from './format.js';
import { useRuns } from './runs-store.js';

/** Where a run is: status, progress bar, epoch and step, loss/accuracy, img/s, ETA; pause, resume, cancel. */
export function RunProgress({ api, runId }: { api: Clients; runId: string }) {
  const run = useRuns((s) => s.runs[runId]);
  const notify = useApp((s) => s.notify);
  const [busy, setBusy] = useState(false);
  if (run === undefined) return null;
  const status = run.status ?? run.record?.status ?? 'queued';
  const p = run.progress;
  const live = run.record?.live ?? null;
  const step = p?.step ?? live?.step ?? 0;
  const total = p?.totalSteps ?? live?.totalSteps ?? 0;
  const fraction = status === 'done' ? 1 : total > 0 ? Math.min(1, step / total) : 0;
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
      <div className="run-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} aria-label="Training progress">
        <div style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      {status === 'queued' ? (
        <div className="run-facts" data-testid="run-facts">
          <span>waits in the queue: runs start one after another</span>
        </div>
      ) : (
        <div className="run-facts" data-testid="run-facts">
          <span>
            epoch {p?.epoch ?? live?.epoch ?? '—'}/{p?.epochs ?? live?.epochs ?? '—'}
          </span>
          <span>
            step {step}/{total || '—'}
          </span>
          <span>loss {formatValue(p?.loss ?? live?.loss)}</span>
          <span>acc {formatPercent(p?.accuracy ?? live?.accuracy)}</span>
          <span>{formatRate(p?.imagesPerSecond ?? live?.imagesPerSecond)}</span>
          {isActive(status) && <span>ETA {formatDuration(p?.etaSeconds ?? live?.etaSeconds)}</span>}
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
