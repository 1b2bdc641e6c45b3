import { describe, expect, it } from 'vitest';
import { shapeOf } from '../graph/infer.js';
import { generated, kinds } from './test-helpers.js';
import { unetSizeProblem } from './unet.js';

describe('U-Net', () => {
  it('the paper\'s network: 572×572 in, 388×388 out, valid convs, crops on the four long skips', () => {
    const g = generated('unet');
    expect(g.problems).toEqual([]);
    expect(shapeOf(g.analysis, 'head')).toEqual([388, 388, 2]);
    expect(kinds(g.doc, 'Crop')).toHaveLength(4);
    expect(shapeOf(g.analysis, 'enc1_relu2')).toEqual([568, 568, 64]);
    expect(shapeOf(g.analysis, 'dec1_crop')).toEqual([392, 392, 64]);
    expect(shapeOf(g.analysis, 'dec1_cat')).toEqual([392, 392, 128]);
    expect((g.params / 1e6).toFixed(1)).toBe('31.0');
    const crop = Object.values(g.doc.edges).filter((e) => e.target === 'dec2_crop').sort((a, b) => a.targetPort - b.targetPort);
    expect(crop.map((e) => e.source)).toEqual(['enc2_relu2', 'dec2_up']);
  });

  it('same padding keeps the size and needs no crops; batch norm optional', () => {
    const g = generated('unet', { padding: 'same', inputHeight: 128, inputWidth: 96, depth: 3, width: 16, batchNorm: true, classes: 1 });
    expect(g.problems).toEqual([]);
    expect(kinds(g.doc, 'Crop')).toEqual([]);
    expect(shapeOf(g.analysis, 'head')).toEqual([128, 96, 1]);
    expect(kinds(g.doc, 'BatchNorm')).toHaveLength(14);
  });

  it('refuses input sizes that do not fit, saying why', () => {
    expect(unetSizeProblem(572, 4, 'valid')).toBeNull();
    expect(unetSizeProblem(570, 4, 'valid')).toMatch(/odd/);
    expect(unetSizeProblem(100, 4, 'same')).toMatch(/not divisible by 2\^4 = 16/);
    expect(() => generated('unet', { inputHeight: 256 })).toThrow(/inputHeight|height 256/);
  });
});
