import { useEffect, useMemo, useState } from 'react';
import type { Evaluation, RunStatus } from '../../../src-shared/api/services/training.js';
import { formatNorm } from '../overlay/color-scale.js';
import { useRunHost } from '../overlay/run-host.js';
import { cellTitle, className, confusionGrid, formatPercent, maskColor, topConfusions } from './evaluation-model.js';
import { SampleGrid } from './SampleGrid.js';
import './evaluation.css';

interface Loaded {
  readonly runId: string;
  readonly evaluation: Evaluation | null;
  readonly status: RunStatus | null;
  readonly error: string | null;
}

/** A run's final evaluation: read once, replaced by the live `training.evaluation` event when the run ends. */
function useRunEvaluation(runId: string): Loaded | null {
  const host = useRunHost((s) => s.host);
  const [state, setState] = useState<Loaded | null>(null);
  useEffect(() => {
    if (host === null) return undefined;
    let alive = true;
    const read = (): void => {
      host.api.training.get({ runId }).then(
        (r) => alive && setState({ runId, evaluation: r.evaluation, status: r.run.status, error: null }),
        (e: unknown) => alive && setState({ runId, evaluation: null, status: null, error: `Could not read the run: ${e instanceof Error ? e.message : String(e)}` }),
      );
    };
    read();
    const offEval = host.on('training', 'evaluation', (e) => {
      if (e.runId !== runId) return;
      const { runId: _id, ...evaluation } = e;
      setState((s) => ({ runId, evaluation, status: s?.status ?? null, error: null }));
    });
    const offStatus = host.on('training', 'status', (e) => {
      if (e.runId !== runId) return;
      setState((s) => (s === null ? s : { ...s, status: e.status }));
      if (e.status === 'done') read();
    });
    return () => {
      alive = false;
      offEval();
      offStatus();
    };
  }, [host, runId]);
  return state?.runId === runId ? state : null;
}

/**
 * A run's evaluation on its test split (validation when the dataset has none): accuracy and loss,
 * per-class accuracy, the confusion matrix as a heat map with counts (hover: "true X predicted
 * as Y: n"), sample predictions; for segmentation, masks and IoU per class.
 */
export function RunEvaluation({ runId }: { runId: string }) {
  const loaded = useRunEvaluation(runId);
  const e = loaded?.evaluation ?? null;
  if (loaded === null) return <section className="run-eval muted">Reading the run…</section>;
  if (loaded.error !== null) return <section className="run-eval eval-error">{loaded.error}</section>;
  if (e === null) {
    const why =
      loaded.status === 'running' || loaded.status === 'paused' || loaded.status === 'queued'
        ? 'The evaluation comes when training ends.'
        : loaded.status === 'failed' || loaded.status === 'canceled'
          ? `The run was ${loaded.status} before its final evaluation.`
          : 'This run has no evaluation.';
    return (
      <section className="run-eval muted" data-testid="run-evaluation" data-state="none">
        {why}
      </section>
    );
  }
  return <EvaluationView e={e} />;
}

function EvaluationView({ e }: { e: Evaluation }) {
  const names = e.classNames;
  const unit = e.task === 'segmentation' ? 'pixels' : 'examples';
  const grid = useMemo(() => confusionGrid(e.confusion), [e.confusion]);
  const worst = topConfusions(grid);
  const samples = e.samples;
  const [hover, setHover] = useState<string | null>(null);
  const showCounts = grid.size <= 12;
  return (
    <section className="run-eval" data-testid="run-evaluation" data-state="ready">
      <div className="eval-head">
        <div className="eval-big" data-testid="eval-accuracy">
          <span className="k">{e.task === 'segmentation' ? 'pixel accuracy' : `${e.split} accuracy`}</span>
          <span className="v">{formatPercent(e.accuracy)}</span>
        </div>
        <div className="eval-big">
          <span className="k">{e.split} loss</span>
          <span className="v">{formatNorm(e.loss)}</span>
        </div>
        {e.meanIou !== undefined && (
          <div className="eval-big" data-testid="eval-mean-iou">
            <span className="k">mean IoU</span>
            <span className="v">{formatPercent(e.meanIou)}</span>
          </div>
        )}
        <div className="muted eval-count">
          {e.examples.toLocaleString('en-US')} {e.split} examples{e.task === 'segmentation' ? ' (matrix counts pixels)' : ''}
        </div>
      </div>

      <div className="eval-columns">
        <div>
          <h4 className="panel-title">{e.task === 'segmentation' ? 'Per-class accuracy and IoU' : 'Per-class accuracy'}</h4>
          <ul className="class-bars" data-testid="class-bars">
            {names.map((n, k) => {
              const acc = e.perClassAccuracy[k] ?? null;
              const iou = e.iou?.[k] ?? null;
              return (
                <li key={k} title={`${n}: ${formatPercent(acc)} of its ${unit} predicted right${e.iou !== undefined ? `; IoU ${formatPercent(iou)}` : ''}`}>
                  <span className="class-name">
                    {e.task === 'segmentation' && <span className="swatch" style={{ background: `rgb(${maskColor(k).join(', ')})` }} />}
                    {n}
                  </span>
                  <span className="bar">
                    <span className="fill" style={{ width: `${Math.max(0, Math.min(1, acc ?? 0)) * 100}%` }} />
                    {e.iou !== undefined && <span className="fill iou" style={{ width: `${Math.max(0, Math.min(1, iou ?? 0)) * 100}%` }} />}
                  </span>
                  <span className="num">{formatPercent(acc)}</span>
                  {e.iou !== undefined && <span className="num muted">{formatPercent(iou)}</span>}
                </li>
              );
            })}
          </ul>
          {worst.length > 0 && (
            <p className="muted eval-worst">
              Most confused:{' '}
              {worst.map((c, i) => (
                <span key={`${c.t}-${c.p}`}>
                  {i > 0 ? '; ' : ''}
                  {className(names, c.t)} → {className(names, c.p)} ({c.count.toLocaleString('en-US')})
                </span>
              ))}
            </p>
          )}
        </div>

        <div className="confusion-wrap">
          <h4 className="panel-title">Confusion matrix</h4>
          <div className="confusion" data-testid="confusion-matrix" style={{ gridTemplateColumns: `auto repeat(${grid.size}, minmax(${showCounts ? 30 : 10}px, 1fr))` }}>
            <span className="axis-corner muted">true ↓ / predicted →</span>
            {names.map((n, p) => (
              <span key={`h${p}`} className="axis-x" title={`predicted ${n}`}>
                {n}
              </span>
            ))}
            {Array.from({ length: grid.size }, (_, t) => (
              <Row key={t} t={t} names={names} grid={grid} unit={unit} showCounts={showCounts} onHover={setHover} />
            ))}
          </div>
          <div className="confusion-hover muted" data-testid="confusion-hover">
            {hover ?? 'Hover a cell: how many of a true class were predicted as which.'}
          </div>
        </div>
      </div>

      {samples.length > 0 && (
        <div>
          <h4 className="panel-title">Sample predictions</h4>
          <SampleGrid samples={samples} names={names} />
        </div>
      )}
    </section>
  );
}

function Row({
  t,
  names,
  grid,
  unit,
  showCounts,
  onHover,
}: {
  t: number;
  names: readonly string[];
  grid: ReturnType<typeof confusionGrid>;
  unit: 'examples' | 'pixels';
  showCounts: boolean;
  onHover: (s: string | null) => void;
}) {
  return (
    <>
      <span className="axis-y" title={`true ${className(names, t)} (${(grid.rowTotals[t] ?? 0).toLocaleString('en-US')} ${unit})`}>
        {className(names, t)}
      </span>
      {grid.cells.slice(t * grid.size, (t + 1) * grid.size).map((c) => {
        const title = cellTitle(names, c, unit);
        const pct = Math.round(c.share * 100);
        return (
          <span
            key={c.p}
            className={`cell${c.t === c.p ? ' diag' : ''}${pct >= 55 ? ' strong' : ''}`}
            style={{ background: `color-mix(in srgb, var(--heat) ${pct}%, var(--panel))` }}
            title={title}
            data-testid="confusion-cell"
            onMouseEnter={() => onHover(title)}
            onMouseLeave={() => onHover(null)}
          >
            {showCounts ? c.count.toLocaleString('en-US') : ''}
          </span>
        );
      })}
    </>
  );
}
