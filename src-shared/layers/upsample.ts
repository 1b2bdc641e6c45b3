import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { int, needSpatial, numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';

const params = z.object({
  factor: int(1, 32, 2),
  mode: z.enum(['nearest', 'bilinear']).default('nearest'),
});
export type UpsampleParams = z.output<typeof params>;

/**
 * Fixed (unlearned) upsampling by an integer factor: [H,W,C] → [H·f, W·f, C]. No params.
 * FLOPs: 0 for nearest (copies); 4 multiply-adds per output element for bilinear.
 */
export const upsample = defineLayer({
  kind: 'Upsample',
  label: 'Upsample',
  category: 'Resize',
  description: 'Enlarges a feature map by an integer factor (nearest or bilinear), e.g. in a decoder.',
  params,
  ui: {
    factor: { label: 'Factor', min: 1, max: 32, step: 1 },
    mode: { label: 'Interpolation', options: { nearest: 'nearest', bilinear: 'bilinear' } },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const [h = 0, w = 0, c = 0] = inputs[0] ?? [];
    return ok([h * p.factor, w * p.factor, c]);
  },
  cost: (_inputs, output, p) => ({ params: 0, flops: p.mode === 'bilinear' ? 4 * numel(output) : 0 }),
  summary: (p) => `×${p.factor}${p.mode === 'bilinear' ? ', bilinear' : ''}`,
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.upSampling2d({ name, size: [p.factor, p.factor], interpolation: p.mode }), first(inputs)),
  code: {},
  // Hand count: bilinear ×2 on 3×3×2 → 6×6×2 = 72 outputs × 4 = 288.
  example: { params: { factor: 2, mode: 'bilinear' }, inputs: [[3, 3, 2]], output: [6, 6, 2], cost: { params: 0, flops: 288 } },
});
