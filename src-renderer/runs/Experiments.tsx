import { useEffect, useMemo, useState } from 'react';
import type { DatasetSpec } from '../../src-shared/api/services/datasets.js';
import type { ExperimentPresetInfo, PresetOutcome } from '../../src-shared/api/services/training.js';
import { formatCount } from '../../src-shared/graph/cost.js';
import type { Host } from '../host/host.js';
import { useApp } from '../state/app-store.js';
import { useRunFocus } from '../state/run-focus.js';
import { RunCharts } from './charts/RunCharts.js';
import { runColor } from './charts/chart-data.js';
import { useDock } from './dock-store.js';
import { experimentsFromRuns, mergeExperiments, useExperiments } from './experiments-store.js';
import { DepthCompareChart } from './overlay/DepthChart.js';
import type { StartedExperiment } from './experiments-store.js';
import { formatValue, isActive } from './format.js';
import { RunProgress } from './RunProgress.js';
import { loadRun, useRuns } from './runs-store.js';
import { EMPTY_SERIES } from './series.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

type DatasetChoice = 'preset' | 'fashion-mnist' | 'cifar10' | 'synthetic';

function datasetFor(choice: DatasetChoice, path: string): DatasetSpec | undefined {
  switch (choice) {
    case 'preset':
      return undefined;
    case 'fashion-mnist':
      return { kind: 'fashion-mnist' };
    case 'cifar10':
      return { kind: 'cifar10', path };
    case 'synthetic':
      return { kind: 'synthetic', task: 'classification' };
  }
}

/** One started experiment: its runs progressing one after another, curves overlaid, expected outcome beside, what it showed. */
function ExperimentView({ host, exp, preset }: { host: Host; exp: StartedExperiment; preset: ExperimentPresetInfo | undefined }) {
  const runs = useRuns((s) => s.runs);
  const notify = useApp((s) => s.notify);
  const [outcome, setOutcome] = useState<PresetOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = exp.runs.map((r) => r.runId);
  const statusKey = ids.map((id) => runs[id]?.status ?? '?').join(',');

  useEffect(() => {
    Promise.all(ids.map((id) => loadRun(host.api, id))).catch((e: unknown) => setError(message(e)));
  }, [host, exp.group]); // loaded once per experiment; events keep the runs current

  useEffect(() => {
    let live = true;
    host.api.training.presetOutcome({ group: exp.group }).then(
      (o) => live && setOutcome(o),
      (e: unknown) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [host, exp.group, statusKey]);

  // The one running now is the one the canvas overlay and the health panels follow.
  const running = ids.find((id) => runs[id]?.status === 'running');
  useEffect(() => {
    if (running !== undefined) useRunFocus.getState().focus(running);
  }, [running]);

  const chartRuns = useMemo(() => exp.runs.map((r, i) => ({ name: r.label, series: runs[r.runId]?.series ?? EMPTY_SERIES, color: runColor(i) })), [exp.runs, runs]);
  const cancelAll = (): void => {
    for (const id of ids) {
      const s = runs[id]?.status ?? 'queued';
      if (isActive(s)) host.api.training.cancel({ runId: id }).catch((e: unknown) => notify('error', `Could not cancel ${id}: ${message(e)}`));
    }
  };
  const anyActive = ids.some((id) => isActive(runs[id]?.status ?? 'queued'));
  return (
    <div className="experiment" data-testid="experiment" data-group={exp.group}>
      <div className="run-view-head">
        <b className="grow">{exp.title}</b>
        {anyActive && (
          <button type="button" className="danger" onClick={cancelAll} data-testid="experiment-cancel">
            Cancel all
          </button>
        )}
        <button type="button" className="ghost" onClick={() => {
            useDock.getState().setCompare(ids);
            useDock.getState().show('compare');
          }}
          title="Compare these runs: final metrics, params and FLOPs, architecture diffs">
          To compare
        </button>
      </div>
      <div className="experiment-body">
        <div className="experiment-runs">
          <ol className="experiment-queue" data-testid="experiment-queue">
            {exp.runs.map((r, i) => (
              <li key={r.runId} data-testid="experiment-run" data-status={runs[r.runId]?.status ?? 'queued'}>
                <div className="experiment-run-name">
                  <span className="swatch" style={{ background: runColor(i) }} /> <b>{r.label}</b>
                  <button type="button" className="link" onClick={() => useDock.getState().openRun(r.runId)}>
                    open
                  </button>
                </div>
                <RunProgress api={host.api} runId={r.runId} />
              </li>
            ))}
          </ol>
        </div>
        <aside className="experiment-expected" data-testid="experiment-expected">
          <b>Expected</b>
          <p>{outcome?.expected ?? preset?.expected ?? ''}</p>
          <b>What this run showed</b>
          <p data-testid="experiment-statement" className={outcome?.finished === true ? '' : 'muted'}>
            {outcome?.statement ?? '…'}
          </p>
        </aside>
      </div>
      {error !== null && <div className="run-error">{error}</div>}
      <RunCharts runs={chartRuns} height={160} />
      <details className="run-section" open>
        <summary>Gradient norm by depth (vanishing in the plain networks?)</summary>
        <DepthCompareChart runIds={ids} labels={exp.runs.map((r) => r.label)} />
      </details>
      {outcome !== null && (
        <table className="compare-table" data-testid="experiment-outcome">
          <thead>
            <tr>
              <th>network</th>
              <th>status</th>
              <th>epochs</th>
              <th>train err</th>
              <th>val err</th>
              <th>test err</th>
              <th>params</th>
              <th>FLOPs</th>
              <th>reference</th>
            </tr>
          </thead>
          <tbody>
            {outcome.rows.map((r) => (
              <tr key={r.runId}>
                <td>{r.label}</td>
                <td>{r.status}</td>
                <td>{r.epochs}</td>
                <td>{r.trainErrorPercent === null ? '—' : `${formatValue(r.trainErrorPercent)}%`}</td>
                <td>{r.valErrorPercent === null ? '—' : `${formatValue(r.valErrorPercent)}%`}</td>
                <td>{r.testErrorPercent === null ? '—' : `${formatValue(r.testErrorPercent)}%`}</td>
                <td>{r.params === null ? '—' : formatCount(r.params)}</td>
                <td>{r.flops === null ? '—' : formatCount(r.flops)}</td>
                <td title={r.reference?.source}>{r.reference?.text ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/**
 * The seeds' experiments, one click each: pick a preset, a dataset and a limit, Start; its runs
 * are queued and train one after another, their curves overlaid, the expected outcome beside and,
 * when they end, what they actually showed.
 */
export function Experiments({ host }: { host: Host }) {
  const notify = useApp((s) => s.notify);
  const remembered = useExperiments((s) => s.started);
  const [found, setFound] = useState<StartedExperiment[]>([]);
  const started = useMemo(() => mergeExperiments(remembered, found), [remembered, found]);
  const [presets, setPresets] = useState<ExperimentPresetInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [presetId, setPresetId] = useState('');
  const [dataset, setDataset] = useState<DatasetChoice>('preset');
  const [path, setPath] = useState('');
  const [limit, setLimit] = useState('2000');
  const [epochs, setEpochs] = useState('');
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    host.api.training.presets({}).then(
      async (r) => {
        if (!live) return;
        setPresets(r.presets);
        setPresetId((id) => (id === '' ? (r.presets[0]?.id ?? '') : id));
        // Experiments started earlier (another window, before a restart) are in the store: runs sharing a group.
        const titles = Object.fromEntries(r.presets.map((p) => [p.id, p.title]));
        const projects = (await host.api.projects.list({})).projects.slice(0, 40);
        const lists = await Promise.all(projects.map((p) => host.api.training.runs({ projectId: p.id }).then((x) => experimentsFromRuns(p.id, x.runs, titles), () => [])));
        if (live) setFound(lists.flat());
      },
      (e: unknown) => live && setError(`Could not read the experiments: ${message(e)}`),
    );
    return () => {
      live = false;
    };
  }, [host]);

  const preset = presets?.find((p) => p.id === presetId);
  const start = async (): Promise<void> => {
    if (preset === undefined) return;
    const n = limit.trim() === '' ? undefined : Number(limit);
    const e = epochs.trim() === '' ? undefined : Number(epochs);
    if (n !== undefined && !(Number.isInteger(n) && n >= 1)) return setError('Limit: a whole number of examples ≥ 1, or empty for all');
    if (e !== undefined && !(Number.isInteger(e) && e >= 1)) return setError('Epochs: a whole number ≥ 1, or empty for the preset’s');
    if (dataset === 'cifar10' && path.trim() === '') return setError('Dataset path: give the folder that holds CIFAR-10 (cifar-10-batches-bin)');
    const spec = datasetFor(dataset, path.trim());
    setBusy(true);
    setError(null);
    try {
      const r = await host.api.training.startPreset({ preset: preset.id, ...(spec === undefined ? {} : { dataset: spec }), hyper: { ...(n === undefined ? {} : { limit: n }), ...(e === undefined ? {} : { epochs: e }) } });
      const exp: StartedExperiment = { group: r.group, preset: preset.id, title: preset.title, projectId: r.projectId, runs: r.runs.map((x) => ({ runId: x.runId, label: x.label })), startedAt: Date.now() };
      useExperiments.getState().add(exp);
      setShown(r.group);
      notify('info', `${preset.title}: ${r.runs.length} runs queued.`);
    } catch (err) {
      setError(`Not started: ${message(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const current = started.find((x) => x.group === shown) ?? started[0];
  return (
    <div className="experiments" data-testid="experiments">
      <div className="experiment-pick">
        <label className="train-field">
          <span>Experiment</span>
          <select value={presetId} onChange={(e) => setPresetId(e.target.value)} aria-label="Experiment" data-testid="preset-select">
            {(presets ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
        </label>
        {preset !== undefined && (
          <>
            <p className="small">{preset.summary}</p>
            <p className="small muted">
              {preset.networks.map((n) => `${n.label} (${formatCount(n.params)} params${n.reference === null ? '' : `; paper: ${n.reference.text}`})`).join(' · ')}
            </p>
            <div className="train-grid">
              <label className="train-field">
                <span>Dataset</span>
                <select value={dataset} onChange={(e) => setDataset(e.target.value as DatasetChoice)} aria-label="Experiment dataset" data-testid="preset-dataset">
                  <option value="preset">the preset’s ({preset.dataset.kind})</option>
                  <option value="fashion-mnist">Fashion-MNIST</option>
                  <option value="cifar10">CIFAR-10 (give its folder)</option>
                  <option value="synthetic">synthetic</option>
                </select>
              </label>
              {dataset === 'cifar10' && (
                <label className="train-field">
                  <span>Path</span>
                  <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/cifar-10-batches-bin" aria-label="CIFAR-10 folder" />
                </label>
              )}
              <label className="train-field">
                <span>Limit</span>
                <input value={limit} onChange={(e) => setLimit(e.target.value)} placeholder="all" aria-label="Experiment limit" data-testid="preset-limit" />
              </label>
              <label className="train-field">
                <span>Epochs</span>
                <input value={epochs} onChange={(e) => setEpochs(e.target.value)} placeholder={String(preset.hyper.epochs ?? 'preset')} aria-label="Experiment epochs" data-testid="preset-epochs" />
              </label>
            </div>
            <p className="small muted">{preset.datasetNote}</p>
            <div className="train-actions">
              <span className="grow" />
              <button type="button" className="primary" disabled={busy} onClick={() => void start()} data-testid="preset-start">
                {busy ? 'Queuing…' : `Start ${preset.networks.length} runs`}
              </button>
            </div>
          </>
        )}
        {error !== null && (
          <div className="run-error" role="alert">
            {error}
          </div>
        )}
      </div>
      {started.length > 1 && (
        <label className="train-field">
          <span>Started</span>
          <select value={current?.group ?? ''} onChange={(e) => setShown(e.target.value)} aria-label="Started experiments">
            {started.map((x) => (
              <option key={x.group} value={x.group}>
                {x.title} — {new Date(x.startedAt).toLocaleString()}
              </option>
            ))}
          </select>
        </label>
      )}
      {current !== undefined && <ExperimentView key={current.group} host={host} exp={current} preset={presets?.find((p) => p.id === current.preset)} />}
    </div>
  );
}
