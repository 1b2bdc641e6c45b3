import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, int, needSpatial, ok, paddingOptions, samePadding } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';

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
  code: {},
  // Hand count: 2×2×8×4 = 128 weights + 4 biases = 132; 4·4 inputs × 128 = 2048 multiply-adds.
  example: { params: { filters: 4, kernel: 2, stride: 2 }, inputs: [[4, 4, 8]], output: [8, 8, 4], cost: { params: 132, flops: 2048 } },
});
