import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, stageLabel, templateMeta } from './builder.js';
import { classifier, convBn, convParams, depthCheck, matchShortcut } from './blocks.js';
import type { TemplateDef } from './types.js';

export const SHORTCUTS = ['identity', 'scale', 'gate', 'gate-shortcut', 'conv', 'dropout'] as const;
export type ShortcutVariant = (typeof SHORTCUTS)[number];

const options = z
  .object({
    depth: intOpt(8, 1202, 20),
    width: intOpt(1, 1024, 16),
    downsample: z.enum(['A', 'B']).default('A'),
    shortcut: z.enum(SHORTCUTS).default('identity'),
    ...inputOptions({ height: 32, width: 32, channels: 3, classes: 10 }),
  })
  .superRefine((o, ctx) => depthCheck(6, 2, '20, 32, 44, 56, 110')(o.depth, ctx));
export type ResNetOptions = z.output<typeof options>;

const SHORTCUT_LABELS: Readonly<Record<ShortcutVariant, string>> = {
  identity: 'identity: h(x) = x (6.61% on ResNet-110)',
  scale: 'constant scaling: h(x) = 0.5·x (12.35%)',
  gate: 'exclusive gating: (1−g)·x + g·F (8.70%)',
  'gate-shortcut': 'shortcut-only gating: (1−g)·x + F (6.91%)',
  conv: '1×1 conv shortcut: h(x) = conv(x) (12.22%)',
  dropout: 'dropout shortcut: h(x) = dropout(x) (> 20%)',
};

/**
 * The CIFAR networks of He et al. 2015 §4.2, with or without shortcuts: a 3×3 conv with `width`
 * filters, three stages of n = (depth − 2)/6 two-layer units at width, 2·width, 4·width (the
 * first unit of stages 2 and 3 halves the size), global average pooling and the classifier.
 * ResNet units: conv-BN-ReLU-conv-BN, join with the shortcut, ReLU. Where the shape changes the
 * shortcut is option A (subsample + zero channels, no params) or B (1×1 projection + BN); the
 * shortcut variants of He et al. 2016 ("Identity Mappings", Table 1) then act on it:
 *   scale: ×0.5 (Scale) · dropout: ShortcutDropout 0.5 · gate / gate-shortcut: a Gate joins x and F
 *   instead of the Add · conv: a 1×1 conv (at the stride, to the new width) is the shortcut.
 */
export function cifarNet(o: ResNetOptions, residual: boolean, recorded: Readonly<Record<string, unknown>> = o): GraphDocument {
  const n = (o.depth - 2) / 6;
  const b = new TemplateBuilder(inputSpecOf(o));
  let h: NodeId = b.add('input', 'Input');
  h = convBn(b, h, 'stem', 1, { filters: o.width, kernel: 3 }, true);
  let cin = o.width;
  for (let s = 1; s <= 3; s++) {
    const cout = o.width * 2 ** (s - 1);
    h = b.block(`stage${s}`, stageLabel(s, n), () => {
      let x = h;
      for (let i = 1; i <= n; i++) {
        const tag = `s${s}b${i}`;
        const stride = s > 1 && i === 1 ? 2 : 1;
        const from = x;
        const c = cin;
        x = b.block(tag, tag, () => (residual ? residualUnit(b, from, tag, c, cout, stride, o) : plainUnit(b, from, tag, cout, stride)));
        cin = cout;
      }
      return x;
    });
  }
  classifier(b, h, o.classes);
  const variant = residual && o.shortcut !== 'identity' ? ` (${o.shortcut} shortcut)` : '';
  return b.build({
    name: `${residual ? 'ResNet' : 'Plain'}-${o.depth}${variant}`,
    description: residual
      ? `CIFAR ResNet-${o.depth}: ${3 * n} two-layer residual units, option-${o.downsample} shortcuts where the size changes, ${SHORTCUT_LABELS[o.shortcut]}.`
      : `Plain-${o.depth}: the ResNet-${o.depth} layers without shortcuts (the degradation experiment: deeper plain nets train worse).`,
    task: 'classification',
    template: templateMeta(residual ? 'resnet' : 'plain', recorded),
  });
}

function plainUnit(b: TemplateBuilder, x: NodeId, tag: string, cout: number, stride: number): NodeId {
  const f = convBn(b, x, tag, 1, { filters: cout, kernel: 3, stride }, true);
  return convBn(b, f, tag, 2, { filters: cout, kernel: 3 }, true);
}

function residualUnit(b: TemplateBuilder, x: NodeId, tag: string, cin: number, cout: number, stride: number, o: ResNetOptions): NodeId {
  let f = convBn(b, x, tag, 1, { filters: cout, kernel: 3, stride }, true);
  f = convBn(b, f, tag, 2, { filters: cout, kernel: 3 }, false);
  let sc: NodeId;
  if (o.shortcut === 'conv') sc = b.add(`${tag}_shortcut`, 'Conv2D', convParams({ filters: cout, kernel: 1, stride }), [x]);
  else sc = matchShortcut(b, x, tag, cin, cout, stride, o.downsample);
  if (o.shortcut === 'scale') sc = b.add(`${tag}_scale`, 'Scale', { factor: 0.5 }, [sc]);
  if (o.shortcut === 'dropout') sc = b.add(`${tag}_drop`, 'ShortcutDropout', { rate: 0.5 }, [sc]);
  const join =
    o.shortcut === 'gate' || o.shortcut === 'gate-shortcut'
      ? b.add(`${tag}_gate`, 'Gate', { mode: o.shortcut === 'gate' ? 'exclusive' : 'shortcut-only' }, [sc, f])
      : b.add(`${tag}_add`, 'Add', {}, [f, sc]);
  return b.add(`${tag}_out`, 'ReLU', {}, [join]);
}

export const resnetTemplate: TemplateDef<ResNetOptions> = {
  id: 'resnet',
  family: 'resnet',
  label: 'ResNet-N (CIFAR)',
  description:
    'He et al. 2015, "Deep Residual Learning for Image Recognition" §4.2: depth 6n+2 with option A or B shortcuts; with the shortcut variants of He et al. 2016, "Identity Mappings in Deep Residual Networks".',
  options,
  ui: {
    depth: { label: 'Depth', help: '6n+2: 20, 32, 44, 56, 110 (ResNet-20 = 0.27M params, 56 = 0.85M, 110 = 1.7M)', min: 8, max: 1202, step: 6 },
    width: { label: 'Base filters', help: 'Filters of stage 1 (the paper: 16); stages 2 and 3 double it', min: 1, max: 1024, step: 1 },
    downsample: { label: 'Shortcut where the size changes', options: { A: 'A: subsample + zero channels (no params)', B: 'B: 1×1 projection + BN' } },
    shortcut: { label: 'Shortcut', help: 'He et al. 2016, Table 1 (CIFAR-10 test error of ResNet-110)', options: SHORTCUT_LABELS },
    ...inputUi,
  },
  generate: (o) => cifarNet(o, true),
};
