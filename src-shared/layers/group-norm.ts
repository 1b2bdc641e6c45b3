import { z } from 'zod';
import { defineLayer, perElement } from './lib/define.js';
import { channels, fail, int, num, ok } from './lib/shape.js';
import { applySymbolic, CUSTOM_PACKAGE, first, lastDim, lazyClass, oneShape, oneTensor, type TfKwargs, type TfLayerArgs, type TfShape, type TfTensor } from './lib/tf.js';
import type { Tf } from './types.js';
import { chw, numLit, pyCall, tsApply, tsConfig, weight } from './lib/code.js';
import type { TsCustomClass } from './printers.js';

const params = z.object({
  groups: int(1, 4096, 8),
  epsilon: num(1e-12, 1, 1e-5),
});
export type GroupNormParams = z.output<typeof params>;

/**
 * Group normalization (Wu & He 2018): channels split into `groups`, each normalized over its
 * channels and all positions of one example (no batch statistics). C must be divisible by groups.
 * Params: 2·C trainable (gamma, beta), nothing else. FLOPs: one multiply-add per element.
 * tfjs has no GroupNorm, so it builds a custom layer.
 */
export const groupNorm = defineLayer({
  kind: 'GroupNorm',
  label: 'Group norm',
  category: 'Normalization',
  description: 'Normalizes groups of channels per example (independent of batch size), then scales and shifts.',
  params,
  ui: {
    groups: { label: 'Groups', help: 'Channels must be divisible by it (the paper uses 32)', min: 1, max: 4096, step: 1 },
    epsilon: { label: 'Epsilon', min: 1e-12, max: 1, step: 1e-5 },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const x = inputs[0] ?? [];
    if (x.length !== 1 && x.length !== 3) return fail('bad-rank', 'expects [H,W,C] or [F]; got {0}', 0);
    if (channels(x) % p.groups !== 0) return fail('groups-mismatch', `channels of {0} (${channels(x)}) are not divisible by groups ${p.groups}`, 0);
    return ok(x);
  },
  cost(inputs) {
    const x = inputs[0] ?? [];
    return { params: 2 * channels(x), flops: perElement(x) };
  },
  summary: (p) => `g${p.groups}`,
  build(tf, p, name, inputs) {
    const GroupNorm = groupNormClass(tf);
    return applySymbolic(tf, new GroupNorm({ name, groups: p.groups, epsilon: p.epsilon }), first(inputs));
  },
  code: {
    typescript(p, ctx) {
      const cls = ctx.customClass(GROUP_NORM_TS);
      return tsApply(`new ${cls}(${tsConfig(ctx.name, { groups: p.groups, epsilon: p.epsilon })})`, ctx.inputs);
    },
    pytorch: (p, ctx) => ({
      module: pyCall('nn.GroupNorm', [numLit(p.groups), numLit(channels(ctx.inputShapes[0] ?? []))], { eps: p.epsilon }),
      forward: `self.${ctx.attr}(${ctx.inputs[0] ?? ''})`,
      weights: (ws) => ({ weight: weight(ws, 0, 'gamma'), bias: weight(ws, 1, 'beta') }),
    }),
    onnx(p, ctx) {
      // opset 13 has no GroupNormalization: statistics of [N, groups, C/groups · H · W], then the affine per channel
      const s = chw(ctx.outputShape);
      const c = s[0] ?? 0;
      const rest = s.slice(1);
      const g = [p.groups, s.reduce((a, b) => a * b, 1) / p.groups];
      const grouped = ctx.node('Reshape', [ctx.inputs[0] ?? '', ctx.int64s('grouped_shape', [0, ...g])], g);
      const mean = ctx.node('ReduceMean', [grouped], [p.groups, 1], { axes: { ints: [2] }, keepdims: { i: 1 } });
      const centered = ctx.node('Sub', [grouped, mean], g);
      const variance = ctx.node('ReduceMean', [ctx.node('Mul', [centered, centered], g)], [p.groups, 1], { axes: { ints: [2] }, keepdims: { i: 1 } });
      const std = ctx.node('Sqrt', [ctx.node('Add', [variance, ctx.floats('epsilon', [], [p.epsilon])], [p.groups, 1])], [p.groups, 1]);
      const normed = ctx.node('Reshape', [ctx.node('Div', [centered, std], g), ctx.int64s('shape', [0, ...s])], s);
      const affine = [c, ...rest.map(() => 1)];
      const gamma = weight(ctx.weights, 0, 'gamma');
      const beta = weight(ctx.weights, 1, 'beta');
      const scaled = ctx.node('Mul', [normed, ctx.floats('gamma', affine, gamma.data)], s);
      return ctx.node('Add', [scaled, ctx.floats('beta', affine, beta.data)], s);
    },
  },
  // Hand count: C = 8 → gamma + beta = 16; 4·4·8 = 128 elements.
  example: { params: { groups: 4 }, inputs: [[4, 4, 8]], output: [4, 4, 8], cost: { params: 16, flops: 128 } },
});

interface GroupNormArgs extends TfLayerArgs {
  groups: number;
  epsilon: number;
}

function groupNormClass(tf: Tf) {
  return lazyClass(tf, 'GroupNorm', () => {
    class GroupNorm extends tf.layers.Layer {
      static className = 'SkipwireGroupNorm';
      readonly groups: number;
      readonly epsilon: number;
      private gamma: ReturnType<GroupNorm['addWeight']> | null = null;
      private beta: ReturnType<GroupNorm['addWeight']> | null = null;
      constructor(args: GroupNormArgs) {
        super(args);
        this.groups = args.groups;
        this.epsilon = args.epsilon;
      }
      override build(inputShape: TfShape | TfShape[]): void {
        const c = lastDim(oneShape(inputShape));
        this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
        this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
        this.built = true;
      }
      override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
        return oneShape(inputShape);
      }
      override call(inputs: TfTensor | TfTensor[], _kwargs: TfKwargs): TfTensor {
        return tf.tidy(() => {
          const x = oneTensor(inputs);
          if (!this.gamma || !this.beta) throw new Error('GroupNorm used before build');
          const shape = x.shape;
          const n = shape[0] ?? 1;
          const c = shape[shape.length - 1] ?? 1;
          // [N, positions, G, C/G]; statistics over positions and the channels of a group
          const grouped = tf.reshape(x, [n, -1, this.groups, c / this.groups]);
          const { mean, variance } = tf.moments(grouped, [1, 3], true);
          const normed = tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, this.epsilon)));
          return tf.add(tf.mul(tf.reshape(normed, shape), this.gamma.read()), this.beta.read());
        });
      }
      override getConfig() {
        return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
      }
    }
    tf.serialization.registerClass(GroupNorm, CUSTOM_PACKAGE);
    return GroupNorm;
  });
}

/** The generated TypeScript of the GroupNorm layer (the class above, for code export). */
const GROUP_NORM_TS: TsCustomClass = {
  name: 'GroupNorm',
  doc: 'Group normalization (Wu & He 2018): channels split into `groups`, each normalized over its channels and all positions of one example; then gamma, beta.',
  needs: ['oneTensor', 'oneShape'],
  source: `class GroupNorm extends tf.layers.Layer {
  static className = 'SkipwireGroupNorm';
  readonly groups: number;
  readonly epsilon: number;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  constructor(args: LayerArgs & { groups: number; epsilon: number }) {
    super(args);
    this.groups = args.groups;
    this.epsilon = args.epsilon;
  }
  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(inputShape);
    const c = shape[shape.length - 1] ?? 0;
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(inputShape);
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      if (this.gamma === null || this.beta === null) throw new Error('GroupNorm used before build');
      const x = oneTensor(inputs);
      const n = x.shape[0] ?? 1;
      const c = x.shape[x.shape.length - 1] ?? 1;
      // [N, positions, groups, C/groups]: statistics over the positions and the channels of a group
      const grouped = tf.reshape(x, [n, -1, this.groups, c / this.groups]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      const normed = tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(tf.reshape(normed, x.shape), this.gamma.read()), this.beta.read());
    });
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}`,
};
