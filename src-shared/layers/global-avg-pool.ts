import { defineLayer, noParams } from './lib/define.js';
import { channels, needSpatial, numel, ok } from './lib/shape.js';
import { applySymbolic, first } from './lib/tf.js';
import { chw, tsApply, tsConfig } from './lib/code.js';

/** Averages each channel over all positions: [H,W,C] → [C]. No params; FLOPs H·W·C accumulations. */
export const globalAvgPool = defineLayer({
  kind: 'GlobalAvgPool',
  label: 'Global average pool',
  category: 'Pooling',
  description: 'Averages every channel over the whole feature map: [H,W,C] → [C] (before a classifier).',
  params: noParams,
  ui: {},
  arity: { min: 1, max: 1 },
  inferShape(inputs) {
    const bad = needSpatial(inputs);
    if (bad) return bad;
    return ok([channels(inputs[0] ?? [])]);
  },
  cost: (inputs) => ({ params: 0, flops: numel(inputs[0] ?? []) }),
  summary: () => '',
  build: (tf, _p, name, inputs) => applySymbolic(tf, tf.layers.globalAveragePooling2d({ name }), first(inputs)),
  code: {
    typescript: (_p, ctx) => tsApply(`tf.layers.globalAveragePooling2d(${tsConfig(ctx.name, {})})`, ctx.inputs),
    pytorch: (_p, ctx) => ({ forward: `${ctx.inputs[0] ?? ''}.mean(dim=(2, 3))` }),
    onnx: (_p, ctx) => ctx.node('ReduceMean', ctx.inputs, chw(ctx.outputShape), { axes: { ints: [2, 3] }, keepdims: { i: 0 } }),
  },
  // Hand count: 8·8·64 = 4096 accumulations.
  example: { inputs: [[8, 8, 64]], output: [64], cost: { params: 0, flops: 4096 } },
});
