import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../graph/document.js';
import { generateTemplate } from '../templates/registry.js';
import { chainElements, emitTypeScript } from './typescript.js';

/**
 * The structure of the generated TypeScript (its numbers are checked against the app's model by
 * src-main/services/export/typescript.test.ts): a block is a function defined once, a stage of
 * blocks a loop of calls, variables camelCase, layers keeping the compiler's names.
 */

function template(id: string, options: Record<string, unknown>): GraphDocument {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

const source = (doc: GraphDocument): string => emitTypeScript(doc, { train: false }).files[0]?.content ?? '';

describe('TypeScript export: the network’s structure', () => {
  it('ResNet-110: two block functions; each stage a loop of calls whose layer-name prefixes step (s1b1_ … s1b18_)', () => {
    const src = source(template('resnet', { depth: 110 }));
    expect([...src.matchAll(/^ {2}const (\w+) = \(x: SymbolicTensor, prefix: string/gm)].map((m) => m[1])).toEqual(['residualBlock', 'residualBlockDown']);
    expect(src).toContain('for (let i = 0; i < 18; i++) stage1 = residualBlock(stage1, `s1b${1 + i}_`, 16); // [32, 32, 16]');
    expect(src).toContain("stage2 = residualBlockDown(stage2, 's2b1_', 32, 8);\n  for (let i = 0; i < 17; i++) stage2 = residualBlock(stage2, `s2b${2 + i}_`, 32); // [16, 16, 32]");
    expect(src).toContain('const conv1 = apply(tf.layers.conv2d({ name: `${prefix}conv1`, filters, kernelSize: 3,');
    // a person's names: camelCase variables; the layers keep the graph's names (weights load by name)
    expect(src).toContain("const stemConv1 = apply(tf.layers.conv2d({ name: 'stem_conv1',");
    expect(src).not.toMatch(/^\s+(?:const|let) [a-z0-9]+_\w* =/m);
    expect(src.split('\n').length).toBeLessThan(200);
  });

  it('DenseNet-BC-100: one dense-layer function called in a loop whose input channels never need saying; two transitions', () => {
    const src = source(template('densenet-bc', { depth: 100, growth: 12 }));
    expect(src).toContain('for (let i = 0; i < 16; i++) denseBlock1 = denseLayer(denseBlock1, `d1l${1 + i}_`);');
    expect(src).toContain("const transition1 = transition(denseBlock1, 't1_', 108);");
  });

  it('U-Net: encoder and decoder functions; an encoder returns its skip and its pooled map', () => {
    const src = source(template('unet', {}));
    expect(src).toContain("const [enc1Relu2, enc1Pool] = encoder(input, 'enc1_', 64);");
    expect(src).toContain("const decoder4 = decoder(bottom, enc4Relu2, 'dec4_', 512);");
  });

  it('chainElements: runs of three or more whose numbers and prefixes step evenly become loops', () => {
    const items = [1, 2, 3, 4].map((k) => ({ fn: 'block', prefix: `s2b${k}_`, args: [32] }));
    expect(chainElements([{ fn: 'down', prefix: 's2b0_', args: [16, 32] }, ...items])).toEqual([
      { fn: 'down', prefix: "'s2b0_'", args: ['16', '32'], loop: null },
      { fn: 'block', prefix: '`s2b${1 + i}_`', args: ['32'], loop: 4 },
    ]);
    expect(chainElements(items.slice(0, 2)).map((e) => e.loop)).toEqual([null, null]);
  });
});
