import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, int, needSpatial, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, convKernelToOihw, numLit, onnxConv, pyCall, pyConvWeights, tsApply, tsConfig, weight } from './lib/code.js';

const params = z.object({ classes: int(1, 10_000, 2) });
export type SegmentationHeadParams = z.output<typeof params>;

/**
 * Per-pixel classification output (U-Net, FCN): a 1×1 convolution to `classes` channels, then
 * softmax over classes with categorical cross-entropy — or, for classes = 1 (foreground mask),
 * sigmoid with binary cross-entropy. [H,W,C] → [H,W,classes].
 * Params: C·classes + classes. FLOPs: H·W·C·classes.
 */
export const segmentationHead = defineLayer({
  kind: 'SegmentationHead',
  label: 'Segmentation head',
  category: 'Output',
  description: 'A 1×1 convolution to per-pixel class scores + softmax (sigmoid for one class).',
  params,
  ui: { classes: { label: 'Classes', help: '1 = a binary mask (sigmoid)', min: 1, max: 10_000, step: 1 } },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const [h = 0, w = 0] = inputs[0] ?? [];
    return ok([h, w, p.classes]);
  },
  cost(inputs, _output, p) {
    const x = inputs[0] ?? [];
    const [h = 0, w = 0] = x;
    const c = channels(x);
    return { params: c * p.classes + p.classes, flops: h * w * c * p.classes };
  },
  summary: (p) => `${p.classes} ${p.classes === 1 ? 'class' : 'classes'}`,
  build: (tf, p, name, inputs) =>
    applySymbolic(tf, tf.layers.conv2d({ name, filters: p.classes, kernelSize: 1, activation: p.classes === 1 ? 'sigmoid' : 'softmax' }), first(inputs)),
  code: {
    typescript: (p, ctx) =>
      tsApply(`tf.layers.conv2d(${tsConfig(ctx.name, { filters: p.classes, kernelSize: 1, activation: p.classes === 1 ? 'sigmoid' : 'softmax' })})`, ctx.inputs),
    pytorch: (p, ctx) => ({
      module: pyCall('nn.Conv2d', [numLit(channels(ctx.inputShapes[0] ?? [])), numLit(p.classes), '1']),
      forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})`,
      // per pixel: softmax over the class channels (axis 1), or sigmoid for a one-class mask
      activation: p.classes === 1 ? 'torch.sigmoid({x})' : 'torch.softmax({x}, dim=1)',
      weights: (ws) => pyConvWeights(ws, convKernelToOihw, true),
    }),
    onnx(p, ctx) {
      const k = convKernelToOihw(weight(ctx.weights, 0, 'kernel'));
      const b = weight(ctx.weights, 1, 'bias');
      const z = onnxConv(ctx, ctx.inputs[0] ?? '', k, b, { kernel: 1, stride: 1, dilation: 1, groups: 1, pads: [0, 0, 0, 0], out: ctx.outputShape });
      return p.classes === 1 ? ctx.node('Sigmoid', [z], chw(ctx.outputShape)) : ctx.node('Softmax', [z], chw(ctx.outputShape), { axis: { i: 1 } });
    },
  },
  head: { task: 'segmentation', loss: (p) => (p.classes === 1 ? 'binaryCrossentropy' : 'categoricalCrossentropy') },
  // Hand count: 1×1×16×2 + 2 = 34; 4·4 pixels × 16 × 2 = 512.
  example: { params: { classes: 2 }, inputs: [[4, 4, 16]], output: [4, 4, 2], cost: { params: 34, flops: 512 } },
});
