import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import { generateTemplate } from '../../../src-shared/templates/registry.js';
import { TemplateBuilder } from '../../../src-shared/templates/builder.js';
import { deadFraction, groupNorm, nodeOfLayer, probePlan, residualRatio } from './probes.js';
import { tinyNet, useCpuBackend } from './testing.js';

beforeAll(async () => {
  await useCpuBackend(tf);
});

function template(id: string, options: Record<string, unknown>) {
  const g = generateTemplate(id, options);
  if (!g.ok) throw new Error(g.error.message);
  return inferShapes(g.doc);
}

describe('which merges are residual, and which input is the shortcut', () => {
  it('an identity block: x is the block input, F the end of the branch (either port order)', () => {
    const plan = probePlan(inferShapes(tinyNet({ residual: true })));
    expect(plan.residuals).toEqual([{ nodeId: 'block_add', shortcut: 'stem_relu', branch: 'block_bn2' }]);
    expect(plan.relus).toEqual(['stem_relu', 'block_relu1', 'block_relu']);
  });

  it('ResNet-20 option A: the shortcut through its zero-pad node is still x (it sits one step from the block input)', () => {
    const plan = probePlan(template('resnet', { depth: 20 }));
    expect(plan.residuals).toHaveLength(9);
    const down = plan.residuals.find((r) => r.nodeId === 's2b1_add');
    expect(down).toEqual({ nodeId: 's2b1_add', shortcut: 's2b1_pad', branch: 's2b1_bn2' });
    expect(plan.relus).toHaveLength(19);
    expect(probePlan(template('plain', { depth: 20 })).residuals).toEqual([]);
  });

  it("Gate: port 0 is x, whatever the depths", () => {
    const plan = probePlan(template('resnet', { depth: 20, shortcut: 'gate' }));
    expect(plan.residuals).toHaveLength(9);
    for (const r of plan.residuals) expect(r.branch).toMatch(/bn2$/);
  });

  it('a merge of two equally deep inputs: the higher port is x (Add(F, x))', () => {
    const b = new TemplateBuilder({ height: 4, width: 4, channels: 2 });
    const i = b.add('in', 'Input');
    const p = b.add('p', 'ReLU', {}, [i]);
    const q = b.add('q', 'ReLU', {}, [i]);
    const s = b.add('sum', 'Add', {}, [p, q]);
    b.add('head', 'SegmentationHead', { classes: 2 }, [s]);
    expect(probePlan(inferShapes(b.build({ name: 't' }))).residuals).toEqual([{ nodeId: 'sum', shortcut: 'q', branch: 'p' }]);
  });
});

describe('probe statistics, checked by hand', () => {
  it('‖F‖/‖x‖ over the batch', () => {
    const f = tf.tensor([[3, 0], [0, 4]]); // ‖F‖ = 5
    const x = tf.tensor([[1, 1], [1, 1]]); // ‖x‖ = 2
    expect(residualRatio(f, x).dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(residualRatio(f, tf.zeros([2, 2])).dataSync()[0]).toBe(Infinity);
  });

  it('dead units: channels that are 0 at every example and position', () => {
    // [N=2, H=1, W=2, C=4]: channel 0 fires once, 1 never, 2 fires in the second example, 3 never
    const y = tf.tensor4d([0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0], [2, 1, 2, 4]);
    expect(deadFraction(y).dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(deadFraction(tf.tensor2d([[0, 1, 0], [0, 0, 0]])).dataSync()[0]).toBeCloseTo(2 / 3, 6);
  });

  it('a node’s norm spans all its tensors; a helper layer belongs to its node', () => {
    expect(groupNorm([tf.tensor([3]), tf.tensor([0, 4])]).dataSync()[0]).toBeCloseTo(5, 6);
    expect(groupNorm([]).dataSync()[0]).toBe(0);
    const byLayer = new Map([['conv', 'conv'], ['conv_a', 'conv-a'], ['c2', 'c2']]);
    expect(nodeOfLayer('conv', byLayer)).toBe('conv');
    expect(nodeOfLayer('conv_pad', byLayer)).toBe('conv');
    expect(nodeOfLayer('conv_a_pad', byLayer)).toBe('conv-a');
    expect(nodeOfLayer('other', byLayer)).toBeUndefined();
  });
});
