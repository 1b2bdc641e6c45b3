import { defineLayer, noParams } from './lib/define.js';
import { fail, inp, numel, ok, sameShape } from './lib/shape.js';
import { applySymbolic } from './lib/tf.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

/** Element-wise product of n ≥ 2 inputs of identical shape (hand-made gating). No params; FLOPs (n − 1) per element. */
export const multiply = defineLayer({
  kind: 'Multiply',
  label: 'Multiply',
  category: 'Merge',
  description: 'Multiplies its inputs element-wise; all inputs must have the same shape.',
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
  summary: () => '×',
  build: (tf, _p, name, inputs) => applySymbolic(tf, tf.layers.multiply({ name }), inputs),
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.multiply(${tsConfig(ctx.name, {})})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ forward: ctx.inputs.join(' * ') }),
    onnx(_p, ctx) {
      let y = ctx.inputs[0] ?? '';
      for (const x of ctx.inputs.slice(1)) y = ctx.node('Mul', [y, x], chw(ctx.outputShape));
      return y;
    },
  },
  // Hand count: 8 features, 3 inputs → 2 · 8 = 16.
  example: { inputs: [[8], [8], [8]], output: [8], cost: { params: 0, flops: 16 } },
});
