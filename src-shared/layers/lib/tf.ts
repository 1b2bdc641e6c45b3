import type * as TfModule from '@tensorflow/tfjs';
import type { Tf, TfSymbolic } from '../types.js';

/**
 * Helpers for building layers into tfjs (not a kind itself). src-shared never imports tfjs at run
 * time: `tf` is passed in, and custom layer classes (Scale, Gate, Crop, Pad, ShortcutDropout,
 * GroupNorm, grouped Conv2D) are created lazily from it, once per tf instance, and registered with
 * `tf.serialization.registerClass` so saved models load again.
 */

export type TfTensor = TfModule.Tensor;
export type TfTensor4D = TfModule.Tensor4D;
export type TfLayer = TfModule.layers.Layer;
/** The constructor args every tfjs layer takes (name, trainable, …). */
export type TfLayerArgs = NonNullable<ConstructorParameters<typeof TfModule.layers.Layer>[0]>;
/** The keyword args of `Layer.call` (`training` for dropout-like layers). */
export type TfKwargs = Parameters<TfLayer['call']>[1];
/** A tfjs shape with a possibly unknown (null) batch axis. */
export type TfShape = (number | null)[];
export type TfConfigDict = ReturnType<TfLayer['getConfig']>;

/** The package name custom layers are registered under: `Skipwire>Scale`, … */
export const CUSTOM_PACKAGE = 'Skipwire';

const classCache = new WeakMap<object, Map<string, unknown>>();

/**
 * Returns the custom layer class `key` for this tf instance, defining (and registering) it on
 * first use. `define` must register the class itself (it knows its exact type).
 */
export function lazyClass<C>(tf: Tf, key: string, define: (tf: Tf) => C): C {
  let perTf = classCache.get(tf);
  if (!perTf) {
    perTf = new Map();
    classCache.set(tf, perTf);
  }
  if (perTf.has(key)) return perTf.get(key) as C;
  const cls = define(tf);
  perTf.set(key, cls);
  return cls;
}

/** Applies a layer and insists on one symbolic output. */
export function applySymbolic(tf: Tf, layer: TfLayer, inputs: TfSymbolic | readonly TfSymbolic[]): TfSymbolic {
  const out = layer.apply(Array.isArray(inputs) ? [...(inputs as readonly TfSymbolic[])] : (inputs as TfSymbolic));
  if (Array.isArray(out) || !(out instanceof tf.SymbolicTensor)) {
    throw new Error(`layer ${layer.name} did not return one symbolic tensor`);
  }
  return out;
}

/** The single input of a layer given one or a list. */
export function first(inputs: readonly TfSymbolic[]): TfSymbolic {
  const x = inputs[0];
  if (!x) throw new Error('layer built without an input');
  return x;
}

/** One tensor from what `call` receives. */
export function oneTensor(inputs: TfTensor | TfTensor[], index = 0): TfTensor {
  const t = Array.isArray(inputs) ? inputs[index] : index === 0 ? inputs : undefined;
  if (!t) throw new Error(`expected input ${index}`);
  return t;
}

/** One shape from what `computeOutputShape` / `build` receive (single or list of shapes). */
export function oneShape(shapes: TfShape | TfShape[], index = 0): TfShape {
  const list = shapes as unknown[];
  if (list.length > 0 && Array.isArray(list[0])) {
    const s = (shapes as TfShape[])[index];
    if (!s) throw new Error(`expected input shape ${index}`);
    return s;
  }
  if (index !== 0) throw new Error(`expected input shape ${index}`);
  return shapes as TfShape;
}

/** Last (channel) dimension of a tfjs shape, which must be known. */
export function lastDim(shape: TfShape): number {
  const c = shape[shape.length - 1];
  if (typeof c !== 'number') throw new Error('channel dimension must be known');
  return c;
}
