import { noParams, shapePreserving } from './lib/define.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.softmax(${tsConfig(ctx.name, { axis: -1 })})`, ctx.inputs),
    // channels are axis 1 in NCHW (and features are axis 1 of [N, F])
    pytorch: (_p, ctx) => ({ module: 'nn.Softmax(dim=1)', forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx: (_p, ctx) => ctx.node('Softmax', ctx.inputs, chw(ctx.outputShape), { axis: { i: 1 } }),
  },
});
