import { describe, expect, it } from 'vitest';
import { costReport } from '../graph/cost.js';
import { inferShapes, isValid } from '../graph/infer.js';
import { addConcatOutcome, addVsConcatPreset, skipNet } from './add-vs-concat.js';
import { row } from './test-rows.js';
import { FASHION_MNIST_INPUT } from './types.js';

describe('add vs concat preset', () => {
  it('builds the same network merged by Add and by Concat; concat doubles the channels and costs more', () => {
    const add = inferShapes(skipNet(FASHION_MNIST_INPUT, 'add'));
    const cat = inferShapes(skipNet(FASHION_MNIST_INPUT, 'concat'));
    expect(isValid(add) && isValid(cat)).toBe(true);
    expect(add.nodes.get('skip_add')?.shape).toEqual([28, 28, 16]);
    expect(cat.nodes.get('skip_concat')?.shape).toEqual([28, 28, 32]);
    const a = costReport(add).totals;
    const c = costReport(cat).totals;
    // Only the conv after the merge differs: 3·3·16 more input channels × 32 filters.
    expect(c.params - a.params).toBe(3 * 3 * 16 * 32);
    expect(c.flops).toBeGreaterThan(a.flops);
    expect(addVsConcatPreset.networks(FASHION_MNIST_INPUT).map((n) => n.key)).toEqual(['add', 'concat']);
  });

  it('states size, cost and results side by side', () => {
    const s = addConcatOutcome([
      row('add', { params: 10000, flops: 2e6, trainLoss: 0.4, testErrorPercent: 12.0 }),
      row('concat', { params: 14608, flops: 3e6, trainLoss: 0.3, testErrorPercent: 11.5 }),
    ]);
    expect(s).toContain('Concat has 1.46× the parameters (14608 vs 10000) and 1.50× the FLOPs of add');
    expect(s).toContain('Concat ended with lower training loss than add (0.30 vs 0.40).');
    expect(s).toContain('within a point, no clear winner');
    const t = addConcatOutcome([row('add', { trainLoss: 0.4, testErrorPercent: 15 }), row('concat', { trainLoss: 0.41, testErrorPercent: 12 })]);
    expect(t).toContain('about the same training loss');
    expect(t).toContain('concat did better by 3.0 points');
    expect(addConcatOutcome([row('add', { params: 1, flops: 1, status: 'queued' }), row('concat', { params: 2, flops: 2, status: 'queued' })])).toContain('No comparison of training yet: add is queued and concat is queued.');
  });
});
