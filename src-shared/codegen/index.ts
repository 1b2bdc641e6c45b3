import { compileGraph } from '../graph/compile.js';
import type { GraphDocument } from '../graph/document.js';
import type { Tf } from '../layers/types.js';
import { fileStem } from './names.js';
import { exportOnnx } from './onnx/export.js';
import { emitPyTorch } from './pytorch.js';
import { exportTfjsModel } from './tfjs-model.js';
import type { ExportFile } from './types.js';
import { emitTypeScript } from './typescript.js';
import { weightsOf, type WeightSet } from './weights.js';

export { emitTypeScript } from './typescript.js';
export type { TypeScriptExport, TypeScriptExportOptions } from './typescript.js';
export { emitPyTorch } from './pytorch.js';
export type { PyTorchExport, PyTorchExportOptions } from './pytorch.js';
export { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './onnx/export.js';
export type { OnnxExport, OnnxExportOptions } from './onnx/export.js';
export { exportTfjsModel } from './tfjs-model.js';
export { planCode } from './plan.js';
export type { CodePlan } from './plan.js';
export { weightsOf } from './weights.js';
export type { WeightSet } from './weights.js';
export { isBinary } from './types.js';
export type { BinaryFile, ExportFile, TextFile } from './types.js';

/** What a graph exports to. */
export type ExportTarget = 'typescript' | 'tfjs-model' | 'pytorch' | 'onnx';

export interface ExportOptions {
  /** typescript / pytorch: also emit the training script (train.ts, train_ddp.py); default true. */
  readonly train?: boolean;
  /** onnx: the layout of the input and spatial outputs (default nhwc, as tfjs). */
  readonly layout?: 'nhwc' | 'nchw';
  /** Weights to export (a trained run's); default: a freshly compiled model's initial weights. */
  readonly weights?: WeightSet;
  /** Written into the files that record a producer version. */
  readonly producerVersion?: string;
}

/**
 * Every export target behind one call: `tf` is passed in (the weights come from compiling the
 * document with it unless given). A graph with errors throws CompileError with its diagnostics.
 */
export async function exportGraph(tf: Tf, doc: GraphDocument, target: ExportTarget, options: ExportOptions = {}): Promise<ExportFile[]> {
  if (target === 'typescript') return [...emitTypeScript(doc, { train: options.train !== false }).files];
  const compiled = options.weights === undefined || target === 'tfjs-model' ? compileGraph(tf, doc) : null;
  try {
    if (target === 'tfjs-model') {
      if (compiled === null) throw new Error('unreachable');
      if (options.weights !== undefined) {
        for (const layer of compiled.model.layers) {
          const ws = options.weights.get(layer.name);
          if (ws === undefined) continue;
          const tensors = ws.map((w) => tf.tensor(w.data, [...w.shape], 'float32'));
          layer.setWeights(tensors);
          tf.dispose(tensors);
        }
      }
      return await exportTfjsModel(tf, doc, compiled.model);
    }
    const weights = options.weights ?? weightsOf((compiled as NonNullable<typeof compiled>).model);
    if (target === 'pytorch') return [...emitPyTorch(doc, weights, { train: options.train !== false }).files];
    const onnx = exportOnnx(doc, weights, { layout: options.layout ?? 'nhwc', ...(options.producerVersion !== undefined ? { producerVersion: options.producerVersion } : {}) });
    return [{ name: `${onnxStem(doc)}.onnx`, bytes: onnx.bytes }];
  } finally {
    compiled?.model.dispose();
  }
}

function onnxStem(doc: GraphDocument): string {
  return fileStem(doc.meta.name);
}
