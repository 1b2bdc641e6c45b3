import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { bool, num, ok } from './lib/shape.js';
import { applySymbolic, CUSTOM_PACKAGE, first, lazyClass, oneShape, oneTensor, type TfKwargs, type TfLayerArgs, type TfShape, type TfTensor } from './lib/tf.js';
import type { Tf } from './types.js';
import { chw, numLit, pyCall, tsApply, tsConfig } from './lib/code.js';
import type { TsCustomClass } from './printers.js';

const params = z.object({
  rate: num(0, 0.99, 0.5),
  rescale: bool(false),
});
export type ShortcutDropoutParams = z.output<typeof params>;

/**
 * The seeds' "dropout shortcut" h(x) = dropout(x) (He et al. 2016, "Identity Mappings": rate 0.5
 * did not converge well, > 20% error on ResNet-110). Unlike Dropout it does NOT rescale by default:
 * training keeps each element with probability 1 − rate, inference multiplies by 1 − rate — in
 * expectation the constant scaling λ = 1 − rate, which is the paper's point. `rescale` gives
 * ordinary inverted dropout instead. No params; FLOPs 0. Builds a custom tfjs layer.
 */
export const shortcutDropout = defineLayer({
  kind: 'ShortcutDropout',
  label: 'Shortcut dropout',
  category: 'Regularization',
  description: 'Dropout on a shortcut without rescaling (expected value (1 − rate)·x), as in the identity-mappings study.',
  params,
  ui: {
    rate: { label: 'Rate', help: 'Fraction of elements dropped during training', min: 0, max: 0.99, step: 0.05 },
    rescale: { label: 'Rescale (inverted dropout)', help: 'Scale kept elements by 1/(1 − rate) during training and pass through at inference' },
  },
  arity: { min: 1, max: 1 },
  inferShape: (inputs) => ok(inputs[0] ?? []),
  cost: () => ({ params: 0, flops: 0 }),
  summary: (p) => `${p.rate}${p.rescale ? ', inv' : ''}`,
  build(tf, p, name, inputs) {
    const ShortcutDropout = shortcutDropoutClass(tf);
    return applySymbolic(tf, new ShortcutDropout({ name, rate: p.rate, rescale: p.rescale }), first(inputs));
  },
  code: {
    typescript(p, ctx) {
      const cls = ctx.customClass(SHORTCUT_DROPOUT_TS);
      return tsApply(`new ${cls}(${tsConfig(ctx.name, { rate: p.rate, rescale: p.rescale })})`, ctx.inputs);
    },
    pytorch(p, ctx) {
      const cls = ctx.helper({ name: 'ShortcutDropout', source: SHORTCUT_DROPOUT_PY });
      return { module: pyCall(cls, [numLit(p.rate)], { rescale: p.rescale ? true : undefined }), forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})` };
    },
    // inference: x·(1 − rate) without rescaling, x with it
    onnx: (p, ctx) => (p.rescale ? (ctx.inputs[0] ?? '') : ctx.node('Mul', [ctx.inputs[0] ?? '', ctx.floats('keep', [], [1 - p.rate])], chw(ctx.outputShape))),
  },
  example: { inputs: [[4, 4, 8]], output: [4, 4, 8], cost: { params: 0, flops: 0 } },
});

interface ShortcutDropoutArgs extends TfLayerArgs {
  rate: number;
  rescale: boolean;
}

function shortcutDropoutClass(tf: Tf) {
  return lazyClass(tf, 'ShortcutDropout', () => {
    class ShortcutDropout extends tf.layers.Layer {
      static className = 'SkipwireShortcutDropout';
      readonly rate: number;
      readonly rescale: boolean;
      constructor(args: ShortcutDropoutArgs) {
        super(args);
        this.rate = args.rate;
        this.rescale = args.rescale;
      }
      override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
        return oneShape(inputShape);
      }
      override call(inputs: TfTensor | TfTensor[], kwargs: TfKwargs): TfTensor {
        return tf.tidy(() => {
          const x = oneTensor(inputs);
          const keep = 1 - this.rate;
          const training = kwargs['training'] === true;
          if (!training) return this.rescale ? tf.clone(x) : tf.mul(x, keep);
          const mask = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape), this.rate), x.dtype);
          const dropped = tf.mul(x, mask);
          return this.rescale ? tf.div(dropped, keep) : dropped;
        });
      }
      override getConfig() {
        return { ...super.getConfig(), rate: this.rate, rescale: this.rescale };
      }
    }
    tf.serialization.registerClass(ShortcutDropout, CUSTOM_PACKAGE);
    return ShortcutDropout;
  });
}

/** The generated TypeScript of the ShortcutDropout layer (the class above, for code export). */
const SHORTCUT_DROPOUT_TS: TsCustomClass = {
  name: 'ShortcutDropout',
  doc: 'Dropout on a shortcut without rescaling (He et al. 2016): training keeps each element with probability 1 − rate, inference multiplies by 1 − rate; `rescale` gives inverted dropout.',
  needs: ['oneTensor'],
  source: `class ShortcutDropout extends tf.layers.Layer {
  static className = 'SkipwireShortcutDropout';
  readonly rate: number;
  readonly rescale: boolean;
  constructor(args: LayerArgs & { rate: number; rescale: boolean }) {
    super(args);
    this.rate = args.rate;
    this.rescale = args.rescale;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const keep = 1 - this.rate;
      if (kwargs['training'] !== true) return this.rescale ? tf.clone(x) : tf.mul(x, keep);
      const mask = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape), this.rate), x.dtype);
      const dropped = tf.mul(x, mask);
      return this.rescale ? tf.div(dropped, keep) : dropped;
    });
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, rescale: this.rescale };
  }
}`,
};

const SHORTCUT_DROPOUT_PY = `class ShortcutDropout(nn.Module):
    """Dropout on a shortcut without rescaling (He et al. 2016): training keeps each element with
    probability 1 - rate, inference multiplies by 1 - rate; rescale=True is ordinary dropout."""

    def __init__(self, rate, rescale=False):
        super().__init__()
        self.rate = rate
        self.rescale = rescale

    def forward(self, x):
        keep = 1.0 - self.rate
        if not self.training:
            return x if self.rescale else x * keep
        mask = (torch.rand_like(x) >= self.rate).to(x.dtype)
        return x * mask / keep if self.rescale else x * mask`;
