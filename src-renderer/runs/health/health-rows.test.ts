import { describe, expect, it } from 'vitest';
import type { ProbeSnapshot } from '../overlay/probe-model.js';
import { activationRows, formatTrend, residualRows, sortRows } from './health-rows.js';

const snap = (step: number, ratios: Record<string, number | null>, dead: Record<string, number | null>, withPorts = false): ProbeSnapshot => ({
  step,
  epoch: 1,
  nodes: new Map(),
  residuals: new Map(Object.entries(ratios).map(([id, ratio]) => [id, { ratio, shortcut: withPorts ? `${id}_x` : null, branch: withPorts ? `${id}_f` : null }])),
  activations: new Map(Object.entries(dead)),
});

describe('health rows', () => {
  const history = [
    snap(0, { add1: 0.5, add2: 1, add2__r2: 3 }, { relu1: 0 }, true),
    snap(20, { add1: 0.4, add2: 1, add2__r2: 2 }, { relu1: 0.1 }),
    snap(40, { add1: 0.2, add2: null, add2__r2: 1 }, { relu1: 0.3, relu2: null }),
  ];
  it('give the latest value per node (copies averaged), its trend, its history and the ports a live probe told', () => {
    const rows = residualRows(history);
    const add1 = rows.find((r) => r.nodeId === 'add1');
    expect(add1?.value).toBe(0.2);
    expect(add1?.trend).toBeCloseTo(-0.3);
    expect(add1?.history).toEqual([0.5, 0.4, 0.2]);
    expect([add1?.shortcut, add1?.branch]).toEqual(['add1_x', 'add1_f']);
    const add2 = rows.find((r) => r.nodeId === 'add2');
    expect(add2?.copies).toBe(2);
    expect(add2?.value).toBe(1);
    expect(add2?.history).toEqual([2, 1.5, 1]);
    const relus = activationRows(history);
    expect(relus.map((r) => [r.nodeId, r.value])).toEqual([
      ['relu1', 0.3],
      ['relu2', null],
    ]);
    expect(residualRows([])).toEqual([]);
  });

  it('sort by a column, missing values last in both directions', () => {
    const rows = activationRows(history);
    const rank = (id: string): number => ['relu2', 'relu1'].indexOf(id);
    const label = (id: string): string => id.toUpperCase();
    expect(sortRows(rows, { key: 'value', descending: true }, rank, label).map((r) => r.nodeId)).toEqual(['relu1', 'relu2']);
    expect(sortRows(rows, { key: 'value', descending: false }, rank, label).map((r) => r.nodeId)).toEqual(['relu1', 'relu2']);
    expect(sortRows(rows, { key: 'order', descending: false }, rank, label).map((r) => r.nodeId)).toEqual(['relu2', 'relu1']);
    expect(sortRows(rows, { key: 'name', descending: true }, rank, label).map((r) => r.nodeId)).toEqual(['relu2', 'relu1']);
    const res = residualRows(history);
    expect(sortRows(res, { key: 'trend', descending: false }, rank, label).map((r) => r.nodeId)).toEqual(['add2', 'add1']);
  });

  it('format trends with an arrow', () => {
    expect(formatTrend(0.05, true)).toBe('↑ 5%');
    expect(formatTrend(-0.123, false)).toBe('↓ 0.123');
    expect(formatTrend(0, false)).toBe('–');
    expect(formatTrend(null, true)).toBe('–');
  });
});
