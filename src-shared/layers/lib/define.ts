import { z } from 'zod';
import type { LayerDef, Shape, Tf, TfSymbolic } from '../types.js';
import { numel, ok } from './shape.js';
import { applySymbolic, first, type TfLayer } from './tf.js';

/**
 * `defineLayer` only fixes the params type from the schema, so a kind's file reads as one typed
 * object literal. (Helpers here are shared by the kinds; none of them is a kind.)
 */
export function defineLayer<P extends Record<string, unknown>>(def: LayerDef<P>): LayerDef<P> {
  return def;
}

/** The params schema of a kind without params. */
export const noParams = z.object({});
export type NoParams = z.output<typeof noParams>;

/**
 * An element-wise layer that keeps its input's shape and has no weights (activations, Identity):
 * 0 params; FLOPs 0 (nonlinearities are not multiply-adds, as papers count).
 */
export function shapePreserving<P extends Record<string, unknown>>(
  def: Omit<LayerDef<P>, 'inferShape' | 'cost' | 'arity' | 'example' | 'build'> & {
    make: (tf: Tf, params: P, name: string) => TfLayer;
    example?: LayerDef<P>['example'];
  },
): LayerDef<P> {
  const { make, example, ...rest } = def;
  return {
    ...rest,
    arity: { min: 1, max: 1 },
    inferShape: (inputs: readonly Shape[]) => ok(inputs[0] ?? []),
    cost: () => ({ params: 0, flops: 0 }),
    build: (tf: Tf, params: P, name: string, inputs: readonly TfSymbolic[]) => applySymbolic(tf, make(tf, params, name), first(inputs)),
    example: example ?? { inputs: [[4, 4, 3]], output: [4, 4, 3], cost: { params: 0, flops: 0 } },
  };
}

/** Elements of a shape, as FLOPs of one op per output element. */
export function perElement(shape: Shape, opsPerElement = 1): number {
  return numel(shape) * opsPerElement;
}
