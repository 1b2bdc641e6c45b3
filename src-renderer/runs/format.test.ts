import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, formatRate, formatValue, hyperLine, isActive } from './format.js';

describe('run formatting', () => {
  it('durations, percentages, values and rates read as a person writes them; missing values as —', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatPercent(0.8123)).toBe('81.2%');
    expect(formatPercent(null)).toBe('—');
    expect(formatValue(2.302585)).toBe('2.303');
    expect(formatValue(0.0001234)).toBe('1.23e-4');
    expect(formatValue(0)).toBe('0');
    expect(formatRate(65.4)).toBe('65.4 img/s');
    expect(formatRate(2.61)).toBe('2.61 img/s');
    expect(formatRate(952.2)).toBe('952 img/s');
  });

  it('queued, running and paused runs can still change; ended ones cannot', () => {
    expect(['queued', 'running', 'paused'].every((s) => isActive(s as 'queued'))).toBe(true);
    expect(['done', 'failed', 'canceled'].some((s) => isActive(s as 'done'))).toBe(false);
  });

  it('a run’s recorded hyperparameters in one line, skipping what it did not record', () => {
    expect(hyperLine({ optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 3, seed: 1, dataset: { kind: 'synthetic' } })).toBe('adam · lr 0.001 · batch 32 · 3 epochs · seed 1');
    expect(hyperLine({ limit: 500 })).toBe('limit 500');
    expect(hyperLine({})).toBe('');
  });
});
