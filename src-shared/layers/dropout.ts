import { z } from 'zod';
import { shapePreserving } from './lib/define.js';
import { num } from './lib/shape.js';
import { pyCall, tsApply, tsConfig } from './lib/code.js';

const params = z.object({ rate: num(0, 0.99, 0.5) });
export type DropoutParams = z.output<typeof params>;

/**
 * Standard (inverted) dropout: zeroes a fraction `rate` of elements during training and scales the
 * rest by 1/(1 − rate); identity at inference. No params; FLOPs 0. For the seeds' "dropout
 * shortcut" (no rescaling) use ShortcutDropout.
 */
export const dropout = shapePreserving({
  kind: 'Dropout',
  label: 'Dropout',
  category: 'Regularization',
  description: 'Randomly zeroes elements during training (inverted dropout); identity at inference.',
  params,
  ui: { rate: { label: 'Rate', help: 'Fraction of elements dropped', min: 0, max: 0.99, step: 0.05 } },
  summary: (p) => `${p.rate}`,
  make: (tf, p, name) => tf.layers.dropout({ name, rate: p.rate }),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.dropout(${tsConfig(ctx.name, { rate: p.rate })})`, ctx.inputs),
    pytorch: (p, ctx) => ({ module: pyCall('nn.Dropout', [], { p: p.rate }), forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` }),
    // inference: the identity
    onnx: (_p, ctx) => ctx.inputs[0] ?? '',
  },
});
