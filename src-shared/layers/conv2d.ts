import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, fail, fmtPadding, inp, int, needSpatial, ok, paddingOptions, paddingSchema, windowOut } from './lib/shape.js';
import { applySymbolic, CUSTOM_PACKAGE, first, lastDim, lazyClass, oneShape, oneTensor, type TfKwargs, type TfLayerArgs, type TfShape, type TfTensor, type TfTensor4D } from './lib/tf.js';
import type { Tf } from './types.js';

const params = z.object({
  filters: int(1, 65_536, 64),
  kernel: int(1, 31, 3),
  stride: int(1, 16, 1),
  padding: paddingSchema('same'),
  dilation: int(1, 32, 1),
  groups: int(1, 4096, 1),
  bias: bool(false),
});
export type Conv2DParams = z.output<typeof params>;

/**
 * 2-D convolution, NHWC. `groups` > 1 splits the channels into groups convolved separately
 * (ResNeXt's cardinality; groups = channels is a depthwise conv); input and output channels must
 * both be divisible by it. Bias is off by default (a BatchNorm follows in the ResNet family).
 *
 * Params: k·k·(C_in/groups)·filters (+ filters with bias).
 * FLOPs (multiply-adds): H_out·W_out·filters·k·k·(C_in/groups); bias adds are not counted.
 * tfjs cannot combine stride > 1 with dilation > 1, so that is reported as an error.
 */
export const conv2d = defineLayer({
  kind: 'Conv2D',
  label: 'Conv 2D',
  category: 'Convolution',
  description: 'Convolution with a k×k kernel; groups > 1 gives a grouped (ResNeXt) convolution.',
  params,
  ui: {
    filters: { label: 'Filters', help: 'Output channels', min: 1, max: 65_536, step: 1 },
    kernel: { label: 'Kernel', help: 'k for a k×k kernel', min: 1, max: 31, step: 1 },
    stride: { label: 'Stride', min: 1, max: 16, step: 1 },
    padding: { label: 'Padding', help: 'same, valid, or an explicit number of zero rows/columns on each side', options: paddingOptions },
    dilation: { label: 'Dilation', min: 1, max: 32, step: 1 },
    groups: { label: 'Groups', help: 'Cardinality: channels are split into this many groups (ResNeXt)', min: 1, max: 4096, step: 1 },
    bias: { label: 'Bias' },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const x = inputs[0] ?? [];
    const c = channels(x);
    if (c % p.groups !== 0) {
      return fail('groups-mismatch', `input channels of ${inp(0)} (${c}) are not divisible by groups ${p.groups}`, 0);
    }
    if (p.filters % p.groups !== 0) return fail('groups-mismatch', `filters ${p.filters} are not divisible by groups ${p.groups}`);
    if (p.stride > 1 && p.dilation > 1) return fail('stride-and-dilation', 'stride > 1 with dilation > 1 is not supported by tfjs; use one of them');
    const out = windowOut(x, p.kernel, p.stride, p.padding, p.dilation);
    if (!out.ok) return out.result;
    return ok([out.h, out.w, p.filters]);
  },
  cost(inputs, output, p) {
    const cin = channels(inputs[0] ?? []);
    const perOut = p.kernel * p.kernel * (cin / p.groups);
    const [h = 0, w = 0] = output;
    return { params: perOut * p.filters + (p.bias ? p.filters : 0), flops: h * w * p.filters * perOut };
  },
  summary: (p) =>
    [`${p.kernel}×${p.kernel}`, `${p.filters}`, p.stride > 1 ? `/${p.stride}` : '', p.dilation > 1 ? `d${p.dilation}` : '', p.groups > 1 ? `g${p.groups}` : '', p.padding === 'same' ? '' : fmtPadding(p.padding)]
      .filter(Boolean)
      .join(', '),
  build(tf, p, name, inputs) {
    let x = first(inputs);
    let padding: 'same' | 'valid' = 'valid';
    if (typeof p.padding === 'number') {
      if (p.padding > 0) x = applySymbolic(tf, tf.layers.zeroPadding2d({ padding: p.padding, name: `${name}_pad` }), x);
    } else padding = p.padding;
    if (p.groups === 1) {
      return applySymbolic(
        tf,
        tf.layers.conv2d({ name, filters: p.filters, kernelSize: p.kernel, strides: p.stride, padding, dilationRate: p.dilation, useBias: p.bias, kernelInitializer: 'heNormal' }),
        x,
      );
    }
    const Grouped = groupedConvClass(tf);
    return applySymbolic(tf, new Grouped({ name, filters: p.filters, kernel: p.kernel, stride: p.stride, padding, dilation: p.dilation, groups: p.groups, bias: p.bias }), x);
  },
  code: {},
  // Hand count: 3×3×16×16 = 2304 weights, no bias; 8·8 outputs × 16 filters × 144 = 147,456.
  example: { params: { filters: 16, kernel: 3 }, inputs: [[8, 8, 16]], output: [8, 8, 16], cost: { params: 2304, flops: 147_456 } },
});

interface GroupedConvArgs extends TfLayerArgs {
  filters: number;
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  dilation: number;
  groups: number;
  bias: boolean;
}

/** Grouped convolution (tfjs has none): the channels split into `groups`, each convolved with its own slice of the kernel, concatenated. Weights: kernel [k, k, C/groups, filters] and bias [filters], as PyTorch. */
function groupedConvClass(tf: Tf) {
  return lazyClass(tf, 'GroupedConv2D', () => {
    class GroupedConv2D extends tf.layers.Layer {
      static className = 'SkipwireGroupedConv2D';
      readonly cfg: Omit<GroupedConvArgs, keyof TfLayerArgs>;
      private kernelW: ReturnType<GroupedConv2D['addWeight']> | null = null;
      private biasW: ReturnType<GroupedConv2D['addWeight']> | null = null;
      constructor(args: GroupedConvArgs) {
        super(args);
        this.cfg = { filters: args.filters, kernel: args.kernel, stride: args.stride, padding: args.padding, dilation: args.dilation, groups: args.groups, bias: args.bias };
      }
      override build(inputShape: TfShape | TfShape[]): void {
        const cin = lastDim(oneShape(inputShape));
        const k = this.cfg.kernel;
        this.kernelW = this.addWeight('kernel', [k, k, cin / this.cfg.groups, this.cfg.filters], 'float32', tf.initializers.heNormal({}));
        if (this.cfg.bias) this.biasW = this.addWeight('bias', [this.cfg.filters], 'float32', tf.initializers.zeros());
        this.built = true;
      }
      override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
        const [n = null, h, w] = oneShape(inputShape);
        const size = (d: number | null | undefined) =>
          typeof d === 'number' ? (this.cfg.padding === 'same' ? Math.ceil(d / this.cfg.stride) : Math.floor((d - this.cfg.dilation * (this.cfg.kernel - 1) - 1) / this.cfg.stride) + 1) : null;
        return [n, size(h), size(w), this.cfg.filters];
      }
      override call(inputs: TfTensor | TfTensor[], _kwargs: TfKwargs): TfTensor {
        return tf.tidy(() => {
          const x = oneTensor(inputs) as TfTensor4D;
          if (!this.kernelW) throw new Error('GroupedConv2D used before build');
          const kernel = this.kernelW.read() as TfTensor4D;
          const g = this.cfg.groups;
          const xs = tf.split<TfTensor4D>(x, g, 3);
          const ks = tf.split<TfTensor4D>(kernel, g, 3);
          const ys = xs.map((xi, i) => {
            const ki = ks[i];
            if (!ki) throw new Error('kernel split');
            return tf.conv2d(xi, ki, this.cfg.stride, this.cfg.padding, 'NHWC', this.cfg.dilation);
          });
          const y = tf.concat(ys, 3);
          const b = this.biasW?.read();
          return b ? tf.add(y, b) : y;
        });
      }
      override getConfig() {
        return { ...super.getConfig(), ...this.cfg };
      }
    }
    tf.serialization.registerClass(GroupedConv2D, CUSTOM_PACKAGE);
    return GroupedConv2D;
  });
}
