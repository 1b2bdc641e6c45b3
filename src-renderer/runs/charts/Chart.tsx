import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp } from '../../state/app-store.js';
import { formatValue } from '../format.js';
import { alignLines, forLogScale, withAlpha } from './chart-data.js';
import type { Line } from './chart-data.js';
import './charts.css';
import { mountChart, themedAxis } from './mount.js';

/** Steps are whole numbers: x ticks at 1, 2, 5 × powers of ten. */
const STEP_INCREMENTS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1000, 10_000, 100_000, 1_000_000].map((p) => m * p)).sort((a, b) => a - b);

function optionsFor(title: string, lines: readonly Line[], logY: boolean, width: number, height: number, xLabel: string): uPlot.Options {
  const axis = themedAxis();
  return {
    title,
    width,
    height,
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
    axes: [
      { ...axis, space: 50, size: 28, incrs: STEP_INCREMENTS },
      { ...axis, size: 52, space: 22, values: (_u, splits) => splits.map((v) => formatValue(v)) },
    ],
    series: [
      { label: xLabel },
      ...lines.map(
        (l): uPlot.Series => ({
          label: l.label,
          stroke: l.faint === true ? withAlpha(l.color, 0.45) : l.color,
          width: l.dash === true ? 2 : 1.25,
          spanGaps: true,
          ...(l.dash === true ? { dash: [6, 4] } : {}),
          // Epoch series always show their points; per-step ones when there are few (uPlot decides by spacing).
          points: l.points === true ? { show: true, size: 7, width: 1.5, fill: l.color, stroke: l.color } : { size: 4, fill: l.color },
          value: (_u, v) => (v === null || v === undefined ? '—' : formatValue(v)),
        }),
      ),
    ],
  };
}

/**
 * One uPlot chart of several lines on a shared step axis. The legend shows each line's value under
 * the cursor; dragging across zooms in x, a double click zooms out. Data updates redraw in place.
 */
export function Chart({ title, lines, logY = false, height = 150, xLabel = 'step', testId }: { title: string; lines: readonly Line[]; logY?: boolean; height?: number; xLabel?: string; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useApp((s) => s.theme);
  const data = useMemo(() => {
    const a = alignLines(lines);
    return logY ? forLogScale(a) : a;
  }, [lines, logY]);
  const look = lines.map((l) => `${l.label}|${l.color}|${String(l.dash)}|${String(l.points)}|${String(l.faint)}`).join(';');
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    return mountChart(el, (width) => optionsFor(title, lines, logY, width, height, xLabel), latest.current as uPlot.AlignedData, 200, (u) => {
      plot.current = u;
    });
    // Rebuilt when the lines' look, the scale, the size or the theme change; data alone redraws below.
  }, [look, logY, height, theme, title, xLabel]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const points = data[0].length;
  return (
    <div className="run-chart" data-testid={testId} data-points={points}>
      <div ref={box} />
      {points === 0 && <div className="run-chart-empty">No points yet</div>}
    </div>
  );
}
