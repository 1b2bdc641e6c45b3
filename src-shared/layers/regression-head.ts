import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, fail, int, numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, isSpatial, numLit, onnxConv, permute, pyCall, pyConvWeights, reshape, tsApply, tsConfig, weight } from './lib/code.js';

const params = z.object({
  outputs: int(1, 100_000, 1),
  loss: z.enum(['mse', 'mae']).default('mse'),
});
export type RegressionHeadParams = z.output<typeof params>;

/**
 * Regression output: a linear Dense to `outputs` values, trained with mean squared (or absolute)
 * error. On flat features [F] → [outputs]; on a feature map [H,W,C] it acts per pixel (a 1×1
 * linear map) → [H,W,outputs], e.g. a depth map.
 * Params: C·outputs + outputs. FLOPs: positions·C·outputs.
 */
export const regressionHead = defineLayer({
  kind: 'RegressionHead',
  label: 'Regression head',
  category: 'Output',
  description: 'Linear output trained with mean squared (or absolute) error; per pixel on a feature map.',
  params,
  ui: {
    outputs: { label: 'Outputs', min: 1, max: 100_000, step: 1 },
    loss: { label: 'Loss', options: { mse: 'mean squared error', mae: 'mean absolute error' } },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const x = inputs[0] ?? [];
    if (x.length !== 1 && x.length !== 3) return fail('bad-rank', 'expects [F] or [H,W,C]; got {0}', 0);
    return ok([...x.slice(0, -1), p.outputs]);
  },
  cost(inputs, _output, p) {
    const x = inputs[0] ?? [];
    const c = channels(x);
    return { params: c * p.outputs + p.outputs, flops: (c > 0 ? numel(x) / c : 0) * c * p.outputs };
  },
  summary: (p) => `${p.outputs}, ${p.loss}`,
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.dense({ name, units: p.outputs }), first(inputs)),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.dense(${tsConfig(ctx.name, { units: p.outputs })})`, ctx.inputs),
    pytorch(p, ctx) {
      const input = ctx.inputShapes[0] ?? [];
      const c = channels(input);
      const spatial = isSpatial(input);
      // tfjs's Dense on a feature map acts per pixel: a 1×1 convolution
      return {
        module: spatial ? pyCall('nn.Conv2d', [numLit(c), numLit(p.outputs), '1']) : pyCall('nn.Linear', [numLit(c), numLit(p.outputs)]),
        forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})`,
        weights: (ws) => pyConvWeights(ws, (k) => (spatial ? reshape(permute(k, [1, 0]), [p.outputs, c, 1, 1]) : permute(k, [1, 0])), true),
      };
    },
    onnx(p, ctx) {
      const k = weight(ctx.weights, 0, 'kernel');
      const b = weight(ctx.weights, 1, 'bias');
      const input = ctx.inputShapes[0] ?? [];
      if (isSpatial(input)) {
        const oihw = reshape(permute(k, [1, 0]), [p.outputs, channels(input), 1, 1]);
        return onnxConv(ctx, ctx.inputs[0] ?? '', oihw, b, { kernel: 1, stride: 1, dilation: 1, groups: 1, pads: [0, 0, 0, 0], out: ctx.outputShape });
      }
      return ctx.node('Gemm', [ctx.inputs[0] ?? '', ctx.floats('kernel', k.shape, k.data), ctx.floats('bias', b.shape, b.data)], chw(ctx.outputShape));
    },
  },
  head: { task: 'regression', loss: (p) => (p.loss === 'mse' ? 'meanSquaredError' : 'meanAbsoluteError') },
  // Hand count: 32·3 + 3 = 99; 96 multiply-adds.
  example: { params: { outputs: 3 }, inputs: [[32]], output: [3], cost: { params: 99, flops: 96 } },
});
