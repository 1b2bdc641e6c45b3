import { useState } from 'react';
import type { Clients } from '../../src-shared/api/index.js';
import { useApp } from '../state/app-store.js';
import { useRunFocus } from '../state/run-focus.js';
import { isActive } from './format.js';
import { useRuns } from './runs-store.js';
import { lastEpoch, truncateAfter } from './series.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Continue a run that stopped (canceled, failed, or done and wanting more epochs) from its last
 * checkpoint, on the engine it recorded, up to a total number of epochs.
 */
export function ContinueRun({ api, runId }: { api: Clients; runId: string }) {
  const run = useRuns((s) => s.runs[runId]);
  const notify = useApp((s) => s.notify);
  const recorded = run?.record?.hyperparameters.epochs;
  const done = run?.series.epochs.length ?? 0;
  const asked = typeof recorded === 'number' ? recorded : done + 1;
  // null: the default (the epochs the run asked for, or one more than it trained), until typed.
  const [typed, setTyped] = useState<string | null>(null);
  const epochs = typed ?? String(Math.max(asked, done + 1));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const status = run?.status ?? run?.record?.status ?? null;
  if (run === undefined || status === null || isActive(status) || done === 0 || run.record?.projectId == null) return null;

  const go = async (): Promise<void> => {
    const n = Number(epochs);
    if (!Number.isInteger(n) || n <= done) {
      setError(`Epochs: a whole number above the ${done} already trained`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const reply = await api.training.resumeRun({ runId, epochs: n });
      const from = lastEpoch(run.series)?.step ?? 0;
      useRuns.getState().update(runId, (r) => ({ ...r, status: 'running', engine: reply.engine, detail: reply.detail, error: null, progress: null, evaluation: null, series: truncateAfter(r.series, from) }));
      useRunFocus.getState().focus(runId);
      notify('info', `Continuing from epoch ${done} to ${n} on ${reply.engine}.`);
    } catch (e) {
      setError(`Not continued: ${message(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="run-continue" data-testid="run-continue">
      <span className="muted small">Continue from the checkpoint of epoch {done} to</span>
      <input value={epochs} onChange={(e) => setTyped(e.target.value)} aria-label="Epochs in all" data-testid="continue-epochs" />
      <span className="muted small">epochs</span>
      <button type="button" disabled={busy} onClick={() => void go()} data-testid="continue-run">
        Continue
      </button>
      {error !== null && (
        <div className="run-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
