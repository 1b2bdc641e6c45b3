import { describe, expect, it } from 'vitest';
import { appendEpoch, seriesFromStored } from './series.js';
import { emptyRun, onProgress } from './runs-store.js';
import type { RunState } from './runs-store.js';
import { progressFacts } from './progress-facts.js';

const record = (status: 'canceled' | 'running', epochs: number): NonNullable<RunState['record']> => ({
  id: 'r',
  projectId: 'p',
  versionId: 'v',
  dataset: 'synthetic',
  engine: 'wasm',
  hyperparameters: { epochs },
  status,
  createdAt: 0,
  startedAt: 0,
  finishedAt: null,
  error: null,
  label: null,
  group: null,
  live: null,
});

describe('progress facts', () => {
  it('a live run: from its latest progress event', () => {
    const r = onProgress(emptyRun('r'), { runId: 'r', epoch: 2, epochs: 4, step: 30, totalSteps: 120, stepsPerEpoch: 30, loss: 1.5, accuracy: 0.4, learningRate: 0.1, imagesPerSecond: 80, etaSeconds: 12, samples: [] });
    expect(progressFacts(r)).toMatchObject({ status: 'running', epoch: 2, epochs: 4, step: 30, fraction: 0.25, loss: 1.5, imagesPerSecond: 80, etaSeconds: 12 });
  });

  it('a stored run read back: from its curves and its recorded epochs', () => {
    let s = seriesFromStored(
      [
        { name: 'train/loss', step: 10, epoch: 1, value: 2 },
        { name: 'train/loss', step: 14, epoch: 2, value: 1.2 },
        { name: 'train/accuracy', step: 14, epoch: 2, value: 0.5 },
      ],
      [],
    );
    s = appendEpoch(s, { epoch: 1, step: 10, trainLoss: 2, trainAccuracy: 0.3, valLoss: 1.9, valAccuracy: 0.35, learningRate: 0.1, imagesPerSecond: 50 });
    const r: RunState = { ...emptyRun('r'), status: 'canceled', series: s, record: record('canceled', 2), loaded: true };
    expect(progressFacts(r)).toMatchObject({ status: 'canceled', epoch: 1, epochs: 2, step: 14, totalSteps: null, fraction: 0.5, loss: 1.2, accuracy: 0.5, etaSeconds: null });
  });

  it('a queued run has nothing yet', () => {
    expect(progressFacts(emptyRun('q'))).toMatchObject({ status: 'queued', epoch: null, step: 0, fraction: 0, loss: null });
  });
});
