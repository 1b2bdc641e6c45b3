import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import { blockCard } from './block-card.js';

function analysed(id: string, options: Record<string, unknown> = {}) {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(id);
  return inferShapes(r.doc);
}

describe('block card', () => {
  it('reads a ResNet stage as its units, shapes in → out, cost and its add joins', () => {
    const a = analysed('resnet', { depth: 110 });
    const stage2 = blockCard(a, 'stage2');
    expect(stage2).toMatchObject({ units: 18, inShape: [32, 32, 16], outShape: [16, 16, 32], joins: ['add'], errors: 0 });
    const unit = blockCard(a, 's2b2');
    expect(unit).toMatchObject({ units: 0, inShape: [16, 16, 32], outShape: [16, 16, 32] });
    // A stage's params are the sum of its units'.
    let sum = 0;
    for (let i = 1; i <= 18; i++) sum += blockCard(a, `s2b${i}`)?.params ?? NaN;
    expect(stage2?.params).toBe(sum);
    expect(stage2?.flops).toBeGreaterThan(0);
  });

  it('names concatenation for DenseNet blocks and U-Net decoders', () => {
    expect(blockCard(analysed('densenet-bc'), 'dense1')?.joins).toEqual(['concat']);
    const u = analysed('unet');
    expect(blockCard(u, 'dec1')?.joins).toEqual(['concat']);
    expect(blockCard(u, 'enc1')?.joins).toEqual([]);
    expect(blockCard(u, 'nope')).toBeNull();
  });
});
