import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, fail, int, needSpatial, ok, paddingOptions, paddingSchema, windowOut } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';

const params = z.object({
  kernel: int(1, 31, 3),
  stride: int(1, 16, 1),
  padding: paddingSchema('same'),
  depthMultiplier: int(1, 64, 1),
  dilation: int(1, 32, 1),
  bias: bool(false),
});
export type DepthwiseConv2DParams = z.output<typeof params>;

/**
 * Depthwise convolution: each channel convolved with its own k×k kernel (×depthMultiplier).
 * Params: k·k·C·m (+ C·m). FLOPs: H_out·W_out·C·m·k·k.
 */
export const depthwiseConv2d = defineLayer({
  kind: 'DepthwiseConv2D',
  label: 'Depthwise conv 2D',
  category: 'Convolution',
  description: 'Per-channel k×k convolution (MobileNet style); output channels = C × depth multiplier.',
  params,
  ui: {
    kernel: { label: 'Kernel', min: 1, max: 31, step: 1 },
    stride: { label: 'Stride', min: 1, max: 16, step: 1 },
    padding: { label: 'Padding', help: 'same, valid, or an explicit number of zero rows/columns on each side', options: paddingOptions },
    depthMultiplier: { label: 'Depth multiplier', min: 1, max: 64, step: 1 },
    dilation: { label: 'Dilation', min: 1, max: 32, step: 1 },
    bias: { label: 'Bias' },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const x = inputs[0] ?? [];
    if (p.stride > 1 && p.dilation > 1) return fail('stride-and-dilation', 'stride > 1 with dilation > 1 is not supported by tfjs; use one of them');
    const out = windowOut(x, p.kernel, p.stride, p.padding, p.dilation);
    if (!out.ok) return out.result;
    return ok([out.h, out.w, channels(x) * p.depthMultiplier]);
  },
  cost(inputs, output, p) {
    const cm = channels(inputs[0] ?? []) * p.depthMultiplier;
    const [h = 0, w = 0] = output;
    return { params: p.kernel * p.kernel * cm + (p.bias ? cm : 0), flops: h * w * cm * p.kernel * p.kernel };
  },
  summary: (p) => [`dw ${p.kernel}×${p.kernel}`, p.depthMultiplier > 1 ? `×${p.depthMultiplier}` : '', p.stride > 1 ? `/${p.stride}` : ''].filter(Boolean).join(', '),
  build(tf, p, name, inputs) {
    let x = first(inputs);
    let padding: 'same' | 'valid' = 'valid';
    if (typeof p.padding === 'number') {
      if (p.padding > 0) x = applySymbolic(tf, tf.layers.zeroPadding2d({ padding: p.padding, name: `${name}_pad` }), x);
    } else padding = p.padding;
    return applySymbolic(
      tf,
      tf.layers.depthwiseConv2d({ name, kernelSize: p.kernel, strides: p.stride, padding, depthMultiplier: p.depthMultiplier, dilationRate: p.dilation, useBias: p.bias, depthwiseInitializer: 'heNormal' }),
      x,
    );
  },
  code: {},
  // Hand count: 3×3×4×2 = 72 weights + 8 biases = 80; stride 2 valid on 7×7 → 3×3; 9 × 8 × 9 = 648.
  example: { params: { kernel: 3, stride: 2, padding: 'valid', depthMultiplier: 2, bias: true }, inputs: [[7, 7, 4]], output: [3, 3, 8], cost: { params: 80, flops: 648 } },
});
