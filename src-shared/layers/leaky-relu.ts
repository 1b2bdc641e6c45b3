import { z } from 'zod';
import { shapePreserving } from './lib/define.js';
import { num } from './lib/shape.js';
import { chw, numLit, pyCall, tsApply, tsConfig } from './lib/code.js';

const params = z.object({ alpha: num(0, 1, 0.01) });
export type LeakyReLUParams = z.output<typeof params>;

/** x for x > 0, alpha·x otherwise (alpha 0.01 as PyTorch; tfjs defaults to 0.3). No params; FLOPs 0. */
export const leakyRelu = shapePreserving({
  kind: 'LeakyReLU',
  label: 'Leaky ReLU',
  category: 'Activation',
  description: 'ReLU with a small slope alpha for negative inputs.',
  params,
  ui: { alpha: { label: 'Alpha', help: 'Slope for x < 0', min: 0, max: 1, step: 0.01 } },
  summary: (p) => `α ${p.alpha}`,
  make: (tf, p, name) => tf.layers.leakyReLU({ name, alpha: p.alpha }),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.leakyReLU(${tsConfig(ctx.name, { alpha: p.alpha })})`, ctx.inputs),
    pytorch: (p, ctx) => ({ module: pyCall('nn.LeakyReLU', [numLit(p.alpha)]), forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx: (p, ctx) => ctx.node('LeakyRelu', ctx.inputs, chw(ctx.outputShape), { alpha: { f: p.alpha } }),
  },
});
