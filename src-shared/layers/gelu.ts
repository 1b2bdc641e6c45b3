import { noParams, shapePreserving } from './lib/define.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.activation(${tsConfig(ctx.name, { activation: 'gelu' })})`, ctx.inputs),
    // tfjs's gelu is the exact one, x·Φ(x) with erf (not the tanh approximation)
    pytorch: (_p, ctx) => ({ module: 'nn.GELU()', forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx(_p, ctx) {
      // opset 13 has no Gelu: x · 0.5 · (1 + erf(x / √2))
      const x = ctx.inputs[0] ?? '';
      const s = chw(ctx.outputShape);
      const e = ctx.node('Erf', [ctx.node('Div', [x, ctx.floats('sqrt2', [], [Math.SQRT2])], s)], s);
      const cdf = ctx.node('Mul', [ctx.node('Add', [e, ctx.floats('one', [], [1])], s), ctx.floats('half', [], [0.5])], s);
      return ctx.node('Mul', [x, cdf], s);
    },
  },
});
