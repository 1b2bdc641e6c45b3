import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractError } from '../../../src-shared/api/errors.js';
import type { EventFrame } from '../../../src-shared/api/protocol.js';
import { nodeMetric, StartReply, StatusEvent, trainingService } from '../../../src-shared/api/services/training.js';
import { createBackend } from '../registry.js';
import { tempDir, tinyNet, useBundledWorker } from './testing.js';

const ctx = { transport: 'in-process', clientId: 'test' } as const;
let cleanup: () => void = () => undefined;
let dir = '';

beforeAll(async () => {
  await useBundledWorker();
  ({ dir, cleanup } = tempDir('training-service'));
}, 60_000);
afterAll(() => cleanup());

describe('the training service, through the contract as the app calls it', () => {
  it('trains a project’s graph, saves the run against a version with its metrics, and tells every client', async () => {
    const d = createBackend({ mode: 'cli', modeReason: 'test', dataDir: dir });
    expect(d.provided()).toContain('training');
    const frames: EventFrame[] = [];
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => (done = r));
    d.onEvent((f) => {
      if (f.service !== 'training') return;
      frames.push(f);
      if (f.event === 'status' && ['done', 'failed', 'canceled'].includes(StatusEvent.parse(f.payload).status)) done();
    });
    const document = tinyNet({ residual: true });
    const project = (await d.call('projects', 'create', { name: 'service test', document }, ctx)) as { id: string };
    const reply = StartReply.parse(
      await d.call('training', 'start', { projectId: project.id, document, dataset: { kind: 'synthetic', task: 'classification', trainSize: 256, testSize: 64 }, engine: 'wasm', hyper: { epochs: 2, batchSize: 16, seed: 3, optimizer: 'adam', learningRate: 0.01, probeEvery: 4 } }, ctx),
    );
    expect(reply).toMatchObject({ engine: 'wasm', persisted: true, hyper: { epochs: 2, seed: 3, weightDecay: 0 } });
    expect(reply.memory.estimatedBytes).toBeGreaterThan(0);
    await finished;
    for (const f of frames) trainingService.events[f.event as keyof typeof trainingService.events].parse(f.payload);
    expect(new Set(frames.map((f) => f.event))).toEqual(new Set(['status', 'progress', 'probe', 'epoch', 'evaluation']));

    const runs = (await d.call('training', 'runs', { projectId: project.id }, ctx)) as { runs: { id: string; status: string; versionId: string; engine: string; hyperparameters: Record<string, unknown> }[] };
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]).toMatchObject({ id: reply.runId, status: 'done', engine: 'wasm', versionId: reply.versionId });
    expect(runs.runs[0]?.hyperparameters).toMatchObject({ optimizer: 'adam', seed: 3, engineRequested: 'wasm', dataset: { spec: { kind: 'synthetic' }, classNames: expect.any(Array) } });
    const stored = (await d.call('projects', 'runs', { id: project.id }, ctx)) as { runs: { id: string }[] };
    expect(stored.runs.map((r) => r.id)).toEqual([reply.runId]);
    const versions = (await d.call('projects', 'versions', { id: project.id }, ctx)) as { versions: { id: string; message: string }[] };
    expect(versions.versions.map((v) => v.id)).toEqual([reply.versionId]);

    const got = (await d.call('training', 'get', { runId: reply.runId }, ctx)) as {
      epochs: { epoch: number; valAccuracy: number | null }[];
      evaluation: { examples: number; confusion: number[][]; classNames: string[] } | null;
      checkpoints: { epoch: number }[];
    };
    expect(got.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(got.checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    expect(got.evaluation?.examples).toBe(64);
    expect(got.evaluation?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(64);
    expect(got.evaluation?.classNames).toHaveLength(4);

    const metrics = (await d.call('projects', 'metrics', { runId: reply.runId, names: [nodeMetric('grad_norm', 'block_conv1'), nodeMetric('dead_relu', 'stem_relu'), 'train/loss'] }, ctx)) as {
      points: { name: string; value: number | null }[];
    };
    const names = new Set(metrics.points.map((p) => p.name));
    expect(names).toEqual(new Set(['grad_norm/block_conv1', 'dead_relu/stem_relu', 'train/loss']));
    expect(metrics.points.filter((p) => p.name === 'train/loss')).toHaveLength(2 * 14);
  }, 60_000);

  it('refusals come back as bad-request with the reason', async () => {
    const d = createBackend({ mode: 'cli', modeReason: 'test', dataDir: dir });
    const call = (m: string, input: unknown) =>
      d.call('training', m, input, ctx).then(
        () => null,
        (e: unknown) => e as ContractError,
      );
    const dilated = await call('start', { document: tinyNet({ dilation: 3 }), dataset: { kind: 'synthetic', task: 'classification' }, engine: 'wasm' });
    expect(dilated?.code).toBe('bad-request');
    expect(dilated?.message).toMatch(/Conv2D "stem_conv" has dilation 3/);
    const old = await call('start', { document: tinyNet(), datasetId: 'fashion-mnist' });
    expect(old?.code).toBe('bad-request');
    const unknown = await call('pause', { runId: 'nope' });
    expect(unknown?.code).toBe('bad-request');
    expect(unknown?.message).toMatch(/run nope is not training in this process/);
    const noProject = await call('start', { projectId: 'missing', document: tinyNet(), dataset: { kind: 'synthetic', task: 'classification' }, engine: 'wasm' });
    expect(noProject?.message).toMatch(/no project with id missing/);
  });
});
