import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, int, needSpatial, numel, ok, paddingOptions, samePadding, windowOut } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, numLit, pyCall, pyLit, tsApply, tsConfig, windowPads } from './lib/code.js';

const params = z.object({
  pool: int(1, 32, 2),
  stride: int(1, 32, 2),
  padding: samePadding('valid'),
});
export type AvgPoolParams = z.output<typeof params>;

/** Average pooling over k×k windows. No params; FLOPs: k·k accumulations per output element. */
export const avgPool = defineLayer({
  kind: 'AvgPool',
  label: 'Average pool',
  category: 'Pooling',
  description: 'Averages each k×k window (DenseNet transition layers use 2×2, stride 2).',
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
  cost: (_inputs, output, p) => ({ params: 0, flops: numel(output) * p.pool * p.pool }),
  summary: (p) => [`${p.pool}×${p.pool}`, p.stride > 1 ? `/${p.stride}` : '', p.padding === 'same' ? 'same' : ''].filter(Boolean).join(', '),
  build: (tf, p, name, inputs) => applySymbolic(tf, tf.layers.averagePooling2d({ name, poolSize: p.pool, strides: p.stride, padding: p.padding }), first(inputs)),
  code: {
    typescript: (p, ctx) => tsApply(`tf.layers.averagePooling2d(${tsConfig(ctx.name, { poolSize: p.pool, strides: p.stride, padding: p.padding })})`, ctx.inputs),
    pytorch(p, ctx) {
      const x = ctx.inputs[0] ?? '';
      const [t, b, l, r] = windowPads(ctx.inputShapes[0] ?? [], p.pool, p.stride, p.padding);
      const runtime = p.padding === 'same' && p.stride > 1;
      // TF's 'same' averages over the pixels inside the image only (count_include_pad=False)
      if (!runtime && t === b && l === r && 2 * Math.max(t, l) <= p.pool) {
        const pad = t === 0 && l === 0 ? {} : { padding: t === l ? t : [t, l], count_include_pad: false };
        return { module: pyCall('nn.AvgPool2d', [numLit(p.pool), numLit(p.stride)], pad), forward: `self.${ctx.attr}(${x})` };
      }
      const fn = ctx.helper({ name: 'avg_pool2d_tf_same', source: AVG_POOL_SAME_PY });
      // strided 'same': the pads come from the input's size at run time
      if (runtime) return { forward: `${fn}(${x}, ${numLit(p.pool)}, ${numLit(p.stride)})` };
      return { forward: `${fn}(${x}, ${numLit(p.pool)}, ${numLit(p.stride)}, ${pyLit([l, r, t, b])})`, note: "TF 'same' padding: the extra row/column goes to the bottom/right" };
    },
    onnx(p, ctx) {
      const [t, b, l, r] = windowPads(ctx.inputShapes[0] ?? [], p.pool, p.stride, p.padding);
      return ctx.node('AveragePool', ctx.inputs, chw(ctx.outputShape), {
        kernel_shape: { ints: [p.pool, p.pool] },
        strides: { ints: [p.stride, p.stride] },
        pads: { ints: [t, l, b, r] },
        count_include_pad: { i: 0 },
      });
    },
  },
  // Hand count: 2×2 stride 2 on 8×8×3 → 4×4×3 = 48 outputs × 4 = 192.
  example: { inputs: [[8, 8, 3]], output: [4, 4, 3], cost: { params: 0, flops: 192 } },
});

const AVG_POOL_SAME_PY = `def avg_pool2d_tf_same(x, kernel, stride, pads=None):
    """Average pooling with TensorFlow's 'same' padding (pads = (left, right, top, bottom), the
    extra pixel at the bottom/right; None: from x's size); padded pixels do not count in the average."""
    if pads is None:
        pads = []
        for size in (x.shape[3], x.shape[2]):
            total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]
    ones = torch.ones_like(x[:, :1])
    total = F.avg_pool2d(F.pad(x, pads), kernel, stride)
    count = F.avg_pool2d(F.pad(ones, pads), kernel, stride)
    return total / count`;
