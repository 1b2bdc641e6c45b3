import { noParams, shapePreserving } from './lib/define.js';

/**
 * Softmax over the last (channel) axis: per-pixel on [H,W,C], over features on [F]. No params;
 * FLOPs counted as 0. (Output heads include their own softmax; this is for use inside a network.)
 */
export const softmax = shapePreserving({
  kind: 'Softmax',
  label: 'Softmax',
  category: 'Activation',
  description: 'Normalizes the last axis to probabilities (per pixel on a feature map).',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.softmax({ name, axis: -1 }),
  code: {},
});
