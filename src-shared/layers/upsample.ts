import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { int, needSpatial, numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, numLit, tsApply, tsConfig } from './lib/code.js';

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
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.upSampling2d(${tsConfig(ctx.name, { size: [p.factor, p.factor], interpolation: p.mode })})`, ctx.inputs),
    pytorch(p, ctx) {
      const x = ctx.inputs[0] ?? '';
      // tfjs resizes without half-pixel centres: output pixel i reads input position i / factor
      if (p.mode === 'nearest') return { forward: `F.interpolate(${x}, scale_factor=${numLit(p.factor)}, mode='nearest')` };
      const fn = ctx.helper({ name: 'upsample_bilinear_tf', source: BILINEAR_PY });
      return { forward: `${fn}(${x}, ${numLit(p.factor)})` };
    },
    onnx: (p, ctx) =>
      ctx.node('Resize', [ctx.inputs[0] ?? '', '', ctx.floats('scales', [4], [1, 1, p.factor, p.factor])], chw(ctx.outputShape), {
        mode: { s: p.mode === 'nearest' ? 'nearest' : 'linear' },
        coordinate_transformation_mode: { s: 'asymmetric' },
        nearest_mode: { s: 'floor' },
      }),
  },
  // Hand count: bilinear ×2 on 3×3×2 → 6×6×2 = 72 outputs × 4 = 288.
  example: { params: { factor: 2, mode: 'bilinear' }, inputs: [[3, 3, 2]], output: [6, 6, 2], cost: { params: 0, flops: 288 } },
});

const BILINEAR_PY = `def upsample_bilinear_tf(x, factor):
    """Bilinear upsampling as tfjs's UpSampling2D (tf.image.resize_bilinear without half-pixel
    centres, align_corners=False): output pixel i reads input position i / factor. PyTorch's
    F.interpolate(mode='bilinear') uses half-pixel centres, which shifts the result."""

    def axis(n, dtype):
        pos = torch.arange(n * factor, device=x.device, dtype=dtype) / factor
        lo = pos.floor().long().clamp(max=n - 1)
        hi = (lo + 1).clamp(max=n - 1)
        return lo, hi, pos - lo.to(dtype)

    y0, y1, wy = axis(x.shape[2], x.dtype)
    x0, x1, wx = axis(x.shape[3], x.dtype)
    rows = x[:, :, y0] * (1 - wy)[:, None] + x[:, :, y1] * wy[:, None]
    return rows[:, :, :, x0] * (1 - wx) + rows[:, :, :, x1] * wx`;
