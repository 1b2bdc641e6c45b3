import { z } from 'zod';
import { defineLayer } from './lib/define.js';
import { channels, int, needSpatial, numel, ok, paddingOptions, samePadding, windowOut } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';

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
  code: {},
  // Hand count: 2×2 stride 2 on 8×8×3 → 4×4×3 = 48 outputs × 4 = 192.
  example: { inputs: [[8, 8, 3]], output: [4, 4, 3], cost: { params: 0, flops: 192 } },
});
