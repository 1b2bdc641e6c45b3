import { defineLayer, noParams } from './lib/define.js';
import { fail, inp, numel, ok, sameShape } from './lib/shape.js';
import { applySymbolic } from './lib/tf.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

/**
 * Element-wise sum of n ≥ 2 inputs of identical shape: the residual join y = F(x) + x. A mismatch
 * names both shapes (the quick fixes insert a 1×1 projection on the shortcut, or switch to
 * Concat). No params; FLOPs: (n − 1) adds per element.
 */
export const add = defineLayer({
  kind: 'Add',
  label: 'Add',
  category: 'Merge',
  description: 'Sums its inputs element-wise (the residual join); all inputs must have the same shape.',
  params: noParams,
  ui: {},
  arity: { min: 2, max: null },
  inferShape(inputs) {
    const a = inputs[0] ?? [];
    for (let i = 1; i < inputs.length; i++) {
      const b = inputs[i] ?? [];
      if (!sameShape(a, b)) return fail('merge-shape-mismatch', `inputs differ — ${inp(0)} vs ${inp(i)}`, [0, i]);
    }
    return ok(a);
  },
  cost: (inputs, output) => ({ params: 0, flops: numel(output) * Math.max(inputs.length - 1, 0) }),
  summary: () => '+',
  build: (tf, _p, name, inputs) => applySymbolic(tf, tf.layers.add({ name }), inputs),
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.add(${tsConfig(ctx.name, {})})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ forward: ctx.inputs.join(' + ') }),
    onnx(_p, ctx) {
      let y = ctx.inputs[0] ?? '';
      for (const x of ctx.inputs.slice(1)) y = ctx.node('Add', [y, x], chw(ctx.outputShape));
      return y;
    },
  },
  // Hand count: 4·4·8 = 128 elements, 2 inputs → 128 adds.
  example: { inputs: [[4, 4, 8], [4, 4, 8]], output: [4, 4, 8], cost: { params: 0, flops: 128 } },
});
