import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, templateMeta } from './builder.js';
import { convParams } from './blocks.js';
import type { TemplateDef } from './types.js';

/**
 * Why an input size does not fit a U-Net of this depth and padding (null when it does). With valid
 * convs every level loses 4 pixels and each 2×2 pooling needs an even size; with same convs the
 * size must divide by 2^depth.
 */
export function unetSizeProblem(size: number, depth: number, padding: 'same' | 'valid'): string | null {
  if (padding === 'same') return size % 2 ** depth === 0 ? null : `${size} is not divisible by 2^${depth} = ${2 ** depth}`;
  let s = size;
  for (let l = 1; l <= depth; l++) {
    s -= 4;
    if (s < 2) return `${size} is too small: encoder level ${l} leaves ${s}`;
    if (s % 2 !== 0) return `${size} does not fit: encoder level ${l} gives an odd ${s} before pooling (try 572, 444, 316, 188)`;
    s /= 2;
  }
  s -= 4;
  if (s < 1) return `${size} is too small: the bottom level leaves ${s}`;
  return null;
}

const options = z
  .object({
    depth: intOpt(1, 6, 4),
    width: intOpt(1, 1024, 64),
    padding: z.enum(['valid', 'same']).default('valid'),
    batchNorm: z.boolean().default(false),
    ...inputOptions({ height: 572, width: 572, channels: 1, classes: 2, minClasses: 1 }),
  })
  .superRefine((o, ctx) => {
    for (const [key, size] of [['inputHeight', o.inputHeight], ['inputWidth', o.inputWidth]] as const) {
      const why = unetSizeProblem(size, o.depth, o.padding);
      if (why !== null) ctx.addIssue({ code: 'custom', path: [key], message: `input ${key === 'inputHeight' ? 'height' : 'width'} ${why}`, input: size });
    }
  });
export type UNetOptions = z.output<typeof options>;

/** conv3×3 [-BN] -ReLU, twice: `${tag}_conv1` … `${tag}_relu2`. */
function doubleConv(b: TemplateBuilder, x: NodeId, tag: string, filters: number, o: UNetOptions): NodeId {
  let h = x;
  for (const i of [1, 2]) {
    h = b.add(`${tag}_conv${i}`, 'Conv2D', convParams({ filters, kernel: 3, padding: o.padding, bias: !o.batchNorm }), [h]);
    if (o.batchNorm) h = b.add(`${tag}_bn${i}`, 'BatchNorm', {}, [h]);
    h = b.add(`${tag}_relu${i}`, 'ReLU', {}, [h]);
  }
  return h;
}

/**
 * U-Net (Ronneberger et al. 2015): a contracting path of `depth` levels (two 3×3 convs + ReLU,
 * then 2×2 max pooling; filters width, 2·width, …), a bottom level, and an expanding path that
 * up-convolves (2×2 transposed conv, half the filters), CONCATENATES the encoder's map of the
 * same level (the long skip; center-cropped to the decoder's size when the convs are valid), and
 * applies two 3×3 convs; a 1×1 conv to per-pixel classes ends it.
 */
function generate(o: UNetOptions): GraphDocument {
  const b = new TemplateBuilder(inputSpecOf(o));
  let h: NodeId = b.add('input', 'Input');
  const skips: NodeId[] = [];
  for (let l = 1; l <= o.depth; l++) {
    const from = h;
    h = b.block(`enc${l}`, `encoder ${l}`, () => {
      const f = doubleConv(b, from, `enc${l}`, o.width * 2 ** (l - 1), o);
      skips.push(f);
      return b.add(`enc${l}_pool`, 'MaxPool', { pool: 2, stride: 2 }, [f]);
    });
  }
  const bottom = h;
  h = b.block('bottom', 'bottom', () => doubleConv(b, bottom, 'mid', o.width * 2 ** o.depth, o));
  for (let l = o.depth; l >= 1; l--) {
    const from = h;
    const skip = skips[l - 1] as NodeId;
    h = b.block(`dec${l}`, `decoder ${l}`, () => {
      const filters = o.width * 2 ** (l - 1);
      const up = b.add(`dec${l}_up`, 'ConvTranspose2D', { filters, kernel: 2, stride: 2, padding: 'same', bias: true }, [from]);
      const long = o.padding === 'valid' ? b.add(`dec${l}_crop`, 'Crop', {}, [skip, up]) : skip;
      const cat = b.add(`dec${l}_cat`, 'Concat', {}, [long, up]);
      return doubleConv(b, cat, `dec${l}`, filters, o);
    });
  }
  b.add('head', 'SegmentationHead', { classes: o.classes }, [h]);
  return b.build({
    name: `U-Net (depth ${o.depth}, ${o.padding})`,
    description: `U-Net with ${o.depth} levels from ${o.width} filters, ${o.padding} 3×3 convs${o.padding === 'valid' ? ' (the long skips are center-cropped)' : ''}${o.batchNorm ? ', batch norm' : ''}; concatenating long skips.`,
    task: 'segmentation',
    template: templateMeta('unet', o),
  });
}

export const unetTemplate: TemplateDef<UNetOptions> = {
  id: 'unet',
  family: 'unet',
  label: 'U-Net',
  description:
    'Ronneberger et al. 2015, "U-Net: Convolutional Networks for Biomedical Image Segmentation": encoder-decoder with long skip connections by concatenation (572×572 in, 388×388 out with valid convs).',
  options,
  ui: {
    depth: { label: 'Depth', help: 'Number of 2×2 poolings (the paper: 4)', min: 1, max: 6, step: 1 },
    width: { label: 'Base channels', help: 'Filters of the first level; doubles per level (the paper: 64)', min: 1, max: 1024, step: 1 },
    padding: { label: 'Conv padding', options: { valid: 'valid (the paper; crop the long skips)', same: 'same (sizes divisible by 2^depth)' } },
    batchNorm: { label: 'Batch norm after each conv' },
    ...inputUi,
    classes: { label: 'Classes', help: '1 = a binary mask (sigmoid)', min: 1, max: 100_000, step: 1 },
  },
  generate,
};
