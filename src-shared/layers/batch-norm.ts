import { z } from 'zod';
import { defineLayer, perElement } from './lib/define.js';
import { channels, fail, num, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, isSpatial, numLit, pyCall, tsApply, tsConfig, weight } from './lib/code.js';

const params = z.object({
  momentum: num(0, 1, 0.9),
  epsilon: num(1e-12, 1, 1e-5),
});
export type BatchNormParams = z.output<typeof params>;

/**
 * Batch normalization over the channel axis (last), on [H,W,C] or [F].
 * Params: 2·C TRAINABLE (gamma, beta) + 2·C non-trainable (moving mean, variance) — `params`
 * counts the 2·C papers count, `nonTrainable` the other 2·C (tfjs `countParams()` shows 4·C).
 * FLOPs: one multiply-add per element (the affine it folds into at inference).
 * `momentum` is the Keras/tfjs one: moving = momentum·moving + (1 − momentum)·batch (0.9 equals
 * PyTorch's momentum 0.1); epsilon 1e-5 as PyTorch and the ResNet reference code.
 */
export const batchNorm = defineLayer({
  kind: 'BatchNorm',
  label: 'Batch norm',
  category: 'Normalization',
  description: 'Normalizes each channel over the batch, then scales and shifts it (gamma, beta).',
  params,
  ui: {
    momentum: { label: 'Momentum', help: 'moving = momentum·moving + (1 − momentum)·batch', min: 0, max: 1, step: 0.01 },
    epsilon: { label: 'Epsilon', min: 1e-12, max: 1, step: 1e-5 },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs) {
    const x = inputs[0] ?? [];
    if (x.length !== 1 && x.length !== 3) return fail('bad-rank', 'expects [H,W,C] or [F]; got {0}', 0);
    return ok(x);
  },
  cost(inputs) {
    const x = inputs[0] ?? [];
    const c = channels(x);
    return { params: 2 * c, nonTrainable: 2 * c, flops: perElement(x) };
  },
  summary: () => '',
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.batchNormalization({ name, axis: -1, momentum: p.momentum, epsilon: p.epsilon }), first(inputs)),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.batchNormalization(${tsConfig(ctx.name, { axis: -1, momentum: p.momentum, epsilon: p.epsilon })})`, ctx.inputs),
    pytorch(p, ctx) {
      const input = ctx.inputShapes[0] ?? [];
      // PyTorch's momentum weighs the new batch: 1 − the Keras/tfjs momentum
      const momentum = Number((1 - p.momentum).toPrecision(12));
      return {
        module: pyCall(isSpatial(input) ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d', [numLit(channels(input))], { eps: p.epsilon, momentum }),
        forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})`,
        weights: (ws) => ({
          weight: weight(ws, 0, 'gamma'),
          bias: weight(ws, 1, 'beta'),
          running_mean: weight(ws, 2, 'moving mean'),
          running_var: weight(ws, 3, 'moving variance'),
          num_batches_tracked: { shape: [], int64: [0] },
        }),
      };
    },
    onnx(p, ctx) {
      const [gamma, beta, mean, variance] = [0, 1, 2, 3].map((i) => weight(ctx.weights, i, 'batch norm'));
      const inputs = [ctx.inputs[0] ?? ''];
      for (const [n, w] of [['gamma', gamma], ['beta', beta], ['mean', mean], ['variance', variance]] as const) if (w) inputs.push(ctx.floats(n, w.shape, w.data));
      return ctx.node('BatchNormalization', inputs, chw(ctx.outputShape), { epsilon: { f: p.epsilon }, momentum: { f: p.momentum } });
    },
  },
  // Hand count: C = 16 → gamma + beta = 32 trainable, moving mean + variance = 32; 4·4·16 = 256 elements.
  example: { inputs: [[4, 4, 16]], output: [4, 4, 16], cost: { params: 32, nonTrainable: 32, flops: 256 } },
});
