import { z } from 'zod';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder, inputOptions, inputSpecOf, inputUi, intOpt, numOpt, stageLabel, templateMeta } from './builder.js';
import { classifier, convParams, depthCheck } from './blocks.js';
import type { TemplateDef } from './types.js';

const options = z
  .object({
    depth: intOpt(7, 1000, 100),
    growth: intOpt(1, 512, 12),
    compression: numOpt(0.05, 1, 0.5),
    bottleneck: z.boolean().default(true),
    ...inputOptions({ height: 32, width: 32, channels: 3, classes: 10 }),
  })
  .superRefine((o, ctx) => (o.bottleneck ? depthCheck(6, 4, '40, 100, 190, 250') : depthCheck(3, 4, '40, 100'))(o.depth, ctx));
export type DenseNetOptions = z.output<typeof options>;

/**
 * DenseNet for CIFAR (Huang et al. 2017): a 3×3 conv (2k filters for BC, else 16), three dense
 * blocks of n layers — each BN-ReLU-conv1×1(4k)-BN-ReLU-conv3×3(k) (without the 1×1 when not a
 * bottleneck), CONCATENATED to everything before it (a chain of two-input Concats: the running
 * feature map and the new k channels) — with transitions BN-ReLU-conv1×1(⌊θ·c⌋)-avgpool 2×2
 * between them, then BN-ReLU, global average pooling and the classifier.
 */
function generate(o: DenseNetOptions): GraphDocument {
  const k = o.growth;
  const n = (o.depth - 4) / (o.bottleneck ? 6 : 3);
  const b = new TemplateBuilder(inputSpecOf(o));
  let c = o.bottleneck ? 2 * k : 16;
  let h: NodeId = b.add('stem_conv1', 'Conv2D', convParams({ filters: c, kernel: 3 }), [b.add('input', 'Input')]);
  for (let j = 1; j <= 3; j++) {
    h = b.block(`dense${j}`, stageLabel(j, n, 'dense block'), () => {
      let x = h;
      for (let i = 1; i <= n; i++) {
        const tag = `d${j}l${i}`;
        const from = x;
        x = b.block(tag, tag, () => {
          const pre = b.chain(from, `${tag}_`, ['bn1', 'BatchNorm'], ['relu1', 'ReLU']);
          const fresh = o.bottleneck
            ? b.chain(pre, `${tag}_`, ['conv1', 'Conv2D', convParams({ filters: 4 * k, kernel: 1 })], ['bn2', 'BatchNorm'], ['relu2', 'ReLU'], ['conv2', 'Conv2D', convParams({ filters: k, kernel: 3 })])
            : b.add(`${tag}_conv1`, 'Conv2D', convParams({ filters: k, kernel: 3 }), [pre]);
          return b.add(`${tag}_cat`, 'Concat', {}, [from, fresh]);
        });
        c += k;
      }
      return x;
    });
    if (j < 3) {
      const out = Math.floor(o.compression * c);
      const from = h;
      h = b.block(`trans${j}`, `transition ${j}`, () =>
        b.chain(from, `t${j}_`, ['bn', 'BatchNorm'], ['relu', 'ReLU'], ['conv', 'Conv2D', convParams({ filters: out, kernel: 1 })], ['pool', 'AvgPool', { pool: 2, stride: 2 }]),
      );
      c = out;
    }
  }
  classifier(b, b.chain(h, 'final_', ['bn', 'BatchNorm'], ['relu', 'ReLU']), o.classes);
  const kind = o.bottleneck ? (o.compression < 1 ? 'DenseNet-BC' : 'DenseNet-B') : o.compression < 1 ? 'DenseNet-C' : 'DenseNet';
  return b.build({
    name: `${kind} (L=${o.depth}, k=${k})`,
    description: `${kind} with ${3 * n} densely connected layers in three blocks (growth rate ${k}, compression ${o.compression}): every layer's input is the concatenation of all earlier feature maps in its block.`,
    task: 'classification',
    template: templateMeta('densenet-bc', o),
  });
}

export const densenetTemplate: TemplateDef<DenseNetOptions> = {
  id: 'densenet-bc',
  family: 'densenet-bc',
  label: 'DenseNet-BC',
  description:
    'Huang et al. 2017, "Densely Connected Convolutional Networks": skip connections by concatenation, with bottleneck layers (B) and compressing transitions (C). L=100, k=12 = 0.8M params.',
  options,
  ui: {
    depth: { label: 'Depth L', help: 'BC: 6n+4 (100, 190, 250); without bottleneck: 3n+4 (40)', min: 7, max: 1000, step: 1 },
    growth: { label: 'Growth rate k', help: 'Channels each layer adds', min: 1, max: 512, step: 1 },
    compression: { label: 'Compression θ', help: 'Transitions keep ⌊θ·c⌋ channels (the paper: 0.5; 1 = none)', min: 0.05, max: 1, step: 0.05 },
    bottleneck: { label: 'Bottleneck (1×1 conv to 4k first)' },
    ...inputUi,
  },
  generate,
};
