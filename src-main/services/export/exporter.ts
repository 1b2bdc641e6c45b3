import type { ExportDiagnostic, ExportOptions, ExportRunSource, ExportTarget } from '../../../src-shared/api/index.js';
import { datasetNormalization, type DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import { exportGraph, WeightsMismatch, type ExportFile, type Preprocessing } from '../../../src-shared/codegen/index.js';
import { CIFAR10_CLASSES } from '../datasets/cifar10.js';
import { FASHION_MNIST_CLASSES } from '../datasets/fashion-mnist.js';
import { fileStem } from '../../../src-shared/codegen/names.js';
import type { CheckedDiagnostic } from '../../../src-shared/graph/report.js';
import { checkDocument } from '../../../src-shared/graph/report.js';
import type { Tf } from '../../../src-shared/layers/types.js';
import { APP_VERSION } from '../../version.js';
import type { Store } from '../store/store.js';
import { networkKey, readRunSource, RunNotExportable } from './run-source.js';

/**
 * Export on the Node side: a parsed document (any schema version this app reads) → the files of
 * one target, or a training run → its graph version with the weights of its last checkpoint. The
 * document is checked first; a graph with errors is refused with its diagnostics. tfjs is loaded
 * on first use (the weights of a fresh model come from compiling it on the CPU).
 */

/** The graph has errors: nothing is exported. */
export class ExportRefused extends Error {
  readonly diagnostics: readonly CheckedDiagnostic[];
  constructor(diagnostics: readonly CheckedDiagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]?.message ?? 'see the diagnostics'}`);
    this.name = 'ExportRefused';
    this.diagnostics = diagnostics;
  }
  /** The node of the first error, when it has one. */
  get nodeId(): string | undefined {
    return this.diagnostics.find((d) => d.severity === 'error')?.node;
  }
}

/** Not a document this app reads (not JSON, wrong shape, newer schema). */
export class BadDocument extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadDocument';
  }
}

/** This host cannot do it (a run export without a project store). */
export class ExportUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportUnavailable';
  }
}

export { RunNotExportable };

/** The document given with a run is not the network the run trained. */
export class NotTheRunsNetwork extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotTheRunsNetwork';
  }
}

export interface ExportDeps {
  /** The project store (runs, versions, checkpoints); without it a run cannot be exported. */
  readonly store?: () => Store;
}

let tfModule: Promise<Tf> | null = null;

/** tfjs (plain, CPU), loaded once; prod mode keeps its console notices out of the CLI's output. */
export function loadTf(): Promise<Tf> {
  tfModule ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    tf.enableProdMode();
    await tf.ready();
    return tf;
  })();
  return tfModule;
}

const FOLDER_SUFFIX: Readonly<Record<ExportTarget, string>> = { typescript: 'ts', 'tfjs-model': 'tfjs', pytorch: 'pytorch', onnx: 'onnx' };

export interface Exported {
  /** The document's name. */
  readonly name: string;
  /** A folder name for the files: `<document>-<target>` (`<document>-epoch<N>-<target>` for a run). */
  readonly folder: string;
  readonly files: readonly ExportFile[];
  /** For a run: the run, version and checkpoint exported. */
  readonly run?: ExportRunSource;
}

export interface ExportCheck {
  readonly ok: boolean;
  readonly name: string;
  readonly error: string | null;
  readonly diagnostics: ExportDiagnostic[];
  readonly run: ExportRunSource | null;
}

function diagnosticsOf(ds: readonly CheckedDiagnostic[]): ExportDiagnostic[] {
  return ds.map((d) => ({ severity: d.severity, code: d.code, message: d.message, node: d.node ?? null }));
}

/** The graph to export and, for a run, its weights: the document alone, or the run's version (a document given too must be that network). */
function sourceOf(json: unknown, options: ExportOptions, deps: ExportDeps, withWeights: boolean) {
  if (options.runId === undefined) {
    if (json === undefined) throw new BadDocument('a document (or options.runId) is required');
    return { json, run: null };
  }
  if (deps.store === undefined) throw new ExportUnavailable('exporting a training run needs the project store, which this host does not have');
  const run = readRunSource(deps.store(), options.runId, { withWeights });
  if (json !== undefined) {
    const given = checkDocument(json);
    const trained = checkDocument(run.document);
    if (!given.ok) throw new BadDocument(given.error.message);
    if (trained.ok && networkKey(given.doc) !== networkKey(trained.doc)) {
      throw new NotTheRunsNetwork(`this is not the network run ${options.runId} trained (version ${run.info.versionNumber} of "${run.projectName}"): export the run alone to get its graph`);
    }
  }
  return { json: run.document, run };
}

/** What `exportDocument` would export, and whether it would: the graph's diagnostics, a run's version and checkpoint. */
export function checkExport(json: unknown, options: ExportOptions = {}, deps: ExportDeps = {}): ExportCheck {
  const source = sourceOf(json, options, deps, false);
  const checked = checkDocument(source.json);
  if (!checked.ok) throw new BadDocument(checked.error.message);
  const errors = checked.report.diagnostics.filter((d) => d.severity === 'error');
  return {
    ok: errors.length === 0,
    name: checked.doc.meta.name,
    error: errors.length === 0 ? null : new ExportRefused(checked.report.diagnostics).message,
    diagnostics: diagnosticsOf(checked.report.diagnostics),
    run: source.run?.info ?? null,
  };
}

/** The preprocessing of a dataset chosen for training (the Train panel's, the CLI's --dataset), for a fresh-weights export. */
export function chosenPreprocessing(spec: DatasetSpec): Preprocessing {
  const norm = datasetNormalization(spec.kind, 1);
  const known = spec.kind === 'fashion-mnist' ? { dataset: 'Fashion-MNIST', classNames: [...FASHION_MNIST_CLASSES] } : spec.kind === 'cifar10' ? { dataset: 'CIFAR-10', classNames: [...CIFAR10_CLASSES] } : { dataset: spec.kind === 'folder' ? `the image folder ${spec.path}` : 'synthetic images' };
  return { ...known, mean: [...norm.mean], std: [...norm.std] };
}

export async function exportDocument(json: unknown, target: ExportTarget, options: ExportOptions = {}, deps: ExportDeps = {}): Promise<Exported> {
  const source = sourceOf(json, options, deps, true);
  const checked = checkDocument(source.json);
  if (!checked.ok) throw new BadDocument(checked.error.message);
  if (!checked.report.ok) throw new ExportRefused(checked.report.diagnostics);
  const tf = await loadTf();
  const run = source.run;
  let files: ExportFile[];
  try {
    const preprocessing = run !== null ? run.preprocessing : options.dataset !== undefined ? chosenPreprocessing(options.dataset) : null;
    files = await exportGraph(tf, checked.doc, target, {
      ...(options.train !== undefined ? { train: options.train } : {}),
      ...(options.layout !== undefined ? { layout: options.layout } : {}),
      ...(options.outputs !== undefined ? { outputs: options.outputs } : {}),
      ...(run === null && options.seed !== undefined ? { seed: options.seed } : {}),
      ...(preprocessing !== null ? { preprocessing } : {}),
      ...(run?.recipe != null ? { recipe: run.recipe } : {}),
      ...(run !== null ? { weights: run.weights, weightsFrom: `run ${run.info.runId} of project "${run.projectName}", graph version ${run.info.versionNumber}, checkpoint of epoch ${run.info.epoch}` } : {}),
      producerVersion: APP_VERSION,
    });
  } catch (err) {
    // weights that do not fit the version they were saved with: the checkpoint is not this graph's
    if (run !== null && err instanceof WeightsMismatch) throw new RunNotExportable(`run ${run.info.runId}'s checkpoint does not fit its graph version: ${err.message}`);
    throw err;
  }
  const stem = fileStem(checked.doc.meta.name);
  return {
    name: checked.doc.meta.name,
    folder: run === null ? `${stem}-${FOLDER_SUFFIX[target]}` : `${stem}-epoch${run.info.epoch}-${FOLDER_SUFFIX[target]}`,
    files,
    ...(run !== null ? { run: run.info } : {}),
  };
}
