import { noParams, shapePreserving } from './lib/define.js';

/** x·sigmoid(x) (also called swish). Element-wise; no params; FLOPs counted as 0 (nonlinearities are not multiply-adds). */
export const silu = shapePreserving({
  kind: 'SiLU',
  label: 'SiLU',
  category: 'Activation',
  description: 'x·sigmoid(x) (also called swish).',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.activation({ name, activation: 'swish' }),
  code: {},
});
