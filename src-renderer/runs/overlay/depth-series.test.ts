import { describe, expect, it } from 'vitest';
import { depthSeries, vanishingDecades } from './depth-series.js';
import type { ProbeSnapshot } from './probe-model.js';

const snap = (step: number, nodes: Record<string, number | null>): ProbeSnapshot => ({
  step,
  epoch: 1,
  nodes: new Map(Object.entries(nodes).map(([id, g]) => [id, { gradNorm: g, weightNorm: 1 }])),
  residuals: new Map(),
  activations: new Map(),
});

describe('depthSeries', () => {
  it('puts the first and the latest probe on the graph order, copies as their own points, non-positive as gaps', () => {
    const s = depthSeries([snap(0, { c2: 0.2, c1: 0.1, c1__r2: 0.15 }), snap(20, { c1: 0.01, c2: 0 }), snap(40, { c1__r2: 0.3, c2: 0.4, c1: 0.5 })], ['c1', 'c1__r2', 'c2']);
    expect(s.ids).toEqual(['c1', 'c1__r2', 'c2']);
    expect(s.first).toEqual([0.1, 0.15, 0.2]);
    expect(s.latest).toEqual([0.5, 0.3, 0.4]);
    expect([s.firstStep, s.latestStep]).toEqual([0, 40]);
  });
  it('plots only the layers asked for', () => {
    const s = depthSeries([snap(0, { c1: 0.1, bn1: 0.01, c2: 0.2 })], ['c1', 'bn1', 'c2'], (id) => !id.startsWith('bn'));
    expect(s.ids).toEqual(['c1', 'c2']);
    expect(s.first).toEqual([0.1, 0.2]);
  });
  it('is empty without probes, and has no latest line with a single probe', () => {
    expect(depthSeries([], null).ids).toEqual([]);
    const one = depthSeries([snap(0, { a: 1 })], null);
    expect(one.latestStep).toBeNull();
    expect(one.first).toEqual([1]);
  });
});

describe('vanishingDecades', () => {
  it('measures the fall from the deepest to the shallowest layers in decades', () => {
    expect(vanishingDecades([0.001, 0.001, 0.01, 0.1, 0.1, 0.1, 0.1, 0.1])).toBeCloseTo(2);
    expect(vanishingDecades([1, 1, 1, 1])).toBeCloseTo(0);
    expect(vanishingDecades([1, null, 1])).toBeNull();
  });
});
