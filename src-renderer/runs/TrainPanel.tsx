import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { DatasetInfo } from '../../src-shared/api/services/datasets.js';
import type { EnginesReport } from '../../src-shared/api/services/engines.js';
import type { PreflightReply, StartReply } from '../../src-shared/api/services/training.js';
import { costReport, formatBytes, trainingMemory } from '../../src-shared/graph/cost.js';
import { useEditor } from '../editor/context.js';
import type { Host } from '../host/host.js';
import { useApp } from '../state/app-store.js';
import { useProject } from '../state/project-store.js';
import { useRunFocus } from '../state/run-focus.js';
import { useDock } from './dock-store.js';
import { isActive } from './format.js';
import type { ProjectActions } from './project-actions.js';
import { RunProgress } from './RunProgress.js';
import { useRuns } from './runs-store.js';
import { defaultDataset, defaultsFor, fieldLabel, formToRequest, needsPath } from './train-form.js';
import type { TrainForm } from './train-form.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function Field({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <label className="train-field" title={title}>
      <span>{label}</span>
      {children}
    </label>
  );
}

/**
 * The Train panel: dataset (what this machine has), engine (auto with the probe's reason, or one
 * named), hyperparameters with the network's recipe as defaults, the memory estimate against free
 * memory, Start. A network not in a project is saved into a new one first (runs are kept there).
 */
export function TrainPanel({ host, projects }: { host: Host; projects: ProjectActions }) {
  const api = host.api;
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const notify = useApp((s) => s.notify);
  const dataDir = useApp((s) => s.info?.dataDir);
  const project = useProject((s) => s.current);
  const templateKey = `${doc.meta.template?.id ?? ''}|${doc.input.height}x${doc.input.width}x${doc.input.channels}`;
  const defaults = useMemo(() => defaultsFor(doc), [templateKey]);
  const [form, setForm] = useState<TrainForm>(defaults.form);
  const [datasets, setDatasets] = useState<DatasetInfo[] | null>(null);
  const [engines, setEngines] = useState<EnginesReport | null>(null);
  const [preflight, setPreflight] = useState<PreflightReply | null>(null);
  const [lastStart, setLastStart] = useState<StartReply | null>(null);
  const [error, setError] = useState<{ field: keyof TrainForm | null; message: string } | null>(null);
  const [starting, setStarting] = useState(false);
  const activeRunId = useDock((s) => s.runId);
  const activeStatus = useRuns((s) => (activeRunId === null ? null : (s.runs[activeRunId]?.status ?? null)));

  // A different network (another template or input) gets its own recipe; the dataset choice follows.
  useEffect(() => {
    setForm((f) => ({ ...defaults.form, datasetId: datasets === null ? f.datasetId : defaultDataset(doc, datasets), datasetPath: f.datasetPath, engine: f.engine }));
  }, [defaults]);

  useEffect(() => {
    let live = true;
    api.datasets.list({}).then(
      (r) => {
        if (!live) return;
        setDatasets(r.datasets);
        setForm((f) => ({ ...f, datasetId: defaultDataset(doc, r.datasets) }));
      },
      (e: unknown) => live && setError({ field: 'datasetId', message: `Could not list the datasets: ${message(e)}` }),
    );
    api.engines.probe({}).then(
      (r) => live && setEngines(r),
      (e: unknown) => live && setError({ field: 'engine', message: `Could not probe the engines: ${message(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => {
    if (form.datasetId === 'cifar10' && form.datasetPath === '' && dataDir !== undefined) setForm((f) => ({ ...f, datasetPath: `${dataDir}/datasets/cifar-10-batches-bin` }));
  }, [form.datasetId, form.datasetPath, dataDir]);

  const request = useMemo(() => formToRequest(form), [form]);

  // Preflight (engine and why, memory against free, the dataset found, refusals), shortly after the form settles.
  const seq = useRef(0);
  useEffect(() => {
    if (!request.ok) return;
    const n = ++seq.current;
    const timer = setTimeout(() => {
      api.training.preflight({ document: doc, dataset: request.dataset, engine: request.engine, hyper: request.hyper }).then(
        (r) => n === seq.current && setPreflight(r),
        () => n === seq.current && setPreflight(null),
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [api, doc, request]);

  const set = <K extends keyof TrainForm>(k: K, v: TrainForm[K]): void => {
    setForm((f) => ({ ...f, [k]: v }));
    setError(null);
  };
  const text = (k: keyof TrainForm, extra: { placeholder?: string; width?: number } = {}) => (
    <input
      value={String(form[k])}
      placeholder={extra.placeholder}
      aria-label={fieldLabel(k)}
      aria-invalid={error?.field === k || (!request.ok && request.field === k) ? true : undefined}
      data-testid={`train-${k}`}
      onChange={(e) => set(k, e.target.value as TrainForm[typeof k])}
    />
  );

  const local = useMemo(() => {
    const b = Number(form.batchSize);
    return trainingMemory(costReport(analysis), { batchSize: Number.isFinite(b) ? b : 0, optimizer: form.optimizer === 'adamw' ? 'adam' : form.optimizer === 'sgd' ? 'sgd' : form.optimizer });
  }, [analysis, form.batchSize, form.optimizer]);
  const estimate = preflight?.memory?.estimatedBytes ?? lastStart?.memory.estimatedBytes ?? local.totalBytes;
  const free = preflight?.memory?.freeBytes ?? lastStart?.memory.freeBytes ?? null;

  /** Start now, or queue: the run waits for the runs before it, and the queue survives a restart. */
  const start = async (how: 'start' | 'queue'): Promise<void> => {
    if (!request.ok) {
      setError({ field: request.field, message: request.message });
      return;
    }
    setStarting(true);
    setError(null);
    try {
      let target = useProject.getState().current;
      let saved = '';
      if (target === undefined) {
        const r = await projects.save();
        if (!r.ok) throw new Error(r.message);
        target = r.target;
        saved = `${r.message} `;
      }
      const input = { projectId: target.projectId, document: doc, dataset: request.dataset, engine: request.engine, hyper: request.hyper };
      const kept = saved === '' ? '' : '; its runs are kept in that project';
      if (how === 'start') {
        const reply = await api.training.start(input);
        setLastStart(reply);
        useRuns.getState().update(reply.runId, (r) => ({ ...r, status: r.status ?? 'running', engine: reply.engine, detail: reply.detail }));
        useRunFocus.getState().focus(reply.runId);
        useDock.getState().openRun(reply.runId);
        notify('info', `${saved}Training started on ${reply.engine}${kept}.`);
      } else {
        const name = doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name.trim();
        const reply = await api.training.enqueue({ ...input, label: name });
        useRuns.getState().update(reply.runId, (r) => ({ ...r, status: r.status ?? (reply.position === 0 ? 'running' : 'queued') }));
        useDock.getState().openRun(reply.runId);
        notify('info', `${saved}${reply.position === 0 ? 'Queued and starting now' : `Queued: ${reply.position} run${reply.position === 1 ? '' : 's'} before it`}${kept}.`);
      }
    } catch (e) {
      setError({ field: null, message: `Not ${how === 'start' ? 'started' : 'queued'}: ${message(e)}` });
    } finally {
      setStarting(false);
    }
  };

  const engineDetail =
    form.engine === 'auto'
      ? (preflight?.engine?.reason ?? (engines === null ? 'probing…' : `auto picks ${engines.auto}: ${engines.autoReason}`))
      : (engines?.engines.find((e) => e.id === form.engine)?.detail ?? '');
  const dataset = datasets?.find((d) => d.id === form.datasetId);
  const refusal = preflight?.refusal ?? null;
  const shown = error ?? (request.ok ? null : { field: request.field, message: request.message });

  return (
    <div className="train-panel" data-testid="train-panel">
      <p className="muted small">
        Defaults: {defaults.source}.{' '}
        <button type="button" className="link" onClick={() => setForm((f) => ({ ...defaults.form, datasetId: f.datasetId, datasetPath: f.datasetPath, engine: f.engine }))}>
          Reset
        </button>
      </p>
      <div className="train-grid">
        <Field label="Dataset">
          <select value={form.datasetId} aria-label="Dataset" data-testid="train-dataset" onChange={(e) => set('datasetId', e.target.value)}>
            {(datasets ?? []).map((d) => (
              <option key={d.id} value={d.id} disabled={!d.available} title={d.detail}>
                {d.name}
                {d.available ? '' : ' (not found)'}
              </option>
            ))}
            <option value="folder">Image folder…</option>
          </select>
        </Field>
        {needsPath(form.datasetId) && <Field label="Path">{text('datasetPath', { placeholder: '/path/to/data' })}</Field>}
        <div className="train-note" data-testid="train-dataset-detail">
          {preflight?.dataset !== null && preflight?.dataset !== undefined
            ? `${preflight.dataset.name}: ${preflight.dataset.trainSize.toLocaleString()} train / ${preflight.dataset.testSize.toLocaleString()} test, ${preflight.dataset.shape.join('×')}, ${preflight.dataset.classes} classes`
            : (dataset?.detail ?? '')}
        </div>
        <Field label="Engine">
          <select value={form.engine} aria-label="Engine" data-testid="train-engine" onChange={(e) => set('engine', e.target.value as TrainForm['engine'])}>
            <option value="auto">auto{engines === null ? '' : ` (${engines.auto})`}</option>
            {(engines?.engines ?? []).map((e) => (
              <option key={e.id} value={e.id} disabled={!e.available} title={e.available ? e.detail : `${e.detail}${e.fix === undefined ? '' : ` — ${e.fix}`}`}>
                {e.label}
                {e.available ? (e.software === true ? ' (software adapter)' : '') : ' (not available)'}
              </option>
            ))}
          </select>
        </Field>
        <div className="train-note" data-testid="train-engine-detail">
          {engineDetail}
        </div>
        <Field label="Optimizer">
          <select value={form.optimizer} aria-label="Optimizer" data-testid="train-optimizer" onChange={(e) => set('optimizer', e.target.value as TrainForm['optimizer'])}>
            <option value="sgd">SGD</option>
            <option value="momentum">SGD + momentum</option>
            <option value="adam">Adam</option>
            <option value="adamw">AdamW</option>
          </select>
        </Field>
        <Field label="Learning rate">{text('learningRate', { placeholder: 'default' })}</Field>
        <Field label="Weight decay">{text('weightDecay', { placeholder: 'default' })}</Field>
        {form.optimizer === 'momentum' && (
          <>
            <Field label="Momentum">{text('momentum')}</Field>
            <Field label="Nesterov">
              <input type="checkbox" checked={form.nesterov} onChange={(e) => set('nesterov', e.target.checked)} />
            </Field>
          </>
        )}
        <Field label="Batch size">{text('batchSize')}</Field>
        <Field label="Epochs">{text('epochs')}</Field>
        <Field label="Schedule">
          <select value={form.schedule} aria-label="Schedule" onChange={(e) => set('schedule', e.target.value as TrainForm['schedule'])}>
            <option value="constant">constant</option>
            <option value="cosine">cosine</option>
            <option value="step">step (÷ at epochs)</option>
          </select>
        </Field>
        {form.schedule === 'step' && (
          <>
            <Field label="Milestones">{text('milestones', { placeholder: '5,8' })}</Field>
            <Field label="Step factor">{text('stepFactor')}</Field>
          </>
        )}
        <Field label="Warm-up" title="Epochs of linear warm-up">
          {text('warmupEpochs')}
        </Field>
        <Field label="Limit" title="Use at most this many training examples (and as many test examples)">
          {text('limit', { placeholder: 'all' })}
        </Field>
        <Field label="Validation" title="Fraction held out for validation">
          {text('validationFraction')}
        </Field>
        <Field label="Seed">{text('seed', { placeholder: 'random' })}</Field>
        <Field label="Crop padding">{text('cropPadding')}</Field>
        <Field label="Flip">
          <input type="checkbox" checked={form.flip} onChange={(e) => set('flip', e.target.checked)} />
        </Field>
        <Field label="Probe every" title="Gradient norms, residual ratios and dead ReLUs every this many steps">
          {text('probeEvery')}
        </Field>
      </div>
      <div className={`train-memory${free !== null && estimate > free ? ' over' : ''}`} data-testid="train-memory">
        Training memory ≈ <b>{formatBytes(estimate)}</b>
        {free !== null ? (
          <>
            {' '}
            of <b>{formatBytes(free)}</b> free
          </>
        ) : (
          ' (free memory is checked at start)'
        )}
      </div>
      {refusal !== null && (
        <div className="run-error" data-testid="train-refusal">
          Would be refused ({refusal.kind}): {refusal.message}
        </div>
      )}
      {shown !== null && (
        <div className="run-error" role="alert" data-testid="train-error">
          {shown.message}
        </div>
      )}
      <div className="train-actions">
        <span className="muted small" data-testid="train-project">
          {project === undefined ? 'Not in a project yet: Start saves it as a new project first.' : 'Runs are kept in this network’s project.'}
        </span>
        <button type="button" disabled={starting || !request.ok} onClick={() => void start('queue')} title="Run after the runs already queued (the queue survives a restart)" data-testid="train-queue">
          Queue
        </button>
        <button type="button" className="primary" disabled={starting || !request.ok} onClick={() => void start('start')} data-testid="train-start">
          {starting ? 'Starting…' : 'Start'}
        </button>
      </div>
      {activeRunId !== null && activeStatus !== null && isActive(activeStatus) && (
        <div className="train-active">
          <RunProgress api={api} runId={activeRunId} />
        </div>
      )}
    </div>
  );
}
