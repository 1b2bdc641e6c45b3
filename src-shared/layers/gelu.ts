import { noParams, shapePreserving } from './lib/define.js';

/** x·Φ(x), the Gaussian error linear unit. Element-wise; no params; FLOPs counted as 0 (nonlinearities are not multiply-adds). */
export const gelu = shapePreserving({
  kind: 'GELU',
  label: 'GELU',
  category: 'Activation',
  description: 'x·Φ(x), the Gaussian error linear unit.',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.activation({ name, activation: 'gelu' }),
  code: {},
});
