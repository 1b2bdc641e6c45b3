import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, int, needFlat, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, numLit, permute, pyCall, pyConvWeights, tsApply, tsConfig, weight } from './lib/code.js';

const params = z.object({
  units: int(1, 1_000_000, 128),
  bias: bool(true),
});
export type DenseParams = z.output<typeof params>;

/**
 * Fully connected layer on flat features [F] → [units] (a feature map needs GlobalAvgPool or
 * Flatten first). Params: F·units (+ units). FLOPs: F·units.
 */
export const dense = defineLayer({
  kind: 'Dense',
  label: 'Dense',
  category: 'Dense',
  description: 'Fully connected layer on flat features.',
  params,
  ui: {
    units: { label: 'Units', min: 1, max: 1_000_000, step: 1 },
    bias: { label: 'Bias' },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    return needFlat(inputs) ?? ok([p.units]);
  },
  cost(inputs, _output, p) {
    const f = channels(inputs[0] ?? []);
    return { params: f * p.units + (p.bias ? p.units : 0), flops: f * p.units };
  },
  summary: (p) => `${p.units}`,
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.dense({ name, units: p.units, useBias: p.bias }), first(inputs)),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.dense(${tsConfig(ctx.name, { units: p.units, useBias: p.bias })})`, ctx.inputs),
    pytorch(p, ctx) {
      const f = channels(ctx.inputShapes[0] ?? []);
      return {
        module: pyCall('nn.Linear', [numLit(f), numLit(p.units)], { bias: p.bias ? undefined : false }),
        forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})`,
        // kernel [in, out] → weight [out, in]
        weights: (ws) => pyConvWeights(ws, (k) => permute(k, [1, 0]), p.bias),
      };
    },
    onnx(p, ctx) {
      const kernel = weight(ctx.weights, 0, 'kernel');
      const w = ctx.floats('kernel', kernel.shape, kernel.data);
      if (!p.bias) return ctx.node('MatMul', [ctx.inputs[0] ?? '', w], chw(ctx.outputShape));
      const b = weight(ctx.weights, 1, 'bias');
      return ctx.node('Gemm', [ctx.inputs[0] ?? '', w, ctx.floats('bias', b.shape, b.data)], chw(ctx.outputShape));
    },
  },
  // Hand count: 64·10 = 640 weights + 10 biases = 650 (ResNet-20's classifier); 640 multiply-adds.
  example: { params: { units: 10 }, inputs: [[64]], output: [10], cost: { params: 650, flops: 640 } },
});
