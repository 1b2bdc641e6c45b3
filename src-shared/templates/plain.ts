import { z } from 'zod';
import { inputOptions, inputUi, intOpt } from './builder.js';
import { depthCheck } from './blocks.js';
import { cifarNet } from './resnet.js';
import type { TemplateDef } from './types.js';

const options = z
  .object({
    depth: intOpt(8, 1202, 20),
    width: intOpt(1, 1024, 16),
    ...inputOptions({ height: 32, width: 32, channels: 3, classes: 10 }),
  })
  .superRefine((o, ctx) => depthCheck(6, 2, '20, 32, 44, 56, 110')(o.depth, ctx));
export type PlainOptions = z.output<typeof options>;

/** Plain-N: the CIFAR ResNet-N with its shortcuts removed (same layers, same parameter count). */
export const plainTemplate: TemplateDef<PlainOptions> = {
  id: 'plain',
  family: 'plain',
  label: 'Plain-N (CIFAR)',
  description:
    'He et al. 2015, "Deep Residual Learning for Image Recognition" §4.2: the ResNet-N stack of 3×3 convs without shortcuts — plain-56 trains worse than plain-20 (the degradation problem).',
  options,
  ui: {
    depth: { label: 'Depth', help: '6n+2: 20, 32, 44, 56, 110', min: 8, max: 1202, step: 6 },
    width: { label: 'Base filters', help: 'Filters of stage 1 (the paper: 16)', min: 1, max: 1024, step: 1 },
    ...inputUi,
  },
  generate: (o) => cifarNet({ ...o, downsample: 'A', shortcut: 'identity' }, false, o),
};
