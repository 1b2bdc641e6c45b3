import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, int, needFlat, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, numLit, permute, pyCall, pyConvWeights, tsApply, tsConfig, weight } from './lib/code.js';

const params = z.object({ classes: int(2, 100_000, 10) });
export type ClassificationHeadParams = z.output<typeof params>;

/**
 * Classification output: takes flat FEATURES [F] (after GlobalAvgPool or Flatten) and CONTAINS the
 * classifier — Dense(F → classes) + softmax — trained with categorical cross-entropy. So a ResNet
 * ends GlobalAvgPool → ClassificationHead(10), and its 64·10 + 10 = 650 params count in the
 * network's total, as in the papers. Output [classes] (probabilities).
 * Params: F·classes + classes. FLOPs: F·classes.
 */
export const classificationHead = defineLayer({
  kind: 'ClassificationHead',
  label: 'Classification head',
  category: 'Output',
  description: 'Dense layer to class scores + softmax, trained with cross-entropy. Expects flat features [F].',
  params,
  ui: { classes: { label: 'Classes', min: 2, max: 100_000, step: 1 } },
  arity: { min: 1, max: 1 },
  inferShape: (inputs, p) => needFlat(inputs) ?? ok([p.classes]),
  cost(inputs, _output, p) {
    const f = channels(inputs[0] ?? []);
    return { params: f * p.classes + p.classes, flops: f * p.classes };
  },
  summary: (p) => `${p.classes} classes`,
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.dense({ name, units: p.classes, activation: 'softmax' }), first(inputs)),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.dense(${tsConfig(ctx.name, { units: p.classes, activation: 'softmax' })})`, ctx.inputs),
    pytorch: (p, ctx) => ({
      module: pyCall('nn.Linear', [numLit(channels(ctx.inputShapes[0] ?? [])), numLit(p.classes)]),
      forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})`,
      activation: 'torch.softmax({x}, dim=1)',
      weights: (ws) => pyConvWeights(ws, (k) => permute(k, [1, 0]), true),
    }),
    onnx(_p, ctx) {
      const k = weight(ctx.weights, 0, 'kernel');
      const b = weight(ctx.weights, 1, 'bias');
      const s = chw(ctx.outputShape);
      const logits = ctx.node('Gemm', [ctx.inputs[0] ?? '', ctx.floats('kernel', k.shape, k.data), ctx.floats('bias', b.shape, b.data)], s);
      return ctx.node('Softmax', [logits], s, { axis: { i: 1 } });
    },
  },
  head: { task: 'classification', loss: () => 'categoricalCrossentropy' },
  // Hand count: 64·10 + 10 = 650 (ResNet-20's classifier); 640 multiply-adds.
  example: { params: { classes: 10 }, inputs: [[64]], output: [10], cost: { params: 650, flops: 640 } },
});
