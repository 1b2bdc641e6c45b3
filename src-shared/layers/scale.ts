import { z } from 'zod';
import { defineLayer, perElement } from './lib/define.js';
import { ok } from './lib/shape.js';
import { applySymbolic, CUSTOM_PACKAGE, first, lazyClass, oneShape, oneTensor, type TfKwargs, type TfLayerArgs, type TfShape, type TfTensor } from './lib/tf.js';
import type { Tf } from './types.js';
import { chw, numLit, tsApply, tsConfig } from './lib/code.js';
import type { TsCustomClass } from './printers.js';

const params = z.object({ factor: z.number().min(-1000).max(1000).default(0.5) });
export type ScaleParams = z.output<typeof params>;

/**
 * Multiplies by a constant: the seeds' "constant scaling" shortcut h(x) = λ·x (λ = 0.5 trained to
 * 12.35% error on ResNet-110 vs 6.61% for identity — He et al. 2016, "Identity Mappings").
 * No (trainable) params; FLOPs: one multiply per element. Builds a custom tfjs layer.
 */
export const scale = defineLayer({
  kind: 'Scale',
  label: 'Scale',
  category: 'Utility',
  description: 'Multiplies by a constant λ (the constant-scaling shortcut, e.g. 0.5).',
  params,
  ui: { factor: { label: 'Factor λ', min: -1000, max: 1000, step: 0.1 } },
  arity: { min: 1, max: 1 },
  inferShape: (inputs) => ok(inputs[0] ?? []),
  cost: (_inputs, output) => ({ params: 0, flops: perElement(output) }),
  summary: (p) => `×${p.factor}`,
  build(tf, p, name, inputs) {
    const Scale = scaleClass(tf);
    return applySymbolic(tf, new Scale({ name, factor: p.factor }), first(inputs));
  },
  code: {
    typescript(p, ctx) {
      const cls = ctx.customClass(SCALE_TS);
      return tsApply(`new ${cls}(${tsConfig(ctx.name, { factor: p.factor })})`, ctx.inputs);
    },
    pytorch: (p, ctx) => ({ forward: `${ctx.inputs[0] ?? ''} * ${numLit(p.factor)}` }),
    onnx: (p, ctx) => ctx.node('Mul', [ctx.inputs[0] ?? '', ctx.floats('factor', [], [p.factor])], chw(ctx.outputShape)),
  },
  example: { params: { factor: 0.5 }, inputs: [[4, 4, 8]], output: [4, 4, 8], cost: { params: 0, flops: 128 } },
});

interface ScaleArgs extends TfLayerArgs {
  factor: number;
}

function scaleClass(tf: Tf) {
  return lazyClass(tf, 'Scale', () => {
    class Scale extends tf.layers.Layer {
      static className = 'SkipwireScale';
      readonly factor: number;
      constructor(args: ScaleArgs) {
        super(args);
        this.factor = args.factor;
      }
      override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
        return oneShape(inputShape);
      }
      override call(inputs: TfTensor | TfTensor[], _kwargs: TfKwargs): TfTensor {
        return tf.tidy(() => tf.mul(oneTensor(inputs), this.factor));
      }
      override getConfig() {
        return { ...super.getConfig(), factor: this.factor };
      }
    }
    tf.serialization.registerClass(Scale, CUSTOM_PACKAGE);
    return Scale;
  });
}

/** The generated TypeScript of the Scale layer (the class above, for code export). */
const SCALE_TS: TsCustomClass = {
  name: 'Scale',
  doc: 'Multiplies by a constant λ (the constant-scaling shortcut of He et al. 2016).',
  needs: ['oneTensor'],
  source: `class Scale extends tf.layers.Layer {
  static className = 'SkipwireScale';
  readonly factor: number;
  constructor(args: LayerArgs & { factor: number }) {
    super(args);
    this.factor = args.factor;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => tf.mul(oneTensor(inputs), this.factor));
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}`,
};
