import type { ResolvedHyperparameters } from '../../../src-shared/api/services/training.js';

/**
 * The learning rate for global step `step` (0-based: the step about to run), from the base rate,
 * the linear warm-up and the schedule. Pure, so the UI's preview and the worker agree.
 *
 * - warm-up: over the first round(warmupEpochs · stepsPerEpoch) steps the rate rises linearly,
 *   base·(step + 1)/warmupSteps, reaching the base rate at the last warm-up step;
 * - step: × factor for every milestone m ≤ the number of finished epochs (so "÷10 at epoch 100"
 *   trains epochs 101… at a tenth);
 * - cosine: base → minLearningRate along half a cosine over the steps after the warm-up, ending at
 *   the minimum on the run's last step.
 */
export function learningRateAt(
  h: Pick<ResolvedHyperparameters, 'learningRate' | 'schedule' | 'warmupEpochs' | 'epochs'>,
  stepsPerEpoch: number,
  step: number,
): number {
  const base = h.learningRate;
  const spe = Math.max(1, stepsPerEpoch);
  const warmup = Math.round(h.warmupEpochs * spe);
  if (step < warmup) return (base * (step + 1)) / warmup;
  const s = h.schedule;
  switch (s.kind) {
    case 'constant':
      return base;
    case 'step': {
      const finished = Math.floor(step / spe);
      let lr = base;
      for (const m of s.milestones) if (finished >= m) lr *= s.factor;
      return lr;
    }
    case 'cosine': {
      const total = h.epochs * spe;
      const span = Math.max(1, total - warmup - 1);
      const t = Math.min(1, Math.max(0, (step - warmup) / span));
      return s.minLearningRate + ((base - s.minLearningRate) * (1 + Math.cos(Math.PI * t))) / 2;
    }
  }
}
