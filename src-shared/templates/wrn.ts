import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, numOpt, stageLabel, templateMeta } from './builder.js';
import { convParams, depthCheck } from './blocks.js';
import { preactBasicUnit, preactHead } from './preact-resnet.js';
import type { TemplateDef } from './types.js';

const options = z
  .object({
    depth: intOpt(10, 1000, 28),
    width: intOpt(1, 64, 10),
    dropout: numOpt(0, 0.9, 0),
    ...inputOptions({ height: 32, width: 32, channels: 3, classes: 10 }),
  })
  .superRefine((o, ctx) => depthCheck(6, 4, '16, 22, 28, 40')(o.depth, ctx));
export type WrnOptions = z.output<typeof options>;

/**
 * WRN-d-k: a 3×3 conv with 16 filters, three stages of n = (d − 4)/6 pre-activation units of
 * two 3×3 convs with 16k, 32k, 64k filters (dropout between them when set), 1×1 conv shortcuts
 * where the width or size changes, BN-ReLU, global average pooling and the classifier.
 */
function generate(o: WrnOptions): GraphDocument {
  const n = (o.depth - 4) / 6;
  const b = new TemplateBuilder(inputSpecOf(o));
  let h: NodeId = b.add('input', 'Input');
  h = b.add('stem_conv1', 'Conv2D', convParams({ filters: 16, kernel: 3 }), [h]);
  let cin = 16;
  for (let s = 1; s <= 3; s++) {
    const cout = 16 * 2 ** (s - 1) * o.width;
    h = b.block(`stage${s}`, stageLabel(s, n), () => {
      let x = h;
      for (let i = 1; i <= n; i++) {
        const tag = `s${s}b${i}`;
        const stride = s > 1 && i === 1 ? 2 : 1;
        const from = x;
        const c = cin;
        x = b.block(tag, tag, () => preactBasicUnit(b, from, tag, c, cout, stride, o.dropout));
        cin = cout;
      }
      return x;
    });
  }
  preactHead(b, h, o.classes);
  return b.build({
    name: `WRN-${o.depth}-${o.width}`,
    description: `Wide ResNet ${o.depth}-${o.width}: ${3 * n} pre-activation units with ${16 * o.width}, ${32 * o.width}, ${64 * o.width} filters${o.dropout > 0 ? `, dropout ${o.dropout} between the convs` : ''}.`,
    task: 'classification',
    template: templateMeta('wrn', o),
  });
}

export const wrnTemplate: TemplateDef<WrnOptions> = {
  id: 'wrn',
  family: 'wrn',
  label: 'Wide ResNet WRN-d-k',
  description: 'Zagoruyko & Komodakis 2016, "Wide Residual Networks": fewer, wider pre-activation units (WRN-28-10 = 36.5M params).',
  options,
  ui: {
    depth: { label: 'Depth d', help: '6n+4: 16, 22, 28, 40', min: 10, max: 1000, step: 6 },
    width: { label: 'Widening factor k', help: 'Stages have 16k, 32k, 64k filters', min: 1, max: 64, step: 1 },
    dropout: { label: 'Dropout', help: 'Between the two convs of a unit (the paper: 0.3 in some runs)', min: 0, max: 0.9, step: 0.1 },
    ...inputUi,
  },
  generate,
};
