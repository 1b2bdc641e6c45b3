import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { int, needSpatial, ok } from './lib/shape.js';
import { CUSTOM_PACKAGE, applySymbolic, first, lazyClass, oneShape, oneTensor, type TfKwargs, type TfLayerArgs, type TfShape, type TfTensor } from './lib/tf.js';
import type { Tf } from './types.js';
import { chw, pyLit, tsApply, tsConfig } from './lib/code.js';
import type { TsCustomClass } from './printers.js';

const params = z.object({
  top: int(0, 1024, 1),
  bottom: int(0, 1024, 1),
  left: int(0, 1024, 1),
  right: int(0, 1024, 1),
  channelsBefore: int(0, 65_536, 0),
  channelsAfter: int(0, 65_536, 0),
});
export type PadParams = z.output<typeof params>;

/**
 * Zero padding of a feature map on each side, and optionally along channels: the spatial form
 * fixes a concat's size mismatch; the channel form is ResNet's option-A shortcut (after a 1×1
 * stride-2 subsample, zero-pad C/2 … to 2C channels: channelsBefore = channelsAfter = C/2).
 * Output [H + top + bottom, W + left + right, C + before + after]. No params, no FLOPs.
 * Builds a custom tfjs layer.
 */
export const pad = defineLayer({
  kind: 'Pad',
  label: 'Zero pad',
  category: 'Resize',
  description: 'Adds zeros around a feature map, and optionally extra zero channels (option-A shortcut).',
  params,
  ui: {
    top: { label: 'Top', min: 0, max: 1024, step: 1 },
    bottom: { label: 'Bottom', min: 0, max: 1024, step: 1 },
    left: { label: 'Left', min: 0, max: 1024, step: 1 },
    right: { label: 'Right', min: 0, max: 1024, step: 1 },
    channelsBefore: { label: 'Channels before', help: 'Zero channels added in front', min: 0, max: 65_536, step: 1 },
    channelsAfter: { label: 'Channels after', help: 'Zero channels added at the end', min: 0, max: 65_536, step: 1 },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const [h = 0, w = 0, c = 0] = inputs[0] ?? [];
    return ok([h + p.top + p.bottom, w + p.left + p.right, c + p.channelsBefore + p.channelsAfter]);
  },
  cost: () => ({ params: 0, flops: 0 }),
  summary(p) {
    const sp = p.top === p.bottom && p.left === p.right && p.top === p.left ? `${p.top}` : `${p.top},${p.bottom},${p.left},${p.right}`;
    const ch = p.channelsBefore + p.channelsAfter > 0 ? `, +${p.channelsBefore + p.channelsAfter}ch` : '';
    return `${sp}${ch}`;
  },
  build(tf, p, name, inputs) {
    const Pad = padClass(tf);
    return applySymbolic(tf, new Pad({ name, padding: [p.top, p.bottom, p.left, p.right, p.channelsBefore, p.channelsAfter] }), first(inputs));
  },
  code: {
    typescript(p, ctx) {
      const cls = ctx.customClass(PAD_TS);
      return tsApply(`new ${cls}(${tsConfig(ctx.name, { padding: [p.top, p.bottom, p.left, p.right, p.channelsBefore, p.channelsAfter] })})`, ctx.inputs);
    },
    pytorch(p, ctx) {
      // F.pad pads the last axes first: (left, right, top, bottom[, channels before, after]) on NCHW
      const pads = p.channelsBefore + p.channelsAfter > 0 ? [p.left, p.right, p.top, p.bottom, p.channelsBefore, p.channelsAfter] : [p.left, p.right, p.top, p.bottom];
      return { forward: `F.pad(${ctx.inputs[0] ?? ''}, ${pyLit(pads)})` };
    },
    onnx: (p, ctx) =>
      ctx.node('Pad', [ctx.inputs[0] ?? '', ctx.int64s('pads', [0, p.channelsBefore, p.top, p.left, 0, p.channelsAfter, p.bottom, p.right])], chw(ctx.outputShape), { mode: { s: 'constant' } }),
  },
  // Option A on a 4×4×16 map: no spatial pad, 8 + 8 zero channels → 4×4×32.
  example: { params: { top: 0, bottom: 0, left: 0, right: 0, channelsBefore: 8, channelsAfter: 8 }, inputs: [[4, 4, 16]], output: [4, 4, 32], cost: { params: 0, flops: 0 } },
});

interface PadArgs extends TfLayerArgs {
  /** top, bottom, left, right, channelsBefore, channelsAfter */
  padding: [number, number, number, number, number, number];
}

function padClass(tf: Tf) {
  return lazyClass(tf, 'Pad', () => {
    class Pad extends tf.layers.Layer {
      static className = 'SkipwirePad';
      readonly padding: PadArgs['padding'];
      constructor(args: PadArgs) {
        super(args);
        this.padding = args.padding;
      }
      override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
        const [n = null, h, w, c] = oneShape(inputShape);
        const [t, b, l, r, cb, ca] = this.padding;
        const plus = (d: number | null | undefined, k: number) => (typeof d === 'number' ? d + k : null);
        return [n, plus(h, t + b), plus(w, l + r), plus(c, cb + ca)];
      }
      override call(inputs: TfTensor | TfTensor[], _kwargs: TfKwargs): TfTensor {
        const [t, b, l, r, cb, ca] = this.padding;
        return tf.tidy(() => tf.pad(oneTensor(inputs), [[0, 0], [t, b], [l, r], [cb, ca]]));
      }
      override getConfig() {
        return { ...super.getConfig(), padding: this.padding };
      }
    }
    tf.serialization.registerClass(Pad, CUSTOM_PACKAGE);
    return Pad;
  });
}

/** The generated TypeScript of the Pad layer (the class above, for code export). */
const PAD_TS: TsCustomClass = {
  name: 'Pad',
  doc: 'Zero padding of a feature map: padding = [top, bottom, left, right, channels before, channels after].',
  needs: ['oneTensor', 'oneShape'],
  source: `class Pad extends tf.layers.Layer {
  static className = 'SkipwirePad';
  readonly padding: [number, number, number, number, number, number];
  constructor(args: LayerArgs & { padding: [number, number, number, number, number, number] }) {
    super(args);
    this.padding = args.padding;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n = null, h = null, w = null, c = null] = oneShape(inputShape);
    const [t, b, l, r, cb, ca] = this.padding;
    const plus = (d: number | null, k: number): number | null => (d === null ? null : d + k);
    return [n, plus(h, t + b), plus(w, l + r), plus(c, cb + ca)];
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const [t, b, l, r, cb, ca] = this.padding;
    return tf.tidy(() => tf.pad(oneTensor(inputs), [[0, 0], [t, b], [l, r], [cb, ca]]));
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}`,
};
