import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, templateMeta } from './builder.js';
import { convParams } from './blocks.js';
import type { TemplateDef } from './types.js';

const VGG16 = [2, 2, 3, 3, 3] as const;

const options = z
  .object({
    variant: z.enum(['32s', '16s', '8s']).default('8s'),
    width: intOpt(1, 1024, 64),
    fcWidth: intOpt(1, 16_384, 4096),
    ...inputOptions({ height: 224, width: 224, channels: 3, classes: 21 }),
  })
  .superRefine((o, ctx) => {
    for (const [key, size] of [['inputHeight', o.inputHeight], ['inputWidth', o.inputWidth]] as const) {
      if (size % 32 !== 0) ctx.addIssue({ code: 'custom', path: [key], message: `input ${key === 'inputHeight' ? 'height' : 'width'} ${size} is not divisible by 32 (five 2×2 poolings)`, input: size });
    }
  });
export type FcnOptions = z.output<typeof options>;

/**
 * FCN (Long, Shelhamer & Darrell 2015) on a VGG-16 backbone with same-padded convs (so no crops
 * are needed): five conv stages with 2×2 max pooling (/32), fc6 as a 7×7 conv and fc7 as a 1×1
 * conv (ReLU, dropout 0.5), and a 1×1 class scorer. Skip fusion: 32s upsamples the /32 scores;
 * 16s doubles them with a learned 2×2 up-convolution and ADDS the scores of pool4 (/16); 8s
 * repeats that with pool3 (/8). The final upsampling is fixed bilinear; the segmentation head's
 * 1×1 conv + softmax gives per-pixel classes.
 */
function generate(o: FcnOptions): GraphDocument {
  const b = new TemplateBuilder(inputSpecOf(o));
  let h: NodeId = b.add('input', 'Input');
  const pools: NodeId[] = [];
  VGG16.forEach((convs, idx) => {
    const s = idx + 1;
    const filters = o.width * 2 ** Math.min(idx, 3);
    const from = h;
    h = b.block(`vgg${s}`, `conv${s} (×${convs})`, () => {
      let x = from;
      for (let i = 1; i <= convs; i++) x = b.chain(x, '', [`conv${s}_${i}`, 'Conv2D', convParams({ filters, kernel: 3, bias: true })], [`relu${s}_${i}`, 'ReLU']);
      return b.add(`pool${s}`, 'MaxPool', { pool: 2, stride: 2 }, [x]);
    });
    pools.push(h);
  });
  const from = h;
  h = b.block('fc', 'fc6–fc7 as convs', () =>
    b.chain(
      from,
      '',
      ['fc6', 'Conv2D', convParams({ filters: o.fcWidth, kernel: 7, bias: true })],
      ['relu6', 'ReLU'],
      ['drop6', 'Dropout', { rate: 0.5 }],
      ['fc7', 'Conv2D', convParams({ filters: o.fcWidth, kernel: 1, bias: true })],
      ['relu7', 'ReLU'],
      ['drop7', 'Dropout', { rate: 0.5 }],
      ['score_fr', 'Conv2D', convParams({ filters: o.classes, kernel: 1, bias: true })],
    ),
  );
  const score = h;
  h = b.block('fusion', `skip fusion (${o.variant})`, () => {
    let x = score;
    let stride = 32;
    const skips = o.variant === '32s' ? [] : o.variant === '16s' ? [4] : [4, 3];
    for (const p of skips) {
      const up = b.add(`up2_${stride === 32 ? 'fr' : `pool${p + 1}`}`, 'ConvTranspose2D', { filters: o.classes, kernel: 4, stride: 2, padding: 'same', bias: false }, [x]);
      const side = b.add(`score_pool${p}`, 'Conv2D', convParams({ filters: o.classes, kernel: 1, bias: true }), [pools[p - 1] as NodeId]);
      x = b.add(`fuse_pool${p}`, 'Add', {}, [up, side]);
      stride /= 2;
    }
    return b.add(`up${stride}`, 'Upsample', { factor: stride, mode: 'bilinear' }, [x]);
  });
  b.add('head', 'SegmentationHead', { classes: o.classes }, [h]);
  return b.build({
    name: `FCN-${o.variant} (VGG-16)`,
    description: `FCN-${o.variant}: VGG-16 made fully convolutional; ${o.variant === '32s' ? 'scores at /32 upsampled ×32' : o.variant === '16s' ? 'scores at /32 fused with pool4 scores, upsampled ×16' : 'scores fused with pool4 and pool3 scores, upsampled ×8'}.`,
    task: 'segmentation',
    template: templateMeta('fcn', o),
  });
}

export const fcnTemplate: TemplateDef<FcnOptions> = {
  id: 'fcn',
  family: 'fcn',
  label: 'FCN-32s / 16s / 8s',
  description:
    'Long, Shelhamer & Darrell 2015, "Fully Convolutional Networks for Semantic Segmentation": VGG-16 with its classifier as convolutions and skip fusion of coarse and fine scores by addition (134M params).',
  options,
  ui: {
    variant: { label: 'Variant', options: { '32s': 'FCN-32s: no skips', '16s': 'FCN-16s: + pool4', '8s': 'FCN-8s: + pool4 + pool3' } },
    width: { label: 'Base channels', help: 'VGG stage 1 filters (64); stages double up to 8×', min: 1, max: 1024, step: 1 },
    fcWidth: { label: 'fc6/fc7 channels', help: 'The paper: 4096', min: 1, max: 16_384, step: 1 },
    ...inputUi,
  },
  generate,
};
