import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getId } from '../../../src-shared/graph/records.js';
import { getLayer } from '../../../src-shared/layers/registry.js';
import { useEditor } from '../../editor/context.js';
import { useApp } from '../../state/app-store.js';
import { formatNorm } from './color-scale.js';
import { depthSeries, vanishingDecades } from './depth-series.js';
import { useRunProbes } from './overlay-state.js';
import { baseNodeId } from './probe-model.js';
import './overlay.css';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

const LATEST = '#35b779';

/**
 * Gradient norm by depth (uPlot): x is the weighted layers in the graph's order (input left),
 * y the L2 norm of each one's gradient on a log scale; the latest probe, and faded behind it the
 * first one. A plain deep network's curve falls towards the input (vanishing gradients); a
 * residual network's stays level. Normalization layers (BN γ/β: gradients of another scale that
 * zigzag the curve between convolutions) are left out unless asked for.
 */
export function DepthChart({ runId, height = 180 }: { runId: string; height?: number }) {
  const probes = useRunProbes(runId);
  const theme = useApp((s) => s.theme);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const nodes = useEditor((s) => s.doc.nodes);
  const [withNorm, setWithNorm] = useState(false);
  const series = useMemo(() => {
    const isNorm = (id: string): boolean => {
      const n = getId(nodes, id) ?? getId(nodes, baseNodeId(id));
      return n !== undefined && getLayer(n.kind)?.category === 'Normalization';
    };
    return depthSeries(probes?.history ?? [], probes?.order ?? null, withNorm ? undefined : (id) => !isNorm(id));
  }, [probes?.history, probes?.order, nodes, withNorm]);
  const data = useMemo((): uPlot.AlignedData => [series.ids.map((_, i) => i + 1), [...series.first], [...series.latest]], [series]);
  const latestData = useRef({ data, series });
  latestData.current = { data, series };

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const muted = cssVar('--muted', '#9aa4b2');
    const grid = cssVar('--border', '#2a313b');
    const axis: uPlot.Axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
    const idAt = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : (latestData.current.series.ids[x - 1] ?? '—'));
    const u = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height,
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [
          { ...axis, label: 'depth (layers with weights, input → output)', labelFont: '11px system-ui, sans-serif', labelSize: 16, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] },
          { ...axis, size: 50, values: (_u, splits) => splits.map((v) => formatNorm(v)) },
        ],
        series: [
          { label: 'layer', value: (_u, v) => (v === null || v === undefined ? '—' : `${v} · ${idAt(v)}`) },
          { label: `first probe`, stroke: muted, width: 1.25, dash: [4, 3], spanGaps: true, points: { show: true, size: 4, stroke: muted, fill: muted }, value: (_u, v) => formatNorm(v) },
          { label: `latest probe`, stroke: LATEST, width: 2, spanGaps: true, points: { show: true, size: 5, stroke: LATEST, fill: LATEST }, value: (_u, v) => formatNorm(v) },
        ],
      },
      latestData.current.data,
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(240, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [height, theme]);

  useEffect(() => {
    const u = plot.current;
    if (u === null) return;
    u.setData(data);
    u.setSeries(1, { show: series.firstStep !== null });
  }, [data, series.firstStep]);

  const falls = vanishingDecades(series.latest);
  return (
    <div className="depth-chart" data-testid="depth-chart" data-points={series.ids.length}>
      <div className="depth-chart-head">
        <span className="panel-title">Gradient norm by depth</span>
        <label className="depth-norm muted" title="Also plot normalization layers (BatchNorm, GroupNorm: their γ/β gradients)">
          <input type="checkbox" checked={withNorm} onChange={(e) => setWithNorm(e.target.checked)} data-testid="depth-with-norm" /> normalization layers
        </label>
        <span className="muted">
          {series.firstStep === null ? '' : `first probe: step ${series.firstStep}`}
          {series.latestStep === null ? '' : ` · latest: step ${series.latestStep}`}
        </span>
      </div>
      <div ref={box} />
      {series.ids.length === 0 ? (
        <div className="depth-chart-empty muted">{probes?.status === 'error' ? probes.error : 'No probes yet (every “probe every” steps of training).'}</div>
      ) : (
        falls !== null && (
          <div className="depth-chart-note muted" data-testid="depth-falls">
            {falls >= 1
              ? `The shallowest layers’ gradients are ${formatFactor(falls)} smaller than the deepest ones’: they are vanishing.`
              : falls <= -1
                ? `The shallowest layers’ gradients are ${formatFactor(-falls)} larger than the deepest ones’.`
                : 'Gradients reach the shallowest layers at about the size of the deepest ones (within 10×).'}
          </div>
        )
      )}
    </div>
  );
}

function formatFactor(decades: number): string {
  const f = 10 ** decades;
  return f >= 1000 ? `${Math.round(decades * 10) / 10} decades` : `${Math.round(f)}×`;
}
