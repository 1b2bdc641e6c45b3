import { useMemo, useState } from 'react';
import type { RunSeries } from '../series.js';
import { Chart } from './Chart.js';
import { CHART_TITLE, linesFor, logScalable, smoothLines } from './chart-data.js';
import type { ChartKind } from './chart-data.js';

export interface ChartRun {
  readonly name: string;
  readonly series: RunSeries;
  readonly color: string;
}

const KINDS: readonly ChartKind[] = ['loss', 'accuracy', 'lr', 'throughput'];
/** The moving average's weight when smoothing is on. */
const SMOOTHING = 0.8;

/** The four charts of one run, or of several overlaid (one colour per run): loss, accuracy, learning rate, throughput. */
export function RunCharts({ runs, height = 150 }: { runs: readonly ChartRun[]; height?: number }) {
  const [log, setLog] = useState(false);
  const [smooth, setSmooth] = useState(true);
  const lines = useMemo(
    () => Object.fromEntries(KINDS.map((k) => [k, k === 'loss' || k === 'accuracy' ? smoothLines(linesFor(k, runs), smooth ? SMOOTHING : 0) : linesFor(k, runs)])) as Record<ChartKind, ReturnType<typeof linesFor>>,
    [runs, smooth],
  );
  return (
    <div className="run-charts" data-testid="run-charts">
      <div className="run-charts-bar">
        <label>
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="log-scale" /> log scale
        </label>
        <label title="Per-batch curves as a moving average (per-epoch points are not smoothed)">
          <input type="checkbox" checked={smooth} onChange={(e) => setSmooth(e.target.checked)} data-testid="smooth" /> smooth
        </label>
        <span>drag to zoom · double-click resets</span>
      </div>
      {KINDS.map((k) => (
        <Chart key={k} title={CHART_TITLE[k]} lines={lines[k]} logY={log && logScalable(k)} height={height} testId={`chart-${k}`} />
      ))}
    </div>
  );
}
