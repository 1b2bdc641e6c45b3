import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, fail, int, needSpatial, ok, paddingOptions, paddingSchema, windowOut } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { numLit, onnxConv, permute, pyCall, pyConvWeights, pyLit, reshape, tsApply, tsConfig, weight, windowPads, PAD_SAME_PY } from './lib/code.js';
import type { WeightTensor } from './printers.js';

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
  code: {
    typescript(p, ctx) {
      let x = ctx.inputs[0] ?? '';
      let padding: 'same' | 'valid' = 'valid';
      if (typeof p.padding === 'number') {
        if (p.padding > 0) x = tsApply(`tf.layers.zeroPadding2d(${tsConfig(ctx.nameWith('_pad'), { padding: p.padding })})`, [x]);
      } else padding = p.padding;
      return tsApply(
        `tf.layers.depthwiseConv2d(${tsConfig(ctx.name, {
          kernelSize: p.kernel,
          strides: p.stride > 1 ? p.stride : undefined,
          padding,
          depthMultiplier: p.depthMultiplier > 1 ? p.depthMultiplier : undefined,
          dilationRate: p.dilation > 1 ? p.dilation : undefined,
          useBias: p.bias,
          depthwiseInitializer: 'heNormal',
        })})`,
        [x],
      );
    },
    pytorch(p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const input = ctx.inputShapes[0] ?? [];
      const c = channels(input);
      const [t, b, l, r] = windowPads(input, p.kernel, p.stride, p.padding, p.dilation);
      // strided 'same': the pads depend on the input's size, so they are computed from it
      const runtime = p.padding === 'same' && p.stride > 1;
      const symmetric = !runtime && t === b && l === r;
      const module = pyCall('nn.Conv2d', [numLit(c), numLit(c * p.depthMultiplier), numLit(p.kernel)], {
        stride: p.stride > 1 ? p.stride : undefined,
        padding: !symmetric || (t === 0 && l === 0) ? undefined : t === l ? t : [t, l],
        dilation: p.dilation > 1 ? p.dilation : undefined,
        groups: c,
        bias: p.bias ? undefined : false,
      });
      return {
        module,
        forward: runtime
          ? `self.${ctx.attr}(${ctx.helper(PAD_SAME_PY)}(${x}, ${[p.kernel, p.stride, ...(p.dilation > 1 ? [p.dilation] : [])].map(numLit).join(', ')}))`
          : symmetric
            ? `self.${ctx.attr}(${x})`
            : `self.${ctx.attr}(F.pad(${x}, ${pyLit([l, r, t, b])}))`,
        ...(symmetric || runtime ? {} : { note: "TF 'same' padding: the extra row/column goes to the bottom/right" }),
        weights: (ws) => pyConvWeights(ws, depthwiseToOihw, p.bias),
      };
    },
    onnx(p, ctx) {
      const input = ctx.inputShapes[0] ?? [];
      const kernel = depthwiseToOihw(weight(ctx.weights, 0, 'depthwise kernel'));
      const bias = p.bias ? weight(ctx.weights, 1, 'bias') : null;
      return onnxConv(ctx, ctx.inputs[0] ?? '', kernel, bias, {
        kernel: p.kernel,
        stride: p.stride,
        dilation: p.dilation,
        groups: channels(input),
        pads: windowPads(input, p.kernel, p.stride, p.padding, p.dilation),
        out: ctx.outputShape,
      });
    },
  },
  // Hand count: 3×3×4×2 = 72 weights + 8 biases = 80; stride 2 valid on 7×7 → 3×3; 9 × 8 × 9 = 648.
  example: { params: { kernel: 3, stride: 2, padding: 'valid', depthMultiplier: 2, bias: true }, inputs: [[7, 7, 4]], output: [3, 3, 8], cost: { params: 80, flops: 648 } },
});

/**
 * Depthwise kernel tfjs [k, k, C, m] → a grouped convolution's [C·m, 1, k, k]: output channel
 * c·m + j is input channel c's j-th filter, in tfjs and in a PyTorch / ONNX conv with groups = C.
 */
function depthwiseToOihw(w: WeightTensor): WeightTensor {
  const [k = 0, , c = 0, m = 0] = w.shape;
  const flat = permute(reshape(w, [k, k, c * m]), [2, 0, 1]);
  return reshape(flat, [c * m, 1, k, k]);
}
