import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../graph/compile.js';
import type { GraphDocument } from '../graph/document.js';
import { generateTemplate } from '../templates/registry.js';
import { emitPyTorch } from './pytorch.js';
import { repeatedGraph, templateGraphs } from './test-graphs.js';
import { isBinary } from './types.js';
import { weightsOf } from './weights.js';

/**
 * The structure of the generated PyTorch (the numbers are checked against tfjs in Debian's PyTorch
 * by src-main/services/export/pytorch.test.ts): one class per distinct block, stages as
 * nn.Sequential with the repeat counts, a repeated block as an nn.ModuleList loop, state_dict keys
 * that follow the module tree, and modules within 2× the lines of hand-written references.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function template(id: string, options: Record<string, unknown>): GraphDocument {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

function source(doc: GraphDocument): { text: string; lines: number; classes: string[]; blocks: readonly { name: string; instances: number }[] } {
  const out = emitPyTorch(doc, null, { train: false });
  const file = out.files[0];
  const text = file !== undefined && !isBinary(file) ? file.content : '';
  return { text, lines: text.split('\n').length, classes: [...text.matchAll(/^class (\w+)\(nn\.Module\):/gm)].map((m) => m[1] ?? ''), blocks: out.blockClasses };
}

/** Blocks of two or more layers and no blocks inside, without the model's input or an output head: the units a person writes a class for. */
function leafBlocks(doc: GraphDocument): number {
  const parents = new Set(Object.values(doc.groups).map((g) => g.parent));
  return Object.values(doc.groups).filter((g) => {
    const members = Object.values(doc.nodes).filter((n) => n.group === g.id);
    return !parents.has(g.id) && members.length >= 2 && !members.some((n) => n.kind === 'Input' || n.kind.endsWith('Head'));
  }).length;
}

/**
 * Hand-written PyTorch references of the same networks, with their line counts (whole files, as
 * published): the generated module, with its docstring, input contract and loader, must stay within 2×.
 */
const REFERENCES = [
  { name: 'ResNet-110', id: 'resnet', options: { depth: 110 }, reference: 'akamaster/pytorch_resnet_cifar10 resnet.py', lines: 151 },
  { name: 'PreAct-164', id: 'preact-resnet', options: { depth: 164, block: 'bottleneck' }, reference: 'kuangliu/pytorch-cifar models/preact_resnet.py', lines: 118 },
  { name: 'DenseNet-BC-100', id: 'densenet-bc', options: { depth: 100, growth: 12 }, reference: 'kuangliu/pytorch-cifar models/densenet.py', lines: 109 },
  { name: 'ResNeXt-29', id: 'resnext', options: { depth: 29 }, reference: 'kuangliu/pytorch-cifar models/resnext.py', lines: 99 },
  { name: 'U-Net', id: 'unet', options: {}, reference: 'milesial/Pytorch-UNet unet/unet_model.py + unet_parts.py', lines: 38 + 78 },
] as const;

describe('PyTorch export: the network’s structure', () => {
  it.each(REFERENCES.map((r) => [r.name, r] as const))('%s: within 2× the lines of a hand-written reference', (_name, r) => {
    const s = source(template(r.id, r.options));
    expect(s.lines, `${r.reference}: ${r.lines} lines`).toBeLessThanOrEqual(2 * r.lines);
  });

  it('ResNet-110: one class per distinct block (52 identity blocks, 2 downsampling), stages as nn.Sequential with the repeat counts', () => {
    const s = source(template('resnet', { depth: 110 }));
    expect(s.blocks).toEqual([
      { name: 'ResidualBlock', instances: 52 },
      { name: 'ResidualBlockDown', instances: 2 },
    ]);
    expect(s.classes).toEqual(['ResidualBlock', 'ResidualBlockDown', 'ResNet110']);
    expect(s.text).toContain('self.stage1 = nn.Sequential(*[ResidualBlock(16) for _ in range(18)])');
    expect(s.text).toContain('self.stage2 = nn.Sequential(\n            ResidualBlockDown(16, 32, 8),\n            *[ResidualBlock(32) for _ in range(17)],\n        )');
    expect(s.text).toContain('self.stage3 = nn.Sequential(\n            ResidualBlockDown(32, 64, 16),\n            *[ResidualBlock(64) for _ in range(17)],\n        )');
    expect(s.text).toContain('    def __init__(self, channels):\n        super().__init__()\n        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)');
  });

  it('DenseNet-BC-100: 48 dense layers of one class, their input channels stepping by the growth rate; 2 transitions', () => {
    const s = source(template('densenet-bc', { depth: 100, growth: 12 }));
    expect(s.blocks).toEqual([
      { name: 'DenseLayer', instances: 48 },
      { name: 'Transition', instances: 2 },
    ]);
    expect(s.text).toContain('self.dense_block1 = nn.Sequential(*[DenseLayer(24 + 12 * i) for i in range(16)])');
    expect(s.text).toContain('self.transition1 = Transition(216, 108)');
  });

  it('U-Net: encoders, the bottom and decoders as classes; the decoders crop their skip to the upsampled map at run time', () => {
    const s = source(template('unet', {}));
    expect(s.blocks).toEqual([
      { name: 'Encoder', instances: 4 },
      { name: 'Bottom', instances: 1 },
      { name: 'Decoder', instances: 4 },
    ]);
    expect(s.text).toContain('enc1_relu2, enc1_pool = self.encoder1(input_)');
    expect(s.text).toContain('crop = center_crop(skip, up)');
    expect(s.text).not.toMatch(/\[:, :, \d+:\d+/);
  });

  it.each(templateGraphs().map((g) => [g.name, g.doc] as const))('%s: every block of layers is an instance of a class, and no two classes are the same code', (_name, doc) => {
    const s = source(doc);
    expect(s.blocks.reduce((n, b) => n + b.instances, 0)).toBe(leafBlocks(doc));
    // a class's code without its name: two classes never print the same
    const bodies = s.classes.map((c) => {
      const at = s.text.indexOf(`class ${c}(nn.Module):`);
      const end = s.text.indexOf('\nclass ', at + 1);
      return s.text.slice(at, end === -1 ? undefined : end).replace(/^class \w+\(nn\.Module\):\n\s+""".*"""/, '');
    });
    expect(new Set(bodies).size).toBe(bodies.length);
  });

  it('a block repeated ×N is an nn.ModuleList of N copies run in a loop', () => {
    const s = source(repeatedGraph());
    expect(s.text).toContain('self.stage_1 = nn.ModuleList([Stage1Block() for _ in range(3)])');
    expect(s.text).toContain('self.stage_2 = nn.ModuleList([Stage2Block() for _ in range(2)])');
    expect(s.text).toMatch(/for block in self\.stage_1:\n\s+stage_1 = block\(stage_1\)/);
  });

  it('state_dict keys follow the module tree and are the same on every export', () => {
    const doc = template('resnet', { depth: 8, width: 4, inputHeight: 8, inputWidth: 8, classes: 3 });
    const compiled = compileGraph(tf, doc);
    try {
      const w = weightsOf(compiled.model);
      const a = [...emitPyTorch(doc, w).stateDict.keys()];
      const b = [...emitPyTorch(doc, w).stateDict.keys()];
      expect(a).toEqual(b);
      expect(a.slice(0, 6)).toEqual(['stem_conv1.weight', 'stem_bn1.weight', 'stem_bn1.bias', 'stem_bn1.running_mean', 'stem_bn1.running_var', 'stem_bn1.num_batches_tracked']);
      expect(a).toContain('stage1.0.conv1.weight');
      expect(a).toContain('stage2.0.bn2.running_var');
      expect(a[a.length - 1]).toBe('head.bias');
    } finally {
      compiled.model.dispose();
    }
  });
});
