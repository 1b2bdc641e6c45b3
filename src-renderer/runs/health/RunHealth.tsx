import { useEffect, useMemo, useState } from 'react';
import { nodeName } from '../../../src-shared/graph/diagnostics.js';
import { getId, hasId } from '../../../src-shared/graph/records.js';
import { useEditor, useEditorStore } from '../../editor/context.js';
import { useApp } from '../../state/app-store.js';
import { formatNorm } from '../overlay/color-scale.js';
import { DepthChart, DepthCompareChart } from '../overlay/DepthChart.js';
import { useRunProbes } from '../overlay/overlay-state.js';
import { useRunHost } from '../overlay/run-host.js';
import { TREND_BACK, activationRows, formatTrend, residualRows, sortRows } from './health-rows.js';
import type { HealthRow, Sort, SortKey } from './health-rows.js';
import './health.css';

/**
 * A run's health: gradient norm by depth, ‖F(x)‖/‖x‖ per residual merge and the dead fraction per
 * ReLU at the latest probe with their trend, in sortable tables. Clicking a row selects its layer
 * on the canvas.
 */
export function RunHealth({ runId }: { runId: string }) {
  const probes = useRunProbes(runId);
  const others = useOtherRuns(runId);
  const [other, setOther] = useState<string>('');
  const compared = others.find((o) => o.id === other);
  const nodes = useEditor((s) => s.doc.nodes);
  const history = probes?.history ?? [];
  const exists = (id: string): boolean => hasId(nodes, id);
  const residuals = useMemo(() => residualRows(history, (id) => hasId(nodes, id)), [history, nodes]);
  const activations = useMemo(() => activationRows(history, (id) => hasId(nodes, id)), [history, nodes]);
  const latest = history[history.length - 1];
  return (
    <section className="run-health" data-testid="run-health" aria-label="Run health">
      {others.length > 0 && (
        <label className="health-compare muted">
          Compare the depth picture with{' '}
          <select value={compared === undefined ? '' : other} onChange={(e) => setOther(e.target.value)} data-testid="depth-compare-run">
            <option value="">no other run</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {compared === undefined ? <DepthChart runId={runId} /> : <DepthCompareChart runIds={[runId, compared.id]} labels={['this run', compared.label]} />}
      {latest === undefined ? (
        <p className="muted health-empty">{probes?.status === 'error' ? probes.error : probes?.status === 'loading' ? 'Reading the run’s probes…' : 'No probes yet.'}</p>
      ) : (
        <>
          <HealthTable
            title="Residual merges"
            testId="residual-table"
            column="‖F(x)‖ / ‖x‖"
            help="How large the residual branch F is against the shortcut x it is added to, on the probed batch. Near 0 the block passes x through almost unchanged; much above 1 the shortcut carries little."
            rows={residuals}
            percent={false}
            exists={exists}
            order={probes?.order ?? null}
            empty="No residual merges (two-input Add or Gate) in this network."
          />
          <HealthTable
            title="Activations"
            testId="activation-table"
            column="dead units"
            help="Fraction of each ReLU’s units (channels) that were 0 for every example and position of the probed batch; a dead unit passes no gradient."
            rows={activations}
            percent
            exists={exists}
            order={probes?.order ?? null}
            empty="No ReLUs in this network."
          />
          <p className="muted health-foot">
            At step {latest.step} (epoch {latest.epoch}); trend: change over the last {TREND_BACK} probes. Copies of a repeated block are averaged.
          </p>
        </>
      )}
    </section>
  );
}

interface OtherRun {
  readonly id: string;
  readonly label: string;
}

/** The other runs of this run's project, newest first (to compare the depth picture with). */
function useOtherRuns(runId: string): readonly OtherRun[] {
  const host = useRunHost((s) => s.host);
  const [runs, setRuns] = useState<readonly OtherRun[]>([]);
  useEffect(() => {
    if (host === null) return undefined;
    let alive = true;
    const read = (): void => {
      host.api.training
        .get({ runId })
        .then((r) => (r.run.projectId === null ? { runs: [] } : host.api.training.runs({ projectId: r.run.projectId })))
        .then(
          (r) => {
            if (!alive) return;
            const list = r.runs
              .filter((x) => x.id !== runId)
              .sort((a, b) => b.createdAt - a.createdAt)
              .map((x) => ({ id: x.id, label: `${x.label ?? x.dataset} · ${new Date(x.createdAt).toLocaleTimeString()} · ${x.status}` }));
            setRuns(list);
          },
          () => alive && setRuns([]),
        );
    };
    read();
    const off = host.on('training', 'status', read);
    return () => {
      alive = false;
      off();
    };
  }, [host, runId]);
  return runs;
}

interface TableProps {
  title: string;
  testId: string;
  column: string;
  help: string;
  rows: readonly HealthRow[];
  percent: boolean;
  exists: (id: string) => boolean;
  order: readonly string[] | null;
  empty: string;
}

function HealthTable({ title, testId, column, help, rows, percent, exists, order, empty }: TableProps) {
  const editor = useEditorStore();
  const nodes = useEditor((s) => s.doc.nodes);
  const selected = useEditor((s) => s.selection.nodes);
  const notify = useApp((s) => s.notify);
  const [sort, setSort] = useState<Sort>({ key: 'order', descending: false });
  const label = (id: string): string => {
    const n = getId(nodes, id);
    return n === undefined ? id : nodeName(n);
  };
  const rank = useMemo(() => {
    const pos = new Map((order ?? Object.keys(nodes)).map((id, i) => [id, i]));
    return (id: string): number => pos.get(id) ?? Number.MAX_SAFE_INTEGER;
  }, [order, nodes]);
  const sorted = sortRows(rows, sort, rank, label);
  const by = (key: SortKey): void => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === 'value' }));
  const arrow = (key: SortKey): string => (sort.key === key ? (sort.descending ? ' ▾' : ' ▴') : '');
  const ariaSort = (key: SortKey): 'ascending' | 'descending' | 'none' => (sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none');
  const pick = (id: string): void => {
    if (!exists(id)) {
      notify('warning', `“${id}” is not in the network on the canvas (it was changed since this run).`);
      return;
    }
    editor.getState().select({ nodes: new Set([id]) }, 'replace');
  };
  const fmt = (v: number | null): string => (v === null ? '—' : percent ? `${Math.round(v * 1000) / 10}%` : formatNorm(v));
  return (
    <div className="health-table-wrap">
      <h4 className="panel-title" title={help}>
        {title}
      </h4>
      {rows.length === 0 ? (
        <p className="muted health-empty">{empty}</p>
      ) : (
        <table className="health-table" data-testid={testId}>
          <thead>
            <tr>
              <th aria-sort={ariaSort('order')}>
                <button type="button" className="link" onClick={() => by('order')} title="Sort by depth">
                  #{arrow('order')}
                </button>
              </th>
              <th aria-sort={ariaSort('name')}>
                <button type="button" className="link" onClick={() => by('name')}>
                  layer{arrow('name')}
                </button>
              </th>
              <th aria-sort={ariaSort('value')} className="num">
                <button type="button" className="link" onClick={() => by('value')} title={help}>
                  {column}
                  {arrow('value')}
                </button>
              </th>
              <th aria-sort={ariaSort('trend')} className="num">
                <button type="button" className="link" onClick={() => by('trend')} title={`Change over the last ${TREND_BACK} probes`}>
                  trend{arrow('trend')}
                </button>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => {
              const depth = rank(r.nodeId);
              return (
                <tr
                  key={r.nodeId}
                  className={selected.has(r.nodeId) ? 'selected' : undefined}
                  onClick={() => pick(r.nodeId)}
                  data-node={r.nodeId}
                  title={[
                    `Select “${label(r.nodeId)}” on the canvas`,
                    r.shortcut !== null ? `shortcut x from “${label(r.shortcut)}”, branch F from “${label(r.branch ?? '')}”` : '',
                    r.copies > 1 ? `mean over ${r.copies} copies` : '',
                  ]
                    .filter((s) => s !== '')
                    .join('\n')}
                >
                  <td className="muted">{depth === Number.MAX_SAFE_INTEGER ? '' : depth + 1}</td>
                  <td>
                    {label(r.nodeId)}
                    {r.copies > 1 && <span className="muted"> ×{r.copies}</span>}
                  </td>
                  <td className={`num${percent && (r.value ?? 0) >= 0.5 ? ' warn' : ''}`}>{fmt(r.value)}</td>
                  <td className="num muted">{formatTrend(r.trend, percent)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
