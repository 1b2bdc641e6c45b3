import { defineLayer, noParams } from './lib/define.js';
import { ok } from './lib/shape.js';
import { tsConfig } from './lib/code.js';

/**
 * The network's input: outputs the document's input spec [H, W, C] (`doc.input`); it has no params
 * of its own, so a document has one place that says how big its images are.
 */
export const input = defineLayer({
  kind: 'Input',
  label: 'Input',
  category: 'Input',
  description: "The image batch fed to the network; its shape is the document's input (H×W×C).",
  params: noParams,
  ui: {},
  arity: { min: 0, max: 0 },
  inferShape: (_inputs, _params, ctx) => ok([ctx.input.height, ctx.input.width, ctx.input.channels]),
  cost: () => ({ params: 0, flops: 0 }),
  summary: () => '',
  build(tf, _params, name, _inputs, ctx) {
    if (!ctx) throw new Error('Input.build needs the document input spec (ctx)');
    return tf.input({ shape: [ctx.input.height, ctx.input.width, ctx.input.channels], name });
  },
  code: {
    typescript: (_p, ctx) => `tf.input(${tsConfig(ctx.name, { shape: [ctx.input.height, ctx.input.width, ctx.input.channels] })})`,
    // the model's forward argument / graph input is passed in as the input
    pytorch: (_p, ctx) => ({ forward: ctx.inputs[0] ?? 'x' }),
    onnx: (_p, ctx) => ctx.inputs[0] ?? '',
  },
  example: { input: { height: 8, width: 6, channels: 3 }, inputs: [], output: [8, 6, 3], cost: { params: 0, flops: 0 } },
});
