import { describe, expect, it } from 'vitest';
import { resolveHyperparameters } from '../../../src-shared/api/services/training.js';
import { learningRateAt } from './schedule.js';

const spe = 10;

describe('learning-rate schedules', () => {
  it('constant', () => {
    const h = resolveHyperparameters({ learningRate: 0.1 }, 1);
    expect([0, 5, 99].map((s) => learningRateAt(h, spe, s))).toEqual([0.1, 0.1, 0.1]);
  });

  it('step: ÷10 once each milestone epoch has finished', () => {
    const h = resolveHyperparameters({ learningRate: 0.1, epochs: 6, schedule: { kind: 'step', milestones: [2, 4] } }, 1);
    const at = (epochIndex: number) => learningRateAt(h, spe, epochIndex * spe);
    expect(at(0)).toBeCloseTo(0.1);
    expect(learningRateAt(h, spe, 19)).toBeCloseTo(0.1); // last step of epoch 2
    expect(at(2)).toBeCloseTo(0.01);
    expect(at(3)).toBeCloseTo(0.01);
    expect(at(4)).toBeCloseTo(0.001);
    expect(at(5)).toBeCloseTo(0.001);
  });

  it('cosine: from the base rate to the minimum on the last step, half way at the middle', () => {
    const h = resolveHyperparameters({ learningRate: 0.2, epochs: 2, schedule: { kind: 'cosine', minLearningRate: 0.02 } }, 1);
    expect(learningRateAt(h, spe, 0)).toBeCloseTo(0.2);
    expect(learningRateAt(h, spe, 19)).toBeCloseTo(0.02);
    expect(learningRateAt(h, spe, 9.5)).toBeCloseTo(0.11);
    for (let s = 1; s < 20; s++) expect(learningRateAt(h, spe, s)).toBeLessThan(learningRateAt(h, spe, s - 1));
  });

  it('linear warm-up reaches the base rate at its last step, then the schedule takes over', () => {
    const h = resolveHyperparameters({ learningRate: 0.1, epochs: 4, warmupEpochs: 0.5, schedule: { kind: 'cosine' } }, 1);
    expect(learningRateAt(h, spe, 0)).toBeCloseTo(0.02);
    expect(learningRateAt(h, spe, 4)).toBeCloseTo(0.1);
    expect(learningRateAt(h, spe, 5)).toBeCloseTo(0.1);
    expect(learningRateAt(h, spe, 39)).toBeCloseTo(0);
  });
});
