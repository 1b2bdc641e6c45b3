import { describe, expect, it } from 'vitest';
import { ExperimentPresetInfo, Hyperparameters } from '../api/services/training.js';
import { costReport } from '../graph/cost.js';
import { inferShapes, isValid } from '../graph/infer.js';
import { EXPERIMENT_PRESETS, findPreset } from './registry.js';
import { CIFAR10_INPUT, FASHION_MNIST_INPUT, inputFor } from './types.js';

describe('experiment presets (contract over every entry)', () => {
  it('have unique ids and unique network keys', () => {
    const ids = EXPERIMENT_PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['degradation', 'shortcut-variants', 'add-vs-concat']);
    for (const p of EXPERIMENT_PRESETS) {
      const keys = p.networks(FASHION_MNIST_INPUT).map((n) => n.key);
      expect(new Set(keys).size, p.id).toBe(keys.length);
      expect(findPreset(p.id)).toBe(p);
    }
    expect(findPreset('nope')).toBeUndefined();
  });

  it.each(EXPERIMENT_PRESETS.map((p) => [p.id, p] as const))('%s: every network validates for Fashion-MNIST and CIFAR-10 input, with its input and classes', (_id, p) => {
    for (const input of [FASHION_MNIST_INPUT, CIFAR10_INPUT]) {
      for (const n of p.networks(input)) {
        const a = inferShapes(n.document);
        expect(isValid(a), `${p.id}/${n.key}`).toBe(true);
        expect(n.document.input).toEqual({ height: input.height, width: input.width, channels: input.channels });
        expect(costReport(a).totals.params).toBeGreaterThan(0);
      }
    }
  });

  it.each(EXPERIMENT_PRESETS.map((p) => [p.id, p] as const))('%s: hyperparameters parse, texts are there, and an empty outcome says nothing has finished', (_id, p) => {
    expect(() => Hyperparameters.parse(p.hyper)).not.toThrow();
    for (const t of [p.title, p.summary, p.expected, p.datasetNote]) expect(t.length).toBeGreaterThan(10);
    expect(p.outcome([])).toMatch(/no|not yet|No/);
    const info = { id: p.id, title: p.title, summary: p.summary, expected: p.expected, networks: p.networks(FASHION_MNIST_INPUT).map((n) => ({ key: n.key, label: n.label, description: n.description, params: 1, flops: 1, reference: n.reference })), dataset: { kind: 'fashion-mnist' }, datasetNote: p.datasetNote, hyper: Hyperparameters.parse(p.hyper) };
    expect(ExperimentPresetInfo.safeParse(info).success).toBe(true);
  });

  it('builds for the dataset the user picks', () => {
    expect(inputFor({ kind: 'fashion-mnist' })).toEqual(FASHION_MNIST_INPUT);
    expect(inputFor({ kind: 'cifar10', path: '/data/cifar' })).toEqual(CIFAR10_INPUT);
    expect(inputFor({ kind: 'synthetic', task: 'classification', shape: [8, 8, 3], classes: 4 })).toEqual({ height: 8, width: 8, channels: 3, classes: 4 });
  });
});
