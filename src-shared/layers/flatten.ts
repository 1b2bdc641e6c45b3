import { defineLayer, noParams } from './lib/define.js';
import { numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';

/** Reshapes to flat features: [H,W,C] → [H·W·C]; [F] stays [F]. No params, no FLOPs. */
export const flatten = defineLayer({
  kind: 'Flatten',
  label: 'Flatten',
  category: 'Utility',
  description: 'Reshapes a feature map into a flat feature vector.',
  params: noParams,
  ui: {},
  arity: { min: 1, max: 1 },
  inferShape: (inputs) => ok([numel(inputs[0] ?? [])]),
  cost: () => ({ params: 0, flops: 0 }),
  summary: () => '',
  build: (tf, _p, name, inputs) => {
    const x = first(inputs);
    // tfjs's Flatten wants rank ≥ 3 with the batch; flat features pass through unchanged
    const layer = x.shape.length > 2 ? tf.layers.flatten({ name }) : tf.layers.activation({ name, activation: 'linear' });
    return applySymbolic(tf, layer, x);
  },
  code: {},
  example: { inputs: [[2, 3, 4]], output: [24], cost: { params: 0, flops: 0 } },
});
