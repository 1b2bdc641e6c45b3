import { noParams, shapePreserving } from './lib/define.js';

/** 1 / (1 + e^−x), squashes to (0, 1). Element-wise; no params; FLOPs counted as 0 (nonlinearities are not multiply-adds). */
export const sigmoid = shapePreserving({
  kind: 'Sigmoid',
  label: 'Sigmoid',
  category: 'Activation',
  description: '1 / (1 + e^−x), squashes to (0, 1).',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.activation({ name, activation: 'sigmoid' }),
  code: {},
});
