import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, int, needSpatial, ok, paddingOptions, samePadding, windowOut } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, numLit, pyCall, pyLit, tsApply, tsConfig, windowPads, PAD_SAME_PY } from './lib/code.js';

const params = z.object({
  pool: int(1, 32, 2),
  stride: int(1, 32, 2),
  padding: samePadding('valid'),
});
export type MaxPoolParams = z.output<typeof params>;

/**
 * Max pooling over k×k windows. No params; FLOPs 0 (comparisons are not multiply-adds).
 * A 1×1 pool with stride 2 is the subsampling of ResNet's option-A shortcut.
 */
export const maxPool = defineLayer({
  kind: 'MaxPool',
  label: 'Max pool',
  category: 'Pooling',
  description: 'Takes the maximum of each k×k window.',
  params,
  ui: {
    pool: { label: 'Pool size', min: 1, max: 32, step: 1 },
    stride: { label: 'Stride', min: 1, max: 32, step: 1 },
    padding: { label: 'Padding', options: paddingOptions },
  },
  arity: { min: 1, max: 1 },
  inferShape(inputs, p) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    const x = inputs[0] ?? [];
    const out = windowOut(x, p.pool, p.stride, p.padding);
    return out.ok ? ok([out.h, out.w, channels(x)]) : out.result;
  },
  cost: () => ({ params: 0, flops: 0 }),
  summary: (p) => [`${p.pool}×${p.pool}`, p.stride > 1 ? `/${p.stride}` : '', p.padding === 'same' ? 'same' : ''].filter(Boolean).join(', '),
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.maxPooling2d({ name, poolSize: p.pool, strides: p.stride, padding: p.padding }), first(inputs)),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.maxPooling2d(${tsConfig(ctx.name, { poolSize: p.pool, strides: p.stride, padding: p.padding })})`, ctx.inputs),
    pytorch(p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const [t, b, l, r] = windowPads(ctx.inputShapes[0] ?? [], p.pool, p.stride, p.padding);
      if (p.padding === 'same' && p.stride > 1) {
        // strided 'same': pads from the input's size at run time, -inf so the window never picks them
        return { module: pyCall('nn.MaxPool2d', [numLit(p.pool), numLit(p.stride)]), forward: `self.${ctx.attr}(${ctx.helper(PAD_SAME_PY)}(${x}, ${numLit(p.pool)}, ${numLit(p.stride)}, value=float('-inf')))` };
      }
      // padding the window never picks (-inf), as TF's 'same'; nn.MaxPool2d pads symmetrically only
      if (t === b && l === r && 2 * Math.max(t, l) <= p.pool) {
        const padding = t === 0 && l === 0 ? undefined : t === l ? t : [t, l];
        return { module: pyCall('nn.MaxPool2d', [numLit(p.pool), numLit(p.stride)], { padding }), forward: `self.${ctx.attr}(${x})` };
      }
      return {
        module: pyCall('nn.MaxPool2d', [numLit(p.pool), numLit(p.stride)]),
        forward: `self.${ctx.attr}(F.pad(${x}, ${pyLit([l, r, t, b])}, value=float('-inf')))`,
        note: "TF 'same' padding: the extra row/column goes to the bottom/right",
      };
    },
    onnx(p, ctx) {
      const [t, b, l, r] = windowPads(ctx.inputShapes[0] ?? [], p.pool, p.stride, p.padding);
      return ctx.node('MaxPool', ctx.inputs, chw(ctx.outputShape), { kernel_shape: { ints: [p.pool, p.pool] }, strides: { ints: [p.stride, p.stride] }, pads: { ints: [t, l, b, r] } });
    },
  },
  // Hand count: 3×3 stride 2 same on 7×7 → ceil(7/2) = 4; no params, no multiply-adds.
  example: { params: { pool: 3, stride: 2, padding: 'same' }, inputs: [[7, 7, 4]], output: [4, 4, 4], cost: { params: 0, flops: 0 } },
});
