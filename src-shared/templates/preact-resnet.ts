import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, stageLabel, templateMeta } from './builder.js';
import { classifier, convParams, depthCheck, matchShortcut } from './blocks.js';
import type { TemplateDef } from './types.js';

const options = z
  .object({
    depth: intOpt(11, 2000, 164),
    block: z.enum(['bottleneck', 'basic']).default('bottleneck'),
    width: intOpt(1, 1024, 16),
    ...inputOptions({ height: 32, width: 32, channels: 3, classes: 10 }),
  })
  .superRefine((o, ctx) => (o.block === 'basic' ? depthCheck(6, 2, '20, 56, 110') : depthCheck(9, 2, '164, 1001'))(o.depth, ctx));
export type PreactResNetOptions = z.output<typeof options>;

/**
 * A full pre-activation unit (He et al. 2016): BN-ReLU-conv3×3 [-Dropout] -BN-ReLU-conv3×3, added
 * to the shortcut with nothing after the sum. Where the shape changes the shortcut is a 1×1 conv
 * (at the stride) of the pre-activated input, as in the authors' and WRN's code. Returns the Add.
 */
export function preactBasicUnit(b: TemplateBuilder, x: NodeId, tag: string, cin: number, cout: number, stride: number, dropout = 0): NodeId {
  const pre = b.chain(x, `${tag}_`, ['bn1', 'BatchNorm'], ['relu1', 'ReLU']);
  let f = b.add(`${tag}_conv1`, 'Conv2D', convParams({ filters: cout, kernel: 3, stride }), [pre]);
  if (dropout > 0) f = b.add(`${tag}_drop`, 'Dropout', { rate: dropout }, [f]);
  f = b.chain(f, `${tag}_`, ['bn2', 'BatchNorm'], ['relu2', 'ReLU'], ['conv2', 'Conv2D', convParams({ filters: cout, kernel: 3 })]);
  const sc = matchShortcut(b, cin === cout && stride === 1 ? x : pre, tag, cin, cout, stride, 'conv');
  return b.add(`${tag}_add`, 'Add', {}, [f, sc]);
}

/** The pre-activation bottleneck: BN-ReLU-conv1×1(w) -BN-ReLU-conv3×3(w, stride) -BN-ReLU-conv1×1(4w), + shortcut. */
function preactBottleneckUnit(b: TemplateBuilder, x: NodeId, tag: string, cin: number, w: number, stride: number): NodeId {
  const cout = 4 * w;
  const pre = b.chain(x, `${tag}_`, ['bn1', 'BatchNorm'], ['relu1', 'ReLU']);
  const f = b.chain(
    pre,
    `${tag}_`,
    ['conv1', 'Conv2D', convParams({ filters: w, kernel: 1 })],
    ['bn2', 'BatchNorm'],
    ['relu2', 'ReLU'],
    ['conv2', 'Conv2D', convParams({ filters: w, kernel: 3, stride })],
    ['bn3', 'BatchNorm'],
    ['relu3', 'ReLU'],
    ['conv3', 'Conv2D', convParams({ filters: cout, kernel: 1 })],
  );
  const sc = matchShortcut(b, cin === cout && stride === 1 ? x : pre, tag, cin, cout, stride, 'conv');
  return b.add(`${tag}_add`, 'Add', {}, [f, sc]);
}

/** Final BN-ReLU of a pre-activation net, then the classifier. */
export function preactHead(b: TemplateBuilder, h: NodeId, classes: number): NodeId {
  return classifier(b, b.chain(h, 'final_', ['bn', 'BatchNorm'], ['relu', 'ReLU']), classes);
}

function generate(o: PreactResNetOptions): GraphDocument {
  const bottleneck = o.block === 'bottleneck';
  const n = (o.depth - 2) / (bottleneck ? 9 : 6);
  const b = new TemplateBuilder(inputSpecOf(o));
  let h: NodeId = b.add('input', 'Input');
  h = b.add('stem_conv1', 'Conv2D', convParams({ filters: o.width, kernel: 3 }), [h]);
  let cin = o.width;
  for (let s = 1; s <= 3; s++) {
    const w = o.width * 2 ** (s - 1);
    const cout = bottleneck ? 4 * w : w;
    h = b.block(`stage${s}`, stageLabel(s, n), () => {
      let x = h;
      for (let i = 1; i <= n; i++) {
        const tag = `s${s}b${i}`;
        const stride = s > 1 && i === 1 ? 2 : 1;
        const from = x;
        const c = cin;
        x = b.block(tag, tag, () => (bottleneck ? preactBottleneckUnit(b, from, tag, c, w, stride) : preactBasicUnit(b, from, tag, c, cout, stride)));
        cin = cout;
      }
      return x;
    });
  }
  preactHead(b, h, o.classes);
  return b.build({
    name: `Pre-act ResNet-${o.depth}${bottleneck ? ' (bottleneck)' : ''}`,
    description: `Pre-activation ResNet-${o.depth}: ${3 * n} ${bottleneck ? 'bottleneck' : 'two-layer'} units of BN-ReLU-conv with identity shortcuts (1×1 projections where the shape changes) and nothing after the addition.`,
    task: 'classification',
    template: templateMeta('preact-resnet', o),
  });
}

export const preactResnetTemplate: TemplateDef<PreactResNetOptions> = {
  id: 'preact-resnet',
  family: 'preact-resnet',
  label: 'Pre-activation ResNet',
  description:
    'He et al. 2016, "Identity Mappings in Deep Residual Networks": BN and ReLU move before each conv, so the shortcut path is a clean identity. ResNet-110 (basic, 1.7M params) and ResNet-164 (bottleneck, 1.7M).',
  options,
  ui: {
    depth: { label: 'Depth', help: 'basic: 6n+2 (110); bottleneck: 9n+2 (164, 1001)', min: 11, max: 2000, step: 1 },
    block: { label: 'Unit', options: { bottleneck: 'bottleneck: 1×1, 3×3, 1×1 (×4 out)', basic: 'basic: two 3×3' } },
    width: { label: 'Base filters', help: 'Bottleneck width of stage 1 (the paper: 16)', min: 1, max: 1024, step: 1 },
    ...inputUi,
  },
  generate,
};
