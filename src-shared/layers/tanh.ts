import { noParams, shapePreserving } from './lib/define.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.activation(${tsConfig(ctx.name, { activation: 'tanh' })})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ module: 'nn.Tanh()', forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx: (_p, ctx) => ctx.node('Tanh', ctx.inputs, chw(ctx.outputShape)),
  },
});
