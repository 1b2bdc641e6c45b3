import { defineLayer, noParams } from './lib/define.js';
import { fail, inp, ok } from './lib/shape.js';
import { applySymbolic } from './lib/tf.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

/**
 * Concatenates n ≥ 2 inputs along the channel (last) axis: the DenseNet and U-Net join. On feature
 * maps H and W must match (quick fixes: crop, pad or resize one input); channels add up. Flat
 * inputs [F] concatenate their features. No params, no FLOPs.
 */
export const concat = defineLayer({
  kind: 'Concat',
  label: 'Concat',
  category: 'Merge',
  description: 'Stacks its inputs along the channel axis (spatial sizes must match; channels add up).',
  params: noParams,
  ui: {},
  arity: { min: 2, max: null },
  inferShape(inputs) {
    const a = inputs[0] ?? [];
    if (a.length !== 1 && a.length !== 3) return fail('bad-rank', `expects [H,W,C] or [F]; got ${inp(0)}`, 0);
    let c = a[a.length - 1] ?? 0;
    for (let i = 1; i < inputs.length; i++) {
      const b = inputs[i] ?? [];
      if (b.length !== a.length) return fail('rank-mismatch', `inputs have different ranks — ${inp(0)} vs ${inp(i)}`, [0, i]);
      if (a.length === 3 && (a[0] !== b[0] || a[1] !== b[1])) {
        return fail('concat-spatial-mismatch', `spatial sizes differ — ${inp(0)} vs ${inp(i)}; Concat joins channels, so H and W must match (crop, pad or resize one)`, [0, i]);
      }
      c += b[b.length - 1] ?? 0;
    }
    return ok(a.length === 3 ? [a[0] ?? 0, a[1] ?? 0, c] : [c]);
  },
  cost: () => ({ params: 0, flops: 0 }),
  summary: () => '⧺',
  build: (tf, _p, name, inputs) => applySymbolic(tf, tf.layers.concatenate({ name, axis: -1 }), inputs),
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.concatenate(${tsConfig(ctx.name, { axis: -1 })})`, ctx.inputs),
    // channels (NCHW) and flat features ([N, F]) are both axis 1
    pytorch: (_p, ctx) => ({ forward: `torch.cat([${ctx.inputs.join(', ')}], dim=1)` }),
    onnx: (_p, ctx) => ctx.node('Concat', ctx.inputs, chw(ctx.outputShape), { axis: { i: 1 } }),
  },
  example: { inputs: [[4, 4, 8], [4, 4, 12], [4, 4, 4]], output: [4, 4, 24], cost: { params: 0, flops: 0 } },
});
