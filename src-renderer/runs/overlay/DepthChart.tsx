import { useEffect, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useShallow } from 'zustand/react/shallow';
import type { GraphNode } from '../../../src-shared/graph/document.js';
import { getId } from '../../../src-shared/graph/records.js';
import { getLayer } from '../../../src-shared/layers/registry.js';
import { useEditor } from '../../editor/context.js';
import { useApp } from '../../state/app-store.js';
import { formatNorm } from './color-scale.js';
import { depthSeries, vanishingDecades } from './depth-series.js';
import { useRunHost } from './run-host.js';
import { useRunProbes } from './overlay-state.js';
import { baseNodeId } from './probe-model.js';
import { keepRun, useProbes } from './probe-store.js';
import type { RunProbes } from './probe-store.js';
import './overlay.css';
import { mountChart, mutedColor, themedAxis } from '../charts/mount.js';

const LATEST = '#35b779';
/** Colours of compared runs (viridis-like, then others). */
const RUN_COLORS = ['#35b779', '#e0a030', '#3b82c4', '#c2417c', '#7a5cc4', '#20a4a4'];

interface DepthLine {
  readonly label: string;
  readonly color: string;
  /** Trainer ids at each depth (for the hover). */
  readonly ids: readonly string[];
  readonly values: readonly (number | null)[];
  readonly faded?: boolean;
}

/** Whether a trainer id is a normalization layer: by the run's own graph when known, else by the network on the canvas. */
function normalizationTest(kinds: ReadonlyMap<string, string> | null, nodes: Readonly<Record<string, GraphNode>>): (id: string) => boolean {
  return (id) => {
    const kind = kinds?.get(id) ?? getId(nodes, id)?.kind ?? getId(nodes, baseNodeId(id))?.kind;
    return kind !== undefined && getLayer(kind)?.category === 'Normalization';
  };
}

/** One uPlot chart of lines over depth (x = 1…N from the input), y log. */
function DepthPlot({ lines, height }: { lines: readonly DepthLine[]; height: number }) {
  const theme = useApp((s) => s.theme);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const n = lines.reduce((m, l) => Math.max(m, l.values.length), 0);
  const data = useMemo((): uPlot.AlignedData => [Array.from({ length: n }, (_, i) => i + 1), ...lines.map((l) => Array.from({ length: n }, (_, i) => l.values[i] ?? null))], [lines, n]);
  const look = lines.map((l) => `${l.label}|${l.color}|${String(l.faded)}`).join(';');
  const latest = useRef({ data, lines });
  latest.current = { data, lines };

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const muted = mutedColor();
    const axis = themedAxis();
    const ls = latest.current.lines;
    return mountChart(
      el,
      (width) => ({
        width,
        height,
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [
          { ...axis, label: 'depth (layers with weights, input → output)', labelFont: '11px system-ui, sans-serif', labelSize: 16, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] },
          { ...axis, size: 50, values: (_u, splits) => splits.map((v) => formatNorm(v)) },
        ],
        series: [
          {
            label: 'layer',
            value: (_u, v) => {
              if (v === null || v === undefined) return '—';
              const ids = [...new Set(latest.current.lines.map((l) => l.ids[v - 1]).filter((x): x is string => x !== undefined))];
              return ids.length === 1 ? `${v} · ${ids[0] ?? ''}` : String(v);
            },
          },
          ...ls.map(
            (l): uPlot.Series => ({
              label: l.label,
              stroke: l.faded === true ? muted : l.color,
              width: l.faded === true ? 1.25 : 2,
              spanGaps: true,
              ...(l.faded === true ? { dash: [4, 3] } : {}),
              points: { show: true, size: l.faded === true ? 4 : 5, stroke: l.faded === true ? muted : l.color, fill: l.faded === true ? muted : l.color },
              value: (_u, v) => formatNorm(v),
            }),
          ),
        ],
      }),
      latest.current.data,
      240,
      (u) => {
        plot.current = u;
      },
    );
  }, [height, theme, look]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return <div ref={box} />;
}

function NormToggle({ on, set }: { on: boolean; set: (v: boolean) => void }) {
  return (
    <label className="depth-norm muted" title="Also plot normalization layers (BatchNorm, GroupNorm: their γ/β gradients)">
      <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} data-testid="depth-with-norm" /> normalization layers
    </label>
  );
}

function formatFactor(decades: number): string {
  const f = 10 ** decades;
  return f >= 1000 ? `${Math.round(decades * 10) / 10} decades` : `${Math.round(f)}×`;
}

/** One line about how the gradient changes from the deepest layers to the shallowest. */
function fallText(values: readonly (number | null)[]): string | null {
  const falls = vanishingDecades(values);
  if (falls === null) return null;
  if (falls >= 1) return `the shallowest layers’ gradients are ${formatFactor(falls)} smaller than the deepest ones’: they are vanishing`;
  if (falls <= -1) return `the shallowest layers’ gradients are ${formatFactor(-falls)} larger than the deepest ones’`;
  return 'gradients reach the shallowest layers at about the size of the deepest ones (within 10×)';
}

/**
 * Gradient norm by depth (uPlot): x is the layers with weights in the graph's order (input
 * left), y the L2 norm of each one's gradient on a log scale; the latest probe, and faded behind
 * it the first one. A plain deep network's curve falls towards the input (vanishing gradients); a
 * residual network's stays level. Normalization layers (BN γ/β: gradients of another scale that
 * zigzag the curve between convolutions) are left out unless asked for.
 */
export function DepthChart({ runId, height = 180 }: { runId: string; height?: number }) {
  const probes = useRunProbes(runId);
  const nodes = useEditor((s) => s.doc.nodes);
  const [withNorm, setWithNorm] = useState(false);
  const series = useMemo(() => {
    const isNorm = normalizationTest(probes?.kinds ?? null, nodes);
    return depthSeries(probes?.history ?? [], probes?.order ?? null, withNorm ? undefined : (id) => !isNorm(id));
  }, [probes?.history, probes?.order, probes?.kinds, nodes, withNorm]);
  const lines = useMemo(
    (): DepthLine[] => [
      { label: 'first probe', color: LATEST, ids: series.ids, values: series.firstStep === null ? [] : series.first, faded: true },
      { label: 'latest probe', color: LATEST, ids: series.ids, values: series.latestStep === null ? [] : series.latest },
    ],
    [series],
  );
  const falls = fallText(series.latestStep === null ? series.first : series.latest);
  return (
    <div className="depth-chart" data-testid="depth-chart" data-points={series.ids.length}>
      <div className="depth-chart-head">
        <span className="panel-title">Gradient norm by depth</span>
        <NormToggle on={withNorm} set={setWithNorm} />
        <span className="muted">
          {series.firstStep === null ? '' : `first probe: step ${series.firstStep}`}
          {series.latestStep === null ? '' : ` · latest: step ${series.latestStep}`}
        </span>
      </div>
      <DepthPlot lines={lines} height={height} />
      {series.ids.length === 0 ? (
        <div className="depth-chart-empty muted">{probes?.status === 'error' ? probes.error : 'No probes yet (every “probe every” steps of training).'}</div>
      ) : (
        falls !== null && (
          <div className="depth-chart-note muted" data-testid="depth-falls">
            {falls.charAt(0).toUpperCase() + falls.slice(1)}.
          </div>
        )
      )}
    </div>
  );
}

/** Keeps several runs' probes while mounted; returns them in the order asked. */
function useRunsProbes(runIds: readonly string[]): readonly (RunProbes | null)[] {
  const host = useRunHost((s) => s.host);
  const key = runIds.join('\u0000');
  useEffect(() => {
    if (host === null) return undefined;
    const releases = key === '' ? [] : key.split('\u0000').map((id) => keepRun(host.api, id));
    return () => {
      for (const r of releases) r();
    };
  }, [host, key]);
  return useProbes(useShallow((s) => runIds.map((id) => s.runs[id] ?? null)));
}

/**
 * Gradient norm by depth of several runs at their latest probe, aligned at the input: plain vs
 * residual, shallow vs deep (the degradation experiment's picture). `labels` names the runs.
 */
export function DepthCompareChart({ runIds, labels, height = 200 }: { runIds: readonly string[]; labels?: readonly string[]; height?: number }) {
  const runs = useRunsProbes(runIds);
  const nodes = useEditor((s) => s.doc.nodes);
  const [withNorm, setWithNorm] = useState(false);
  const lines = useMemo(
    () =>
      runIds.map((id, i): DepthLine & { step: number | null } => {
        const p = runs[i] ?? null;
        const isNorm = normalizationTest(p?.kinds ?? null, nodes);
        const last = p?.history[p.history.length - 1];
        const s = depthSeries(last === undefined ? [] : [last], p?.order ?? null, withNorm ? undefined : (x) => !isNorm(x));
        return { label: labels?.[i] ?? `run ${id.slice(0, 8)}`, color: RUN_COLORS[i % RUN_COLORS.length] ?? LATEST, ids: s.ids, values: s.first, step: s.firstStep };
      }),
    [runIds, runs, labels, nodes, withNorm],
  );
  const points = lines.reduce((n, l) => n + l.values.length, 0);
  return (
    <div className="depth-chart" data-testid="depth-compare" data-points={points}>
      <div className="depth-chart-head">
        <span className="panel-title">Gradient norm by depth, latest probe of each run</span>
        <NormToggle on={withNorm} set={setWithNorm} />
      </div>
      <DepthPlot lines={lines} height={height} />
      {points === 0 ? (
        <div className="depth-chart-empty muted">No probes yet.</div>
      ) : (
        <ul className="depth-compare-notes muted">
          {lines.map((l) => {
            const t = fallText(l.values);
            return t === null ? null : (
              <li key={l.label}>
                <span className="swatch" style={{ background: l.color }} /> {l.label}
                {l.step === null ? '' : ` (step ${l.step})`}: {t}.
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
