import { noParams, shapePreserving } from './lib/define.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.reLU(${tsConfig(ctx.name, {})})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ module: 'nn.ReLU()', forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx: (_p, ctx) => ctx.node('Relu', ctx.inputs, chw(ctx.outputShape)),
  },
});
