import { compileGraph } from '../graph/compile.js';
import type { GraphDocument } from '../graph/document.js';
import type { Tf } from '../layers/types.js';
import { fileStem } from './names.js';
import { exportOnnx } from './onnx/export.js';
import { emitPyTorch } from './pytorch.js';
import { exportTfjsModel } from './tfjs-model.js';
import type { ExportFile } from './types.js';
import { emitTypeScript } from './typescript.js';
import { emitTsWeights } from './ts-weights.js';
import { matchWeights, weightsOf, type WeightSet } from './weights.js';

export { emitTypeScript } from './typescript.js';
export type { TypeScriptExport, TypeScriptExportOptions } from './typescript.js';
export { emitPyTorch } from './pytorch.js';
export type { PyTorchExport, PyTorchExportOptions } from './pytorch.js';
export { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './onnx/export.js';
export type { OnnxExport, OnnxExportOptions } from './onnx/export.js';
export { exportTfjsModel } from './tfjs-model.js';
export { planCode } from './plan.js';
export type { CodePlan } from './plan.js';
export { matchWeights, weightsOf, WeightsMismatch } from './weights.js';
export type { LayerWeights, WeightSet } from './weights.js';
export { emitTsWeights, tsWeightsModule, TS_WEIGHTS_BIN } from './ts-weights.js';
export { isBinary } from './types.js';
export type { BinaryFile, ExportFile, TextFile } from './types.js';

/** What a graph exports to. */
export type ExportTarget = 'typescript' | 'tfjs-model' | 'pytorch' | 'onnx';

export interface ExportOptions {
  /** typescript / pytorch: also emit the training script (train.ts, train_ddp.py); default true. */
  readonly train?: boolean;
  /** onnx: the layout of the input and spatial outputs (default nhwc, as tfjs). */
  readonly layout?: 'nhwc' | 'nchw';
  /**
   * Weights to export (a trained run's); default: a freshly compiled model's initial weights. Every
   * layer of the model must be there with its shapes (else an Error names the layer). TypeScript
   * then gets weights.bin and a module whose loadWeights/buildTrainedModel rebuild the trained model.
   */
  readonly weights?: WeightSet;
  /** Where the weights come from, for the files that say so (e.g. `run 3f2a…, epoch 5`). */
  readonly weightsFrom?: string;
  /** Written into the files that record a producer version. */
  readonly producerVersion?: string;
}

/**
 * Every export target behind one call: `tf` is passed in (the weights come from compiling the
 * document with it unless given). A graph with errors throws CompileError with its diagnostics;
 * weights that do not fit the graph throw an Error naming the layer.
 */
export async function exportGraph(tf: Tf, doc: GraphDocument, target: ExportTarget, options: ExportOptions = {}): Promise<ExportFile[]> {
  if (target === 'typescript' && options.weights === undefined) return [...emitTypeScript(doc, { train: options.train !== false }).files];
  // compiled for fresh weights, and to check given ones against the model's layers and shapes
  const compiled = compileGraph(tf, doc);
  try {
    const matched = options.weights === undefined ? null : matchWeights(compiled.model, options.weights);
    if (target === 'typescript') {
      const ts = emitTypeScript(doc, { train: options.train !== false });
      return [...ts.files, ...emitTsWeights(ts.module, matched ?? [], options.weightsFrom !== undefined ? { from: options.weightsFrom } : {})];
    }
    if (target === 'tfjs-model') {
      for (const m of matched ?? []) {
        const tensors = m.tensors.map((w) => tf.tensor(w.data, [...w.shape], 'float32'));
        try {
          compiled.model.getLayer(m.layer).setWeights(tensors);
        } finally {
          tf.dispose(tensors);
        }
      }
      return await exportTfjsModel(tf, doc, compiled.model, options.weightsFrom);
    }
    const weights = options.weights ?? weightsOf(compiled.model);
    if (target === 'pytorch') return [...emitPyTorch(doc, weights, { train: options.train !== false }).files];
    const onnx = exportOnnx(doc, weights, { layout: options.layout ?? 'nhwc', ...(options.producerVersion !== undefined ? { producerVersion: options.producerVersion } : {}) });
    return [{ name: `${onnxStem(doc)}.onnx`, bytes: onnx.bytes }];
  } finally {
    compiled.model.dispose();
  }
}

function onnxStem(doc: GraphDocument): string {
  return fileStem(doc.meta.name);
}
