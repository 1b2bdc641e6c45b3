import { noParams, shapePreserving } from './lib/define.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.activation(${tsConfig(ctx.name, { activation: 'sigmoid' })})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ module: 'nn.Sigmoid()', forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx: (_p, ctx) => ctx.node('Sigmoid', ctx.inputs, chw(ctx.outputShape)),
  },
});
