import { describe, expect, it } from 'vitest';
import type { TrainingRun } from '../../src-shared/api/services/training.js';
import { experimentsFromRuns, mergeExperiments } from './experiments-store.js';

const run = (id: string, createdAt: number, group: string | null, label: string | null): TrainingRun => ({
  id,
  projectId: 'p1',
  versionId: 'v1',
  dataset: 'synthetic',
  engine: 'wasm',
  hyperparameters: {},
  status: 'queued',
  createdAt,
  startedAt: null,
  finishedAt: null,
  error: null,
  label,
  group,
  live: null,
});

describe('experiments found in the store', () => {
  it('groups a project’s runs by group id, in the order they were queued, named after the preset', () => {
    const found = experimentsFromRuns('p1', [run('b', 2, 'degradation:x', 'plain-56'), run('lone', 0, null, null), run('a', 1, 'degradation:x', 'plain-20')], { degradation: 'Degradation' });
    expect(found).toEqual([{ group: 'degradation:x', preset: 'degradation', title: 'Degradation', projectId: 'p1', runs: [{ runId: 'a', label: 'plain-20' }, { runId: 'b', label: 'plain-56' }], startedAt: 1 }]);
  });

  it('merges with the ones this browser remembers, one per group, newest first', () => {
    const e = (group: string, startedAt: number) => ({ group, preset: 'p', title: 't', projectId: 'p1', runs: [], startedAt });
    expect(mergeExperiments([e('g1', 5), e('g2', 1)], [e('g1', 4), e('g3', 3)]).map((x) => [x.group, x.startedAt])).toEqual([
      ['g1', 5],
      ['g3', 3],
      ['g2', 1],
    ]);
  });
});
