import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, stageLabel, templateMeta } from './builder.js';
import { classifier, convBn, convParams, depthCheck, matchShortcut } from './blocks.js';
import type { TemplateDef } from './types.js';

export const RESNEXT_FORMS = ['a', 'b', 'c'] as const;
export type ResNeXtForm = (typeof RESNEXT_FORMS)[number];

const options = z
  .object({
    depth: intOpt(11, 1000, 29),
    cardinality: intOpt(1, 256, 8),
    width: intOpt(1, 1024, 64),
    base: intOpt(1, 1024, 64),
    form: z.enum(RESNEXT_FORMS).default('c'),
    ...inputOptions({ height: 32, width: 32, channels: 3, classes: 10 }),
  })
  .superRefine((o, ctx) => depthCheck(9, 2, '11, 20, 29, 38')(o.depth, ctx));
export type ResNeXtOptions = z.output<typeof options>;

/**
 * One ResNeXt bottleneck (Xie et al. 2017, Fig. 3), in one of its three equivalent forms, with C
 * paths of width d (`D` = C·d in all):
 *   a: C explicit paths 1×1(d)-BN-ReLU-3×3(d)-BN-ReLU-1×1(out), summed (Add), then BN;
 *   b: C paths 1×1(d)-BN-ReLU-3×3(d)-BN-ReLU, concatenated, then 1×1(out)-BN;
 *   c: 1×1(D)-BN-ReLU, a grouped 3×3 (C groups)-BN-ReLU, 1×1(out)-BN.
 * They compute the same function when the weights are tied (per-path BNs are slices of form c's
 * per-channel BN); all have the same parameters. Then + shortcut (projection + BN where the shape
 * changes) and ReLU.
 */
function unit(b: TemplateBuilder, x: NodeId, tag: string, cin: number, cout: number, card: number, d: number, stride: number, form: ResNeXtForm): NodeId {
  let f: NodeId;
  if (form === 'c') {
    f = convBn(b, x, tag, 1, { filters: card * d, kernel: 1 }, true);
    f = convBn(b, f, tag, 2, { filters: card * d, kernel: 3, stride, groups: card }, true);
    f = convBn(b, f, tag, 3, { filters: cout, kernel: 1 }, false);
  } else {
    const paths: NodeId[] = [];
    for (let p = 1; p <= card; p++) {
      const ptag = `${tag}_p${p}`;
      let h = convBn(b, x, ptag, 1, { filters: d, kernel: 1 }, true);
      h = convBn(b, h, ptag, 2, { filters: d, kernel: 3, stride }, true);
      if (form === 'a') h = b.add(`${ptag}_conv3`, 'Conv2D', convParams({ filters: cout, kernel: 1 }), [h]);
      paths.push(h);
    }
    if (form === 'a') {
      const sum = paths.length > 1 ? b.add(`${tag}_sum`, 'Add', {}, paths) : (paths[0] as NodeId);
      f = b.add(`${tag}_bn3`, 'BatchNorm', {}, [sum]);
    } else {
      const cat = paths.length > 1 ? b.add(`${tag}_cat`, 'Concat', {}, paths) : (paths[0] as NodeId);
      f = b.chain(cat, `${tag}_`, ['conv3', 'Conv2D', convParams({ filters: cout, kernel: 1 })], ['bn3', 'BatchNorm']);
    }
  }
  const sc = matchShortcut(b, x, tag, cin, cout, stride, 'B');
  const add = b.add(`${tag}_add`, 'Add', {}, [f, sc]);
  return b.add(`${tag}_out`, 'ReLU', {}, [add]);
}

function generate(o: ResNeXtOptions): GraphDocument {
  const n = (o.depth - 2) / 9;
  const b = new TemplateBuilder(inputSpecOf(o));
  let h: NodeId = b.add('input', 'Input');
  h = convBn(b, h, 'stem', 1, { filters: o.base, kernel: 3 }, true);
  let cin = o.base;
  for (let s = 1; s <= 3; s++) {
    const cout = 4 * o.base * 2 ** (s - 1);
    const d = o.width * 2 ** (s - 1);
    h = b.block(`stage${s}`, stageLabel(s, n), () => {
      let x = h;
      for (let i = 1; i <= n; i++) {
        const tag = `s${s}b${i}`;
        const stride = s > 1 && i === 1 ? 2 : 1;
        const from = x;
        const c = cin;
        x = b.block(tag, tag, () => unit(b, from, tag, c, cout, o.cardinality, d, stride, o.form));
        cin = cout;
      }
      return x;
    });
  }
  classifier(b, h, o.classes);
  return b.build({
    name: `ResNeXt-${o.depth} (${o.cardinality}×${o.width}d, form ${o.form})`,
    description: `ResNeXt-${o.depth} for CIFAR: ${3 * n} bottleneck units of cardinality ${o.cardinality} and width ${o.width} per path, form (${o.form}) of Xie et al. Fig. 3.`,
    task: 'classification',
    template: templateMeta('resnext', o),
  });
}

export const resnextTemplate: TemplateDef<ResNeXtOptions> = {
  id: 'resnext',
  family: 'resnext',
  label: 'ResNeXt (CIFAR)',
  description:
    'Xie et al. 2017, "Aggregated Residual Transformations for Deep Neural Networks": bottlenecks split into C same-shaped paths (cardinality), as explicit paths + sum (a), paths + concat + 1×1 (b) or one grouped conv (c). ResNeXt-29 8×64d = 34.4M params.',
  options,
  ui: {
    depth: { label: 'Depth', help: '9n+2: 29 (3 units per stage)', min: 11, max: 1000, step: 9 },
    cardinality: { label: 'Cardinality C', help: 'Number of paths (groups of the 3×3 conv)', min: 1, max: 256, step: 1 },
    width: { label: 'Bottleneck width d', help: 'Channels per path in stage 1; doubles per stage', min: 1, max: 1024, step: 1 },
    base: { label: 'Base channels', help: 'Stem filters; stage outputs are 4·base, 8·base, 16·base (the paper: 64)', min: 1, max: 1024, step: 1 },
    form: { label: 'Form', options: { a: '(a) explicit paths + sum', b: '(b) paths + concat + 1×1', c: '(c) grouped convolution' } },
    ...inputUi,
  },
  generate,
};
