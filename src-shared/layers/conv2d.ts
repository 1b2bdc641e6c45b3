import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, channels, fail, fmtPadding, inp, int, needSpatial, ok, paddingOptions, paddingSchema, windowOut } from './lib/shape.js';
import { applySymbolic, CUSTOM_PACKAGE, first, lastDim, lazyClass, oneShape, oneTensor, type TfKwargs, type TfLayerArgs, type TfShape, type TfTensor, type TfTensor4D } from './lib/tf.js';
import type { Tf } from './types.js';
import { convKernelToOihw, numLit, onnxConv, pyCall, pyConvWeights, pyLit, tsApply, tsConfig, weight, windowPads, PAD_SAME_PY } from './lib/code.js';
import type { TsCustomClass } from './printers.js';

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
  code: {
    typescript(p, ctx) {
      let x = ctx.inputs[0] ?? '';
      let padding: 'same' | 'valid' = 'valid';
      if (typeof p.padding === 'number') {
        if (p.padding > 0) x = tsApply(`tf.layers.zeroPadding2d(${tsConfig(ctx.nameWith('_pad'), { padding: p.padding })})`, [x]);
      } else padding = p.padding;
      const strides = p.stride > 1 ? p.stride : undefined;
      const dilationRate = p.dilation > 1 ? p.dilation : undefined;
      if (p.groups === 1) {
        return tsApply(
          `tf.layers.conv2d(${tsConfig(ctx.name, { filters: p.filters, kernelSize: p.kernel, strides, padding, dilationRate, useBias: p.bias, kernelInitializer: 'heNormal' })})`,
          [x],
        );
      }
      const cls = ctx.customClass(GROUPED_CONV_TS);
      return tsApply(`new ${cls}(${tsConfig(ctx.name, { filters: p.filters, kernel: p.kernel, stride: p.stride, padding, dilation: p.dilation, groups: p.groups, bias: p.bias })})`, [x]);
    },
    pytorch(p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const input = ctx.inputShapes[0] ?? [];
      const [t, b, l, r] = windowPads(input, p.kernel, p.stride, p.padding, p.dilation);
      // strided 'same': the pads depend on the input's size, so they are computed from it
      const runtime = p.padding === 'same' && p.stride > 1;
      const symmetric = !runtime && t === b && l === r;
      const module = pyCall('nn.Conv2d', [numLit(channels(input)), numLit(p.filters), numLit(p.kernel)], {
        stride: p.stride > 1 ? p.stride : undefined,
        padding: !symmetric || (t === 0 && l === 0) ? undefined : t === l ? t : [t, l],
        dilation: p.dilation > 1 ? p.dilation : undefined,
        groups: p.groups > 1 ? p.groups : undefined,
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
        // kernel [k, k, in/groups, out] → weight [out, in/groups, k, k] (groups split the outputs in order, as PyTorch)
        weights: (ws) => pyConvWeights(ws, convKernelToOihw, p.bias),
      };
    },
    onnx(p, ctx) {
      const input = ctx.inputShapes[0] ?? [];
      const kernel = convKernelToOihw(weight(ctx.weights, 0, 'kernel'));
      const bias = p.bias ? weight(ctx.weights, 1, 'bias') : null;
      return onnxConv(ctx, ctx.inputs[0] ?? '', kernel, bias, {
        kernel: p.kernel,
        stride: p.stride,
        dilation: p.dilation,
        groups: p.groups,
        pads: windowPads(input, p.kernel, p.stride, p.padding, p.dilation),
        out: ctx.outputShape,
      });
    },
  },
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

/** The generated TypeScript of the grouped convolution (the class above, for code export). */
const GROUPED_CONV_TS: TsCustomClass = {
  name: 'GroupedConv2D',
  doc: 'Grouped convolution (tfjs has none): channels split into `groups`, each convolved with its slice of the kernel [k, k, C/groups, filters].',
  needs: ['oneTensor', 'oneShape'],
  source: `class GroupedConv2D extends tf.layers.Layer {
  static className = 'SkipwireGroupedConv2D';
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;
  readonly bias: boolean;
  private kernelWeight: LayerVariable | null = null;
  private biasWeight: LayerVariable | null = null;
  constructor(args: LayerArgs & { filters: number; kernel: number; stride: number; padding: 'same' | 'valid'; dilation: number; groups: number; bias: boolean }) {
    super(args);
    this.filters = args.filters;
    this.kernel = args.kernel;
    this.stride = args.stride;
    this.padding = args.padding;
    this.dilation = args.dilation;
    this.groups = args.groups;
    this.bias = args.bias;
  }
  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(inputShape);
    const cin = shape[shape.length - 1] ?? 0;
    this.kernelWeight = this.addWeight('kernel', [this.kernel, this.kernel, cin / this.groups, this.filters], 'float32', tf.initializers.heNormal({}));
    if (this.bias) this.biasWeight = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n = null, h = null, w = null] = oneShape(inputShape);
    const size = (d: number | null): number | null =>
      d === null ? null : this.padding === 'same' ? Math.ceil(d / this.stride) : Math.floor((d - this.dilation * (this.kernel - 1) - 1) / this.stride) + 1;
    return [n, size(h), size(w), this.filters];
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      if (this.kernelWeight === null) throw new Error('GroupedConv2D used before build');
      const xs = tf.split<tfjs.Tensor4D>(oneTensor(inputs) as tfjs.Tensor4D, this.groups, 3);
      const ks = tf.split<tfjs.Tensor4D>(this.kernelWeight.read() as tfjs.Tensor4D, this.groups, 3);
      const ys = xs.map((x, i) => tf.conv2d(x, ks[i] as tfjs.Tensor4D, this.stride, this.padding, 'NHWC', this.dilation));
      const y = tf.concat(ys, 3);
      return this.biasWeight === null ? y : tf.add(y, this.biasWeight.read());
    });
  }
  override getConfig(): ConfigDict {
    const { filters, kernel, stride, padding, dilation, groups, bias } = this;
    return { ...super.getConfig(), filters, kernel, stride, padding, dilation, groups, bias };
  }
}`,
};
