import { noParams, shapePreserving } from './lib/define.js';

/** Hyperbolic tangent, squashes to (−1, 1). Element-wise; no params; FLOPs counted as 0 (nonlinearities are not multiply-adds). */
export const tanh = shapePreserving({
  kind: 'Tanh',
  label: 'Tanh',
  category: 'Activation',
  description: 'Hyperbolic tangent, squashes to (−1, 1).',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.activation({ name, activation: 'tanh' }),
  code: {},
});
