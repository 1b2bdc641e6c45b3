import { z } from 'zod';
import { shapePreserving } from './lib/define.js';
import { num } from './lib/shape.js';

const params = z.object({ alpha: num(0, 1, 0.01) });
export type LeakyReLUParams = z.output<typeof params>;

/** x for x > 0, alpha·x otherwise (alpha 0.01 as PyTorch; tfjs defaults to 0.3). No params; FLOPs 0. */
export const leakyRelu = shapePreserving({
  kind: 'LeakyReLU',
  label: 'Leaky ReLU',
  category: 'Activation',
  description: 'ReLU with a small slope alpha for negative inputs.',
  params,
  ui: { alpha: { label: 'Alpha', help: 'Slope for x < 0', min: 0, max: 1, step: 0.01 } },
  summary: (p) => `α ${p.alpha}`,
  make: (tf, p, name) => tf.layers.leakyReLU({ name, alpha: p.alpha }),
  code: {},
});
