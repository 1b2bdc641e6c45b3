import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, fail, int, numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';

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
  code: {},
  head: { task: 'regression', loss: (p) => (p.loss === 'mse' ? 'meanSquaredError' : 'meanAbsoluteError') },
  // Hand count: 32·3 + 3 = 99; 96 multiply-adds.
  example: { params: { outputs: 3 }, inputs: [[32]], output: [3], cost: { params: 99, flops: 96 } },
});
