import type { Tf } from '../layers/types.js';
import type { WeightTensor } from '../layers/printers.js';

type LayersModel = ReturnType<Tf['model']>;

/** A model's weights by tfjs layer name, each layer's in tfjs order (kernel, bias; gamma, beta, mean, variance; …). */
export type WeightSet = ReadonlyMap<string, readonly WeightTensor[]>;

/** Reads every layer's weights out of a tfjs model (copies; the model can be disposed afterwards). */
export function weightsOf(model: LayersModel): WeightSet {
  const out = new Map<string, WeightTensor[]>();
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    out.set(
      layer.name,
      ws.map((t) => {
        if (t.dtype !== 'float32') throw new Error(`weight of ${layer.name} is ${t.dtype}, expected float32`);
        return { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) };
      }),
    );
  }
  return out;
}

/** The weights of `layerName`, which must be in the set when the layer has any (`expected` > 0). */
export function layerWeights(weights: WeightSet, layerName: string, expected: number): readonly WeightTensor[] {
  const ws = weights.get(layerName) ?? [];
  if (ws.length < expected) throw new Error(`the weights have ${ws.length} tensors for layer "${layerName}", expected ${expected}`);
  return ws;
}

/** Weights that do not fit the model (a layer missing, another count or shape). */
export class WeightsMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsMismatch';
  }
}

/** One layer's weights, matched to a compiled model's layer (tfjs order). */
export interface LayerWeights {
  readonly layer: string;
  readonly tensors: readonly WeightTensor[];
}

/**
 * The weights of every layer of `model` that has any, taken from `weights` in the model's layer
 * order: each layer must be there with the same number of tensors and the same shapes, else an
 * Error names the layer (weights saved from another graph never half-load).
 */
export function matchWeights(model: LayersModel, weights: WeightSet): LayerWeights[] {
  const out: LayerWeights[] = [];
  for (const layer of model.layers) {
    const want = layer.weights;
    if (want.length === 0) continue;
    const got = weights.get(layer.name);
    if (got === undefined) throw new WeightsMismatch(`the weights have none for layer "${layer.name}"`);
    if (got.length !== want.length) throw new WeightsMismatch(`the weights have ${got.length} tensors for layer "${layer.name}", the model ${want.length}`);
    want.forEach((w, i) => {
      const shape = w.shape.map((d) => d ?? 0);
      const g = got[i];
      if (g === undefined || g.shape.length !== shape.length || g.shape.some((d, j) => d !== shape[j])) {
        throw new WeightsMismatch(`weight ${i} of layer "${layer.name}" is [${g?.shape.join(', ') ?? ''}] in the weights but [${shape.join(', ')}] in the model`);
      }
      if (g.data.length !== shape.reduce((a, b) => a * b, 1)) throw new WeightsMismatch(`weight ${i} of layer "${layer.name}" has ${g.data.length} values for [${shape.join(', ')}]`);
    });
    out.push({ layer: layer.name, tensors: got });
  }
  return out;
}
