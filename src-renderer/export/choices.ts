import type { ExportOptions, ExportRunSource, ExportTarget, InputOf, exportService } from '../../src-shared/api/index.js';

/**
 * What the export dialog offers: the formats (with the options each generator has), the sources
 * (this network, or one of the project's finished runs) and the request they make.
 */

export interface FormatChoice {
  readonly target: ExportTarget;
  readonly label: string;
  readonly detail: string;
}

export const FORMATS: readonly FormatChoice[] = [
  { target: 'typescript', label: 'TypeScript', detail: 'a tfjs module with buildModel(tf); train.ts optional' },
  { target: 'tfjs-model', label: 'tfjs model', detail: 'model.json + weights.bin for tf.loadLayersModel (Node or a browser)' },
  { target: 'pytorch', label: 'PyTorch (+DDP script)', detail: 'an nn.Module, its weights (.safetensors) and train_ddp.py for torchrun' },
  { target: 'onnx', label: 'ONNX', detail: 'one .onnx file (opset 13) for ONNX Runtime, Netron, …' },
];

/** The options the dialog shows, per format (a generator without options shows none). */
export interface OptionValues {
  /** typescript: train.ts; pytorch: train_ddp.py. */
  readonly train: boolean;
  /** onnx: input/output layout. */
  readonly layout: 'nhwc' | 'nchw';
  /** onnx: the heads output probabilities (as tfjs) or logits. */
  readonly outputs: 'probabilities' | 'logits';
}

export const DEFAULT_OPTIONS: OptionValues = { train: true, layout: 'nhwc', outputs: 'probabilities' };

export function hasTrainOption(target: ExportTarget): boolean {
  return target === 'typescript' || target === 'pytorch';
}

export function trainLabel(target: ExportTarget): string {
  return target === 'pytorch' ? 'Include train_ddp.py (DistributedDataParallel, torchrun)' : 'Include train.ts (trains the model on tensors you pass)';
}

/** `this`: the network in the editor; otherwise a run id. */
export type Source = { readonly kind: 'network' } | { readonly kind: 'run'; readonly runId: string };

type GenerateInput = InputOf<typeof exportService, 'generate'>;

/** The export options for a target: only those its generator reads. */
export function optionsFor(target: ExportTarget, values: OptionValues, source: Source): ExportOptions {
  return {
    ...(hasTrainOption(target) ? { train: values.train } : {}),
    ...(target === 'onnx' ? { layout: values.layout, ...(values.outputs === 'logits' ? { outputs: 'logits' as const } : {}) } : {}),
    ...(source.kind === 'run' ? { runId: source.runId } : {}),
  };
}

/** The generate request: the document for this network; only the run for a run (its graph version is exported). */
export function generateRequest(document: GenerateInput['document'], target: ExportTarget, values: OptionValues, source: Source): GenerateInput {
  return source.kind === 'run' ? { target, options: optionsFor(target, values, source) } : { document, target, options: optionsFor(target, values, source) };
}

/** A run as the source list shows it. */
export interface RunChoice {
  readonly id: string;
  readonly label: string;
}

interface RunLike {
  readonly id: string;
  readonly status: string;
  readonly dataset: string;
  readonly label?: string | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

/** Runs that ended (done, canceled, failed: they may have checkpoints), newest first. */
export function runChoices(runs: readonly RunLike[], when: (ms: number) => string = (ms) => new Date(ms).toLocaleString()): RunChoice[] {
  return runs
    .filter((r) => r.status === 'done' || r.status === 'canceled' || r.status === 'failed')
    .sort((a, b) => (b.finishedAt ?? b.createdAt) - (a.finishedAt ?? a.createdAt))
    .map((r) => {
      const name = r.label !== undefined && r.label !== null && r.label !== '' ? r.label : `Run ${r.id.slice(0, 8)}`;
      const status = r.status === 'done' ? 'finished' : r.status;
      return { id: r.id, label: `${name} · ${r.dataset} · ${status} ${when(r.finishedAt ?? r.createdAt)}` };
    });
}

/** One line saying what will be exported. */
export function sourceLine(name: string, run: ExportRunSource | null): string {
  const n = name.trim() === '' ? 'Untitled network' : name;
  if (run === null) return `“${n}” as it is in the editor, with freshly initialized weights.`;
  return `“${n}” as run ${run.runId.slice(0, 8)} trained it (graph version ${run.versionNumber}), with the weights of its last checkpoint (epoch ${run.epoch}).`;
}
