import { z } from 'zod';
import { shapePreserving } from './lib/define.js';
import { fail, num } from './lib/shape.js';
import { chw, numLit, pyCall, tsApply, tsConfig } from './lib/code.js';

const params = z.object({ alpha: num(0, 10, 1) });
export type ELUParams = z.output<typeof params>;

/** x for x > 0, alpha·(eˣ − 1) otherwise. No params; FLOPs 0. */
const base = shapePreserving({
  kind: 'ELU',
  label: 'ELU',
  category: 'Activation',
  description: 'Exponential linear unit: smooth, negative values saturate at −alpha.',
  params,
  ui: { alpha: { label: 'Alpha', min: 0, max: 10, step: 0.1 } },
  summary: (p) => (p.alpha === 1 ? '' : `α ${p.alpha}`),
  make: (tf, p, name) => tf.layers.elu({ name, alpha: p.alpha }),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.elu(${tsConfig(ctx.name, { alpha: p.alpha === 1 ? undefined : p.alpha })})`, ctx.inputs),
    pytorch: (p, ctx) => ({ module: p.alpha === 1 ? 'nn.ELU()' : pyCall('nn.ELU', [numLit(p.alpha)]), forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    onnx: (p, ctx) => ctx.node('Elu', ctx.inputs, chw(ctx.outputShape), { alpha: { f: p.alpha } }),
  },
});

/** tfjs's ELU layer only implements alpha = 1 (it throws otherwise), so any other alpha is a located error rather than a failure at training time. */
export const elu: typeof base = {
  ...base,
  inferShape: (inputs, p, ctx) =>
    p.alpha === 1 ? base.inferShape(inputs, p, ctx) : fail('unsupported-alpha', `alpha ${p.alpha} is not supported by tfjs's ELU (only 1); use LeakyReLU for another slope`),
};
