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
