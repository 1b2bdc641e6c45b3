import { defineLayer, noParams } from './lib/define.js';
import { numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, isSpatial, tsApply, tsConfig } from './lib/code.js';

/** Reshapes to flat features: [H,W,C] → [H·W·C]; [F] stays [F]. No params, no FLOPs. */
export const flatten = defineLayer({
  kind: 'Flatten',
  label: 'Flatten',
  category: 'Utility',
  description: 'Reshapes a feature map into a flat feature vector.',
  params: noParams,
  ui: {},
  arity: { min: 1, max: 1 },
  inferShape: (inputs) => ok([numel(inputs[0] ?? [])]),
  cost: () => ({ params: 0, flops: 0 }),
  summary: () => '',
  build: (tf, _p, name, inputs) => {
    const x = first(inputs);
    // tfjs's Flatten wants rank ≥ 3 with the batch; flat features pass through unchanged
    const layer = x.shape.length > 2 ? tf.layers.flatten({ name }) : tf.layers.activation({ name, activation: 'linear' });
    return applySymbolic(tf, layer, x);
  },
  code: {
    typescript(_p, ctx) {
      // tfjs's Flatten wants a feature map; flat features pass through a linear activation (as the compiler does)
      const layer = isSpatial(ctx.inputShapes[0]) ? `tf.layers.flatten(${tsConfig(ctx.name, {})})` : `tf.layers.activation(${tsConfig(ctx.name, { activation: 'linear' })})`;
      return tsApply(layer, ctx.inputs);
    },
    pytorch(_p, ctx) {
      const x = ctx.inputs[0] ?? '';
      if (!isSpatial(ctx.inputShapes[0])) return { forward: x };
      return { forward: `torch.flatten(${x}.permute(0, 2, 3, 1), 1)`, note: 'flattened in (H, W, C) order, as the tfjs model, so the Dense weights after it carry over' };
    },
    onnx(_p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const s = ctx.inputShapes[0] ?? [];
      if (!isSpatial(s)) return x;
      // (H, W, C) order, as tfjs flattens
      const nhwc = ctx.node('Transpose', [x], [...s], { perm: { ints: [0, 2, 3, 1] } });
      return ctx.node('Flatten', [nhwc], chw(ctx.outputShape), { axis: { i: 1 } });
    },
  },
  example: { inputs: [[2, 3, 4]], output: [24], cost: { params: 0, flops: 0 } },
});
