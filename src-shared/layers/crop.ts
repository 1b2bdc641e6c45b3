import { defineLayer, noParams } from './lib/define.js';
import { fail, inp, ok } from './lib/shape.js';
import { CUSTOM_PACKAGE, applySymbolic, lazyClass, oneShape, oneTensor, type TfKwargs, type TfShape, type TfTensor } from './lib/tf.js';
import { chw, tsApply, tsConfig } from './lib/code.js';
import type { PyHelper, TsCustomClass } from './printers.js';
import type { Shape, Tf } from './types.js';

/**
 * Center-crops x (port 0) to the height and width of a reference (port 1), keeping x's channels:
 * the crop on U-Net's long skips when the encoder used valid convolutions (572→… the contracting
 * map is larger than the expanding one). Offsets: top = ⌊(H_x − H_ref)/2⌋, left likewise, as in
 * U-Net. The reference only lends its size. No params, no FLOPs. Builds a custom tfjs layer.
 */
export const crop = defineLayer({
  kind: 'Crop',
  label: 'Center crop',
  category: 'Resize',
  description: "Center-crops x to the reference's height and width (U-Net's long skips with valid padding).",
  params: noParams,
  ui: {},
  arity: { min: 2, max: 2 },
  ports: ['x', 'reference'],
  inferShape(inputs) {
    const x = inputs[0] ?? [];
    const r = inputs[1] ?? [];
    if (x.length !== 3) return fail('expects-feature-map', `expects a feature map x [H,W,C]; got ${inp(0)}`, 0);
    if (r.length !== 3) return fail('expects-feature-map', `expects a feature map reference [H,W,C]; got ${inp(1)}`, 1);
    const [hx = 0, wx = 0, c = 0] = x;
    const [hr = 0, wr = 0] = r;
    if (hr > hx || wr > wx) return fail('crop-larger', `reference ${inp(1)} is larger than x ${inp(0)}; Crop can only shrink (pad or resize instead)`, [0, 1]);
    return ok([hr, wr, c]);
  },
  cost: () => ({ params: 0, flops: 0 }),
  summary: () => 'center',
  build(tf, _p, name, inputs) {
    const Crop = cropClass(tf);
    return applySymbolic(tf, new Crop({ name }), inputs);
  },
  code: {
    typescript(_p, ctx) {
      const cls = ctx.customClass(CROP_TS);
      return tsApply(`new ${cls}(${tsConfig(ctx.name, {})})`, ctx.inputs);
    },
    pytorch(_p, ctx) {
      // offsets from the tensors at run time: the module runs at other input sizes
      return { forward: `${ctx.helper(CENTER_CROP_PY)}(${ctx.inputs[0] ?? ''}, ${ctx.inputs[1] ?? ''})` };
    },
    onnx(_p, ctx) {
      const [top, left, h, w] = cropBox(ctx.inputShapes);
      const starts = ctx.int64s('starts', [top, left]);
      const ends = ctx.int64s('ends', [top + h, left + w]);
      return ctx.node('Slice', [ctx.inputs[0] ?? '', starts, ends, ctx.int64s('axes', [2, 3])], chw(ctx.outputShape));
    },
  },
  example: { inputs: [[9, 8, 4], [5, 6, 2]], output: [5, 6, 4], cost: { params: 0, flops: 0 } },
});

function cropClass(tf: Tf) {
  return lazyClass(tf, 'Crop', () => {
    class Crop extends tf.layers.Layer {
      static className = 'SkipwireCrop';
      override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
        const [n = null, , , c = null] = oneShape(inputShape, 0);
        const [, h = null, w = null] = oneShape(inputShape, 1);
        return [n, h, w, c];
      }
      override call(inputs: TfTensor | TfTensor[], _kwargs: TfKwargs): TfTensor {
        return tf.tidy(() => {
          const x = oneTensor(inputs, 0);
          const r = oneTensor(inputs, 1);
          const [, hx = 0, wx = 0] = x.shape;
          const [, hr = 0, wr = 0] = r.shape;
          const top = Math.floor((hx - hr) / 2);
          const left = Math.floor((wx - wr) / 2);
          return tf.slice(x, [0, top, left, 0], [-1, hr, wr, -1]);
        });
      }
    }
    tf.serialization.registerClass(Crop, CUSTOM_PACKAGE);
    return Crop;
  });
}

/** [top, left, height, width] of the crop: offsets ⌊(H_x − H_ref)/2⌋, ⌊(W_x − W_ref)/2⌋. */
function cropBox(inputs: readonly Shape[]): [number, number, number, number] {
  const [hx = 0, wx = 0] = inputs[0] ?? [];
  const [hr = 0, wr = 0] = inputs[1] ?? [];
  return [Math.floor((hx - hr) / 2), Math.floor((wx - wr) / 2), hr, wr];
}

/** The generated PyTorch helper: the crop box from the tensors' sizes, as the tfjs layer computes it. */
const CENTER_CROP_PY: PyHelper = {
  name: 'center_crop',
  source: `def center_crop(x, ref):
    """Center-crops x to ref's height and width: offsets ⌊(H_x − H_ref)/2⌋, ⌊(W_x − W_ref)/2⌋ (U-Net's long skips)."""
    h, w = ref.shape[2], ref.shape[3]
    top, left = (x.shape[2] - h) // 2, (x.shape[3] - w) // 2
    return x[:, :, top:top + h, left:left + w]`,
};

/** The generated TypeScript of the Crop layer (the class above, for code export). */
const CROP_TS: TsCustomClass = {
  name: 'Crop',
  doc: "Center-crops x (input 0) to the height and width of a reference (input 1), keeping x's channels.",
  needs: ['oneTensor', 'oneShape'],
  source: `class Crop extends tf.layers.Layer {
  static className = 'SkipwireCrop';
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n = null, , , c = null] = oneShape(inputShape, 0);
    const [, h = null, w = null] = oneShape(inputShape, 1);
    return [n, h, w, c];
  }
  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs, 0);
      const ref = oneTensor(inputs, 1);
      const [, hx = 0, wx = 0] = x.shape;
      const [, hr = 0, wr = 0] = ref.shape;
      const top = Math.floor((hx - hr) / 2);
      const left = Math.floor((wx - wr) / 2);
      return tf.slice(x, [0, top, left, 0], [-1, hr, wr, -1]);
    });
  }
}`,
};
