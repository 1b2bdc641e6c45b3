import type { ExportOptions, ExportTarget } from '../../../src-shared/api/index.js';
import { exportGraph, type ExportFile } from '../../../src-shared/codegen/index.js';
import { fileStem } from '../../../src-shared/codegen/names.js';
import type { CheckedDiagnostic } from '../../../src-shared/graph/report.js';
import { checkDocument } from '../../../src-shared/graph/report.js';
import type { Tf } from '../../../src-shared/layers/types.js';
import { APP_VERSION } from '../../version.js';

/**
 * Export on the Node side: a parsed document (any schema version this app reads) → the files of
 * one target. The document is checked first; a graph with errors is refused with its diagnostics.
 * tfjs is loaded on first use (the weights of a fresh model come from compiling it on the CPU).
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

/** Asked for something that does not exist yet (a training run's weights before the trainer lands). */
export class ExportUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportUnavailable';
  }
}

export const RUN_WEIGHTS_UNAVAILABLE = "exporting a training run's weights is not available until the trainer lands (export without --run: the model with fresh weights)";

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
  /** A folder name for the files: `<document>-<target>`. */
  readonly folder: string;
  readonly files: readonly ExportFile[];
}

export async function exportDocument(json: unknown, target: ExportTarget, options: ExportOptions = {}): Promise<Exported> {
  if (options.runId !== undefined) throw new ExportUnavailable(RUN_WEIGHTS_UNAVAILABLE);
  const checked = checkDocument(json);
  if (!checked.ok) throw new BadDocument(checked.error.message);
  if (!checked.report.ok) throw new ExportRefused(checked.report.diagnostics);
  const tf = await loadTf();
  const files = await exportGraph(tf, checked.doc, target, {
    ...(options.train !== undefined ? { train: options.train } : {}),
    ...(options.layout !== undefined ? { layout: options.layout } : {}),
    producerVersion: APP_VERSION,
  });
  return { name: checked.doc.meta.name, folder: `${fileStem(checked.doc.meta.name)}-${FOLDER_SUFFIX[target]}`, files };
}
