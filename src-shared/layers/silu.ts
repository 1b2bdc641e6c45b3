import { noParams, shapePreserving } from './lib/define.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.activation(${tsConfig(ctx.name, { activation: 'swish' })})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ module: 'nn.SiLU()', forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx(_p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const s = chw(ctx.outputShape);
      return ctx.node('Mul', [x, ctx.node('Sigmoid', [x], s)], s);
    },
  },
});
