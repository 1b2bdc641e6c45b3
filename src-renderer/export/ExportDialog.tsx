import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ExportDiagnostic, ExportRunSource, ExportTarget } from '../../src-shared/api/index.js';
import { useEditor } from '../editor/context.js';
import type { Host } from '../host/host.js';
import { useApp } from '../state/app-store.js';
import { useProject } from '../state/project-store.js';
import { DEFAULT_OPTIONS, FORMATS, generateRequest, hasTrainOption, runChoices, sourceLine, trainLabel } from './choices.js';
import type { OptionValues, RunChoice, Source } from './choices.js';
import { deliver } from './deliver.js';
import { Modal } from '../ui/Modal.js';
import './export-dialog.css';

type Check =
  | { readonly state: 'checking' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'checked'; readonly ok: boolean; readonly name: string; readonly error: string | null; readonly diagnostics: readonly ExportDiagnostic[]; readonly run: ExportRunSource | null };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Export code: a format (TypeScript, tfjs model files, PyTorch with its DDP script, ONNX), a source
 * (the network in the editor, or one of the current project's finished runs: its graph version
 * with its last checkpoint's weights) and the options the format's generator has. The export
 * service checks first: a graph with errors is refused and its diagnostics are listed.
 */
export function ExportDialog({ host, onClose }: { host: Host; onClose: () => void }) {
  const doc = useEditor((s) => s.doc);
  const projectId = useProject((s) => s.current?.projectId);
  const notify = useApp((s) => s.notify);
  const [target, setTarget] = useState<ExportTarget>('typescript');
  const [values, setValues] = useState<OptionValues>(DEFAULT_OPTIONS);
  const [source, setSource] = useState<Source>({ kind: 'network' });
  const [runs, setRuns] = useState<readonly RunChoice[] | null>(projectId === undefined ? [] : null);
  const [check, setCheck] = useState<Check>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const id = useId();
  const formats = useRef<HTMLFieldSetElement>(null);

  // the project's finished runs (none when the network is not saved in a project)
  useEffect(() => {
    if (projectId === undefined) return;
    let live = true;
    host.api.projects.runs({ id: projectId }).then(
      (r) => live && setRuns(runChoices(r.runs)),
      (e: unknown) => {
        if (!live) return;
        setRuns([]);
        notify('warning', `Could not list the project's runs: ${message(e)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [host, projectId, notify]);

  // what would be exported, and whether: asked of the export service whenever the source changes
  useEffect(() => {
    let live = true;
    setCheck({ state: 'checking' });
    setFailure(null);
    const input = source.kind === 'run' ? { options: { runId: source.runId } } : { document: doc };
    host.api.export.check(input).then(
      (r) => live && setCheck({ state: 'checked', ...r }),
      (e: unknown) => live && setCheck({ state: 'failed', message: message(e) }),
    );
    return () => {
      live = false;
    };
  }, [host, doc, source]);

  const ready = check.state === 'checked' && check.ok && !busy;
  const errors = useMemo(() => (check.state === 'checked' ? check.diagnostics.filter((d) => d.severity === 'error') : []), [check]);
  const warnings = useMemo(() => (check.state === 'checked' ? check.diagnostics.filter((d) => d.severity === 'warning') : []), [check]);

  const run = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      const reply = await host.api.export.generate(generateRequest(doc, target, values, source));
      const done = await deliver(host, reply.folder, reply.files);
      if (!done.done) return;
      notify('info', done.message);
      onClose();
    } catch (e) {
      setFailure(`Could not export: ${message(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const pickSource = (value: string): void => setSource(value === '' ? { kind: 'network' } : { kind: 'run', runId: value });

  return (
    <Modal className="modal export-dialog" title="Export code" testId="export-dialog" initialFocus={() => formats.current?.querySelector<HTMLElement>('input[name="export-format"]:checked')} onClose={onClose}>
      <fieldset className="export-formats" ref={formats}>
        <legend>Format</legend>
        {FORMATS.map((f) => (
          <label key={f.target} className={`export-format${f.target === target ? ' active' : ''}`}>
            <input type="radio" name="export-format" value={f.target} checked={f.target === target} onChange={() => setTarget(f.target)} />
            <span className="export-format-label">{f.label}</span>
            <span className="muted small">{f.detail}</span>
          </label>
        ))}
      </fieldset>

      <div className="export-row">
        <label htmlFor={`${id}-source`}>Source</label>
        <select id={`${id}-source`} value={source.kind === 'run' ? source.runId : ''} onChange={(e) => pickSource(e.target.value)} data-testid="export-source">
          <option value="">This network (fresh weights)</option>
          {(runs ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
        <span className="muted small">
          {projectId === undefined ? 'Save the network into a project to export its trained runs.' : runs === null ? 'Listing the project’s runs…' : runs.length === 0 ? 'This project has no finished runs yet.' : `${runs.length} finished run${runs.length === 1 ? '' : 's'}`}
        </span>
      </div>

      <div className="export-options" data-testid="export-options">
        {hasTrainOption(target) && (
          <label className="export-check">
            <input type="checkbox" checked={values.train} onChange={(e) => setValues((v) => ({ ...v, train: e.target.checked }))} />
            {trainLabel(target)}
          </label>
        )}
        {target === 'onnx' && (
          <div className="export-row">
            <label htmlFor={`${id}-layout`}>Layout</label>
            <select id={`${id}-layout`} value={values.layout} onChange={(e) => setValues((v) => ({ ...v, layout: e.target.value === 'nchw' ? 'nchw' : 'nhwc' }))}>
              <option value="nhwc">NHWC (as tfjs)</option>
              <option value="nchw">NCHW (as PyTorch)</option>
            </select>
          </div>
        )}
        {target === 'onnx' && (
          <div className="export-row">
            <label htmlFor={`${id}-outputs`}>Outputs</label>
            <select id={`${id}-outputs`} value={values.outputs} onChange={(e) => setValues((v) => ({ ...v, outputs: e.target.value === 'logits' ? 'logits' : 'probabilities' }))}>
              <option value="probabilities">probabilities (softmax / sigmoid, as tfjs)</option>
              <option value="logits">logits (the scores before them)</option>
            </select>
          </div>
        )}
        {target === 'tfjs-model' && <p className="muted small">No options: the model as tfjs saves it. Custom layers come with the TypeScript module that registers them.</p>}
        {target === 'typescript' && source.kind === 'run' && <p className="muted small">With a run: weights.bin and trained.ts, whose buildTrainedModel(tf, bytes) rebuilds the trained model.</p>}
      </div>

      <div className="export-status" aria-live="polite" data-testid="export-status">
        {check.state === 'checking' && <p className="muted">Checking…</p>}
        {check.state === 'failed' && <p className="export-error">{check.message}</p>}
        {check.state === 'checked' && check.ok && <p>{sourceLine(check.name, check.run)}</p>}
        {check.state === 'checked' && !check.ok && (
          <div className="export-refused" data-testid="export-refused">
            <p className="export-error">
              Cannot export: the graph has {errors.length} error{errors.length === 1 ? '' : 's'}. Fix {errors.length === 1 ? 'it' : 'them'} first (the problems panel offers fixes):
            </p>
            <ul className="export-diagnostics">
              {errors.map((d, i) => (
                <li key={`e${i}`} className="export-diagnostic error">
                  <span className="export-diagnostic-where">{d.node ?? 'graph'}</span> {d.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {warnings.length > 0 && (
          <details className="export-warnings">
            <summary>
              {warnings.length} warning{warnings.length === 1 ? '' : 's'}
            </summary>
            <ul className="export-diagnostics">
              {warnings.map((d, i) => (
                <li key={`w${i}`} className="export-diagnostic warning">
                  <span className="export-diagnostic-where">{d.node ?? 'graph'}</span> {d.message}
                </li>
              ))}
            </ul>
          </details>
        )}
        {failure !== null && (
          <p className="export-error" role="alert">
            {failure}
          </p>
        )}
      </div>

      <div className="modal-actions">
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!ready} onClick={() => void run()} data-testid="export-run">
          {busy ? 'Exporting…' : host.kind === 'electron' ? 'Export to a folder…' : 'Export'}
        </button>
      </div>
    </Modal>
  );
}
