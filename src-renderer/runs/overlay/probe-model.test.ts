import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../src-shared/api/services/projects.js';
import { nodeMetric } from '../../../src-shared/api/services/training.js';
import type { ProbeEvent } from '../../../src-shared/api/services/training.js';
import { aggregateByNode, baseNodeId, depthOrder, isProbeMetric, mergeSnapshots, snapshotOfEvent, snapshotsOfMetrics, trendOf } from './probe-model.js';

const event = (step: number, g: number): ProbeEvent => ({
  runId: 'run1',
  epoch: 1,
  step,
  nodes: [
    { nodeId: 'conv1', gradNorm: g, weightNorm: 2 },
    { nodeId: 'b_conv', gradNorm: g / 2, weightNorm: 1 },
    { nodeId: 'b_conv__r2', gradNorm: g / 4, weightNorm: 1 },
    { nodeId: 'b_conv__r3', gradNorm: null, weightNorm: 1 },
  ],
  residuals: [{ nodeId: 'b_add', shortcut: 'relu1', branch: 'b_bn', ratio: 0.25 }],
  activations: [{ nodeId: 'b_relu', deadFraction: 0.5 }],
});

describe('snapshots', () => {
  it('read a live probe event', () => {
    const s = snapshotOfEvent(event(20, 1));
    expect(s.step).toBe(20);
    expect(s.nodes.get('b_conv__r2')).toEqual({ gradNorm: 0.25, weightNorm: 1 });
    expect(s.residuals.get('b_add')).toEqual({ ratio: 0.25, shortcut: 'relu1', branch: 'b_bn' });
    expect(s.activations.get('b_relu')).toBe(0.5);
  });

  it('read stored metrics by step, ignoring other series', () => {
    const p = (name: string, step: number, value: number | null): MetricPoint => ({ name, step, epoch: 1, value });
    const snaps = snapshotsOfMetrics([
      p(nodeMetric('grad_norm', 'conv1'), 20, 0.5),
      p('train/loss', 20, 2.3),
      p(nodeMetric('weight_norm', 'conv1'), 20, 3),
      p(nodeMetric('grad_norm', 'conv1'), 0, 0.9),
      p(nodeMetric('residual_ratio', 'b_add'), 20, 0.1),
      p(nodeMetric('dead_relu', 'b_relu'), 20, null),
      p('test/confusion/0/1', 20, 4),
    ]);
    expect(snaps.map((s) => s.step)).toEqual([0, 20]);
    expect(snaps[1]?.nodes.get('conv1')).toEqual({ gradNorm: 0.5, weightNorm: 3 });
    expect(snaps[1]?.residuals.get('b_add')).toEqual({ ratio: 0.1, shortcut: null, branch: null });
    expect(snaps[1]?.activations.get('b_relu')).toBeNull();
    expect(snaps[0]?.nodes.size).toBe(1);
    expect(isProbeMetric('train/loss')).toBe(false);
    expect(isProbeMetric('dead_relu/x')).toBe(true);
  });

  it('merge by step: a newer one replaces the stored one but keeps its shortcut and branch; the first is kept under the cap', () => {
    const stored = snapshotsOfMetrics([{ name: 'residual_ratio/b_add', step: 40, epoch: 1, value: 0.3 }]);
    const live = [snapshotOfEvent(event(40, 1))];
    const merged = mergeSnapshots(live, stored);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.residuals.get('b_add')).toEqual({ ratio: 0.3, shortcut: 'relu1', branch: 'b_bn' });
    const many = Array.from({ length: 30 }, (_, i) => snapshotOfEvent(event(i * 10, 1)));
    const capped = mergeSnapshots([], many.reverse(), 5);
    expect(capped.map((s) => s.step)).toEqual([0, 260, 270, 280, 290]);
  });
});

describe('copies of repeated blocks', () => {
  it('map back to their node', () => {
    expect(baseNodeId('b_conv__r2')).toBe('b_conv');
    expect(baseNodeId('b_conv__r12_2')).toBe('b_conv');
    expect(baseNodeId('inner__r2__r3')).toBe('inner');
    expect(baseNodeId('conv1')).toBe('conv1');
    expect(baseNodeId('x__r2', (id) => id === 'x__r2')).toBe('x__r2');
  });
  it('aggregate to the mean of the finite copies, keeping each copy', () => {
    const agg = aggregateByNode(snapshotOfEvent(event(0, 1)).nodes, (n) => n.gradNorm);
    expect(agg.get('b_conv')).toEqual({
      value: (0.5 + 0.25) / 2,
      copies: 3,
      perCopy: [
        { id: 'b_conv', value: 0.5 },
        { id: 'b_conv__r2', value: 0.25 },
        { id: 'b_conv__r3', value: null },
      ],
    });
    expect(agg.get('conv1')?.value).toBe(1);
    const none = aggregateByNode(new Map([['a__r2', null]]), (v: number | null) => v);
    expect(none.get('a')?.value).toBeNull();
  });
});

describe('depth and trend', () => {
  it('orders by the graph order, unknown ids last in their own order', () => {
    expect(depthOrder(['c', 'x', 'a', 'y', 'b'], ['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'x', 'y']);
    expect(depthOrder(['c', 'a'], null)).toEqual(['c', 'a']);
  });
  it('trend is the latest minus a few snapshots back', () => {
    expect(trendOf([0.5, 0.4, 0.3], 5)).toBeCloseTo(-0.2);
    expect(trendOf([0.5, 0.4, 0.3], 1)).toBeCloseTo(-0.1);
    expect(trendOf([0.5])).toBeNull();
    expect(trendOf([null, 0.3])).toBeNull();
  });
});
