import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, int, needSpatial, ok, paddingOptions, samePadding } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, convKernelToOihw, numLit, pyCall, pyConvWeights, tsApply, tsConfig, weight } from './lib/code.js';

const params = z.object({
  filters: int(1, 65_536, 64),
  kernel: int(1, 31, 2),
  stride: int(1, 16, 2),
  padding: samePadding('same'),
  bias: bool(true),
});
export type ConvTranspose2DParams = z.output<typeof params>;

/** Output length of a transposed convolution (Keras `deconv_output_length`). */
function deconvOut(n: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? n * stride : n * stride + Math.max(kernel - stride, 0);
}

/**
 * Transposed ("up-") convolution, as U-Net's 2×2 up-conv: same → H·s; valid → H·s + max(k − s, 0).
 * Params: k·k·C_in·filters (+ filters). FLOPs: H_in·W_in·C_in·k·k·filters (every input pixel
 * scatters a k×k×filters patch).
 */
export const convTranspose2d = defineLayer({
  kind: 'ConvTranspose2D',
  label: 'Conv transpose 2D',
  category: 'Convolution',
  description: 'Learned upsampling (transposed convolution), e.g. the 2×2 up-convolution of U-Net.',
  params,
  ui: {
    filters: { label: 'Filters', help: 'Output channels', min: 1, max: 65_536, step: 1 },
    kernel: { label: 'Kernel', min: 1, max: 31, step: 1 },
    stride: { label: 'Stride', help: 'Upsampling factor', min: 1, max: 16, step: 1 },
    padding: { label: 'Padding', options: paddingOptions },
    bias: { label: 'Bias' },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const [h = 0, w = 0] = inputs[0] ?? [];
    return ok([deconvOut(h, p.kernel, p.stride, p.padding), deconvOut(w, p.kernel, p.stride, p.padding), p.filters]);
  },
  cost(inputs, _output, p) {
    const x = inputs[0] ?? [];
    const [h = 0, w = 0] = x;
    const perIn = p.kernel * p.kernel * channels(x) * p.filters;
    return { params: perIn + (p.bias ? p.filters : 0), flops: h * w * perIn };
  },
  summary: (p) => [`${p.kernel}×${p.kernel}`, `${p.filters}`, `×${p.stride}`, p.padding === 'same' ? '' : p.padding].filter(Boolean).join(', '),
  build: (tf, p, name, inputs) =>
    applySymbolic(
      tf,
      tf.layers.conv2dTranspose({ name, filters: p.filters, kernelSize: p.kernel, strides: p.stride, padding: p.padding, useBias: p.bias, kernelInitializer: 'heNormal' }),
      first(inputs),
    ),
  code: {
    typescript: (p, ctx) =>
      tsApply(
        `tf.layers.conv2dTranspose(${tsConfig(ctx.name, { filters: p.filters, kernelSize: p.kernel, strides: p.stride > 1 ? p.stride : undefined, padding: p.padding, useBias: p.bias, kernelInitializer: 'heNormal' })})`,
        ctx.inputs,
      ),
    pytorch(p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const input = ctx.inputShapes[0] ?? [];
      const [oh = 0, ow = 0] = ctx.outputShape;
      const hh = transposedCrop(input[0] ?? 0, oh, p.kernel, p.stride);
      const ww = transposedCrop(input[1] ?? 0, ow, p.kernel, p.stride);
      // nn.ConvTranspose2d crops the same on both sides; TF crops the odd pixel at the bottom/right
      const even = hh.before === hh.after && ww.before === ww.after;
      const module = pyCall('nn.ConvTranspose2d', [numLit(channels(input)), numLit(p.filters), numLit(p.kernel)], {
        stride: p.stride > 1 ? p.stride : undefined,
        padding: even && (hh.before > 0 || ww.before > 0) ? (hh.before === ww.before ? hh.before : [hh.before, ww.before]) : undefined,
        output_padding: hh.extra > 0 || ww.extra > 0 ? (hh.extra === ww.extra ? hh.extra : [hh.extra, ww.extra]) : undefined,
        bias: p.bias ? undefined : false,
      });
      const forward = even
        ? `self.${ctx.attr}(${x})`
        : `self.${ctx.attr}(${x})[:, :, ${hh.before}:${hh.before + oh}, ${ww.before}:${ww.before + ow}]`;
      return {
        module,
        forward,
        ...(even ? {} : { note: "TF 'same' padding crops the odd row/column at the bottom/right" }),
        // kernel [k, k, out, in] → weight [in, out, k, k]
        weights: (ws) => pyConvWeights(ws, convKernelToOihw, p.bias),
      };
    },
    onnx(p, ctx) {
      const input = ctx.inputShapes[0] ?? [];
      const [oh = 0, ow = 0] = ctx.outputShape;
      const hh = transposedCrop(input[0] ?? 0, oh, p.kernel, p.stride);
      const ww = transposedCrop(input[1] ?? 0, ow, p.kernel, p.stride);
      const kernel = convKernelToOihw(weight(ctx.weights, 0, 'kernel'));
      const inputs = [ctx.inputs[0] ?? '', ctx.floats('weight', kernel.shape, kernel.data)];
      if (p.bias) {
        const b = weight(ctx.weights, 1, 'bias');
        inputs.push(ctx.floats('bias', b.shape, b.data));
      }
      return ctx.node('ConvTranspose', inputs, chw(ctx.outputShape), {
        kernel_shape: { ints: [p.kernel, p.kernel] },
        strides: { ints: [p.stride, p.stride] },
        pads: { ints: [hh.before, ww.before, hh.after, ww.after] },
        output_padding: { ints: [hh.extra, ww.extra] },
      });
    },
  },
  // Hand count: 2×2×8×4 = 128 weights + 4 biases = 132; 4·4 inputs × 128 = 2048 multiply-adds.
  example: { params: { filters: 4, kernel: 2, stride: 2 }, inputs: [[4, 4, 8]], output: [8, 8, 4], cost: { params: 132, flops: 2048 } },
});

/**
 * How a transposed convolution's full output ((n − 1)·s + k) becomes tfjs's: cropped by `before`
 * and `after` (TF crops the smaller half first), or grown by `extra` rows at the end when the
 * kernel is smaller than the stride.
 */
function transposedCrop(n: number, out: number, kernel: number, stride: number): { before: number; after: number; extra: number } {
  const full = (n - 1) * stride + kernel;
  if (full <= out) return { before: 0, after: 0, extra: out - full };
  const crop = full - out;
  const before = Math.floor(crop / 2);
  return { before, after: crop - before, extra: 0 };
}
