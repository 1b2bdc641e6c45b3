import { tsString } from '../layers/lib/code.js';
import { commentText } from './names.js';
import type { ExportFile } from './types.js';
import type { LayerWeights } from './weights.js';

/**
 * Trained weights for the generated TypeScript module: `weights.bin` (every tensor as float32,
 * little-endian, layer after layer in the model's order) and a small module beside it whose
 * `loadWeights(tf, model, bytes)` sets them into a model `buildModel(tf)` built — matched by layer
 * name, each shape checked by tfjs — and `buildTrainedModel(tf, bytes)` doing both. It works with
 * the bytes from `readFileSync` (Node) or `fetch(…).arrayBuffer()` (a browser).
 */

export interface TsWeightsOptions {
  /** Where the weights come from, for the header (e.g. `run 3f2a…, epoch 5`). */
  readonly from?: string;
}

export const TS_WEIGHTS_BIN = 'weights.bin';

/** The weights module's file name: `trained.ts`, unless the model module already has that name. */
export function tsWeightsModule(modelModule: string): string {
  return modelModule === 'trained.ts' ? 'trained_weights.ts' : 'trained.ts';
}

export function emitTsWeights(modelModule: string, layers: readonly LayerWeights[], options: TsWeightsOptions = {}): ExportFile[] {
  let total = 0;
  for (const l of layers) for (const t of l.tensors) total += t.data.length;
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const l of layers) {
    for (const t of l.tensors) {
      for (let i = 0; i < t.data.length; i++) view.setFloat32((at + i) * 4, t.data[i] ?? 0, true);
      at += t.data.length;
    }
  }
  const mod = `./${modelModule.replace(/\.ts$/, '.js')}`;
  const file = tsWeightsModule(modelModule);
  const from = options.from === undefined ? '' : ` (${commentText(options.from, 120)})`;
  const manifest = layers.map((l) => `  { layer: ${tsString(l.layer)}, shapes: [${l.tensors.map((t) => `[${t.shape.join(', ')}]`).join(', ')}] },`);
  const source = `/**
 * Trained weights for ${mod.replace(/\.js$/, '.ts')}, exported by Skipwire${from}: ${TS_WEIGHTS_BIN} holds
 * ${total.toLocaleString('en-US')} float32 values (little-endian), layer after layer as listed in \`weightsManifest\`.
 *
 *   import * as tf from '@tensorflow/tfjs'; // or @tensorflow/tfjs-node
 *   import { buildTrainedModel } from './${file.replace(/\.ts$/, '.js')}';
 *   // Node:      const model = buildTrainedModel(tf, readFileSync('${TS_WEIGHTS_BIN}'));
 *   // a browser: const model = buildTrainedModel(tf, await (await fetch('${TS_WEIGHTS_BIN}')).arrayBuffer());
 */
import type * as tfjs from '@tensorflow/tfjs';
import { buildModel } from '${mod}';

type Tf = typeof tfjs;

/** The layers with weights, in ${TS_WEIGHTS_BIN}'s order, and each tensor's shape (tfjs order: kernel, bias; gamma, beta, mean, variance; …). */
export const weightsManifest: readonly { readonly layer: string; readonly shapes: readonly (readonly number[])[] }[] = [
${manifest.join('\n')}
];

/** Number of float32 values ${TS_WEIGHTS_BIN} holds. */
export const weightCount = ${total};

/** Sets the weights of \`model\` (built by buildModel) from the bytes of ${TS_WEIGHTS_BIN}; tfjs checks every shape. */
export function loadWeights(tf: Tf, model: tfjs.LayersModel, data: ArrayBuffer | ArrayBufferView): void {
  const bytes = data instanceof ArrayBuffer ? new DataView(data) : new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength !== weightCount * 4) throw new Error(\`${TS_WEIGHTS_BIN} has \${bytes.byteLength} bytes, expected \${weightCount * 4}\`);
  let offset = 0;
  for (const { layer, shapes } of weightsManifest) {
    const tensors = shapes.map((shape) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < values.length; i++) values[i] = bytes.getFloat32((offset + i) * 4, true);
      offset += values.length;
      return tf.tensor(values, [...shape], 'float32');
    });
    try {
      model.getLayer(layer).setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
}

/** buildModel(tf) with the trained weights. */
export function buildTrainedModel(tf: Tf, data: ArrayBuffer | ArrayBufferView): tfjs.LayersModel {
  const model = buildModel(tf);
  loadWeights(tf, model, data);
  return model;
}
`;
  return [
    { name: file, content: source },
    { name: TS_WEIGHTS_BIN, bytes },
  ];
}
