import { useEffect, useMemo, useState } from 'react';
import type { DocumentDiff } from '../../src-shared/api/services/projects.js';
import { formatCount } from '../../src-shared/graph/cost.js';
import type { Host } from '../host/host.js';
import { RunCharts } from './charts/RunCharts.js';
import { runColor } from './charts/chart-data.js';
import { DiffView } from './DiffView.js';
import { DepthCompareChart } from './overlay/DepthChart.js';
import { useDock } from './dock-store.js';
import { formatPercent, formatValue } from './format.js';
import { loadRun, useRuns } from './runs-store.js';
import { lastEpoch } from './series.js';
import { readStoredDocument, versionFacts } from './version-summary.js';
import type { VersionFacts } from './version-summary.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A short name for a run in legends and tables. */
export function runName(runId: string, label: string | null | undefined, index: number): string {
  return label ?? `#${index + 1} ${runId.slice(0, 6)}`;
}

/**
 * Two or more runs side by side: their curves overlaid (one colour per run), a table of final
 * metrics with params and FLOPs of the version each trained, and what changed in the architecture
 * from the first run's version to each other's.
 */
export function Compare({ host }: { host: Host }) {
  const ids = useDock((s) => s.compare);
  const runs = useRuns((s) => s.runs);
  const [facts, setFacts] = useState<Record<string, VersionFacts | string>>({});
  const [diffs, setDiffs] = useState<Record<string, DocumentDiff | string>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    Promise.all(ids.map((id) => loadRun(host.api, id))).catch((e: unknown) => setError(message(e)));
  }, [host, ids]);

  const versions = ids.map((id) => {
    const r = runs[id]?.record;
    return r === null || r === undefined || r.projectId === null || r.versionId === null ? null : { projectId: r.projectId, versionId: r.versionId };
  });
  const versionKey = versions.map((v) => (v === null ? '-' : `${v.projectId}/${v.versionId}`)).join(',');

  useEffect(() => {
    let live = true;
    const wanted = versions.filter((v): v is { projectId: string; versionId: string } => v !== null);
    for (const v of wanted) {
      if (facts[v.versionId] !== undefined) continue;
      host.api.projects.getVersion({ id: v.projectId, versionId: v.versionId }).then(
        (r) => {
          const d = readStoredDocument(r.document);
          if (live) setFacts((f) => ({ ...f, [v.versionId]: d.ok ? versionFacts(d.doc) : d.message }));
        },
        (e: unknown) => live && setFacts((f) => ({ ...f, [v.versionId]: message(e) })),
      );
    }
    const base = versions[0];
    if (base !== null && base !== undefined) {
      for (const v of versions.slice(1)) {
        if (v === null || v.projectId !== base.projectId) continue;
        const key = `${base.versionId}>${v.versionId}`;
        if (diffs[key] !== undefined) continue;
        host.api.projects.diffVersions({ id: base.projectId, from: base.versionId, to: v.versionId }).then(
          (d) => live && setDiffs((x) => ({ ...x, [key]: d })),
          (e: unknown) => live && setDiffs((x) => ({ ...x, [key]: message(e) })),
        );
      }
    }
    return () => {
      live = false;
    };
  }, [host, versionKey]); // versions/facts/diffs are read fresh; the key says when to look again

  const chartRuns = useMemo(
    () => ids.map((id, i) => ({ name: runName(id, runs[id]?.record?.label, i), series: runs[id]?.series ?? { steps: [], loss: [], accuracy: [], lr: [], throughputSteps: [], throughput: [], epochs: [] }, color: runColor(i) })),
    [ids, runs],
  );

  if (ids.length < 2) return <p className="muted">Tick two or more runs in the Runs tab to compare them.</p>;
  const base = versions[0];
  return (
    <div className="compare" data-testid="compare">
      {error !== null && <div className="run-error">Could not read a run: {error}</div>}
      <div className="compare-table-wrap">
        <table className="compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th>run</th>
              <th>status</th>
              <th>dataset</th>
              <th>epochs</th>
              <th>train loss</th>
              <th>val loss</th>
              <th>val acc</th>
              <th>test acc</th>
              <th>params</th>
              <th>FLOPs</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id, i) => {
              const r = runs[id];
              const last = r === undefined ? undefined : lastEpoch(r.series);
              const v = versions[i];
              const f = v === null || v === undefined ? undefined : facts[v.versionId];
              return (
                <tr key={id} data-testid="compare-row">
                  <td>
                    <span className="swatch" style={{ background: runColor(i) }} /> {runName(id, r?.record?.label, i)}
                  </td>
                  <td>{r?.status ?? '…'}</td>
                  <td>{r?.record?.dataset ?? '…'}</td>
                  <td>{r?.series.epochs.length ?? 0}</td>
                  <td>{formatValue(last?.trainLoss)}</td>
                  <td>{formatValue(last?.valLoss)}</td>
                  <td>{formatPercent(last?.valAccuracy)}</td>
                  <td>{formatPercent(r?.evaluation?.accuracy)}</td>
                  <td>{typeof f === 'object' ? formatCount(f.params) : '…'}</td>
                  <td>{typeof f === 'object' ? formatCount(f.flops) : '…'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <RunCharts runs={chartRuns} height={170} />
      <details className="run-section" open>
        <summary>Gradient norm by depth</summary>
        <DepthCompareChart runIds={ids} labels={chartRuns.map((r) => r.name)} />
      </details>
      <h4>Architecture</h4>
      {ids.slice(1).map((id, j) => {
        const v = versions[j + 1];
        const name = runName(id, runs[id]?.record?.label, j + 1);
        const baseName = runName(ids[0] ?? '', runs[ids[0] ?? '']?.record?.label, 0);
        if (base === null || base === undefined || v === null || v === undefined) return <p key={id} className="muted small">{name}: reading…</p>;
        if (v.projectId !== base.projectId) return <p key={id} className="muted small">{name}: in another project (no diff across projects).</p>;
        const d = diffs[`${base.versionId}>${v.versionId}`];
        return (
          <div key={id} className="compare-diff">
            <p className="small">
              <b>{baseName}</b> → <b>{name}</b>
            </p>
            {d === undefined ? <p className="muted small">…</p> : typeof d === 'string' ? <p className="run-error">{d}</p> : <DiffView diff={d} />}
          </div>
        );
      })}
    </div>
  );
}
