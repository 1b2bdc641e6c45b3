import { noParams, shapePreserving } from './lib/define.js';
import { tsApply, tsConfig } from './lib/code.js';

/**
 * Passes its input through unchanged: the identity shortcut made visible, or a named junction
 * (a block's output). No params, no FLOPs. Builds as a linear activation layer.
 */
export const identity = shapePreserving({
  kind: 'Identity',
  label: 'Identity',
  category: 'Utility',
  description: 'Passes its input through unchanged (an explicit identity shortcut or a named junction).',
  params: noParams,
  ui: {},
  summary: () => '',
  make: (tf, _p, name) => tf.layers.activation({ name, activation: 'linear' }),
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.activation(${tsConfig(ctx.name, { activation: 'linear' })})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ forward: ctx.inputs[0] ?? '' }),
    onnx: (_p, ctx) => ctx.inputs[0] ?? '',
  },
});
