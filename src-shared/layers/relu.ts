import { noParams, shapePreserving } from './lib/define.js';

/** max(0, x), the activation of the ResNet family. Element-wise; no params; FLOPs counted as 0 (nonlinearities are not multiply-adds). */
export const relu = shapePreserving({
  kind: 'ReLU',
  label: 'ReLU',
  category: 'Activation',
  description: 'max(0, x), the activation of the ResNet family.',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.reLU({ name }),
  code: {},
});
