import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractError } from '../../../src-shared/api/errors.js';
import type { EventFrame } from '../../../src-shared/api/protocol.js';
import { ExperimentPresetInfo, PreflightReply, PresetOutcome, StartPresetReply, StatusEvent, TrainingRun } from '../../../src-shared/api/services/training.js';
import { closeBackend, createBackend } from '../registry.js';
import { createTrainingService } from './service.js';
import { INTERRUPTED } from './manager.js';
import { tempDir, tinyNet, useBundledWorker } from './testing.js';

/** The queue, preflight and presets through the contract, as the app calls them. */

const ctx = { transport: 'in-process', clientId: 'test' } as const;
const synthetic = { kind: 'synthetic', task: 'classification', trainSize: 64, testSize: 32 } as const;
let cleanup: () => void = () => undefined;
let dir = '';

beforeAll(async () => {
  await useBundledWorker();
  ({ dir, cleanup } = tempDir('training-queue-service'));
}, 60_000);
afterAll(() => cleanup());

function statusWatcher(d: ReturnType<typeof createBackend>) {
  const seen: StatusEvent[] = [];
  const waiters: { id: string; status: string; resolve: () => void }[] = [];
  d.onEvent((f: EventFrame) => {
    if (f.service !== 'training' || f.event !== 'status') return;
    const s = StatusEvent.parse(f.payload);
    seen.push(s);
    for (const w of [...waiters]) {
      if (w.id !== s.runId || w.status !== s.status) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    seen,
    until: (id: string, status: string) =>
      seen.some((s) => s.runId === id && s.status === status) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ id, status, resolve })),
  };
}

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ContractError);

describe('training.preflight', () => {
  it('tells the engine and why, memory against free memory, graph and dataset, without starting anything', async () => {
    const d = createBackend({ mode: 'cli', modeReason: 'test', dataDir: `${dir}/pre` });
    const ok = PreflightReply.parse(await d.call('training', 'preflight', { document: tinyNet(), dataset: synthetic, engine: 'wasm', hyper: { batchSize: 8, seed: 1 } }, ctx));
    expect(ok).toMatchObject({ ok: true, refusal: null, engine: { id: 'wasm' }, graph: { inputShape: [8, 8, 3], task: 'classification', classes: 4 }, dataset: { shape: [8, 8, 3], classes: 4, trainSize: 64, testSize: 32 }, hyper: { batchSize: 8, seed: 1 } });
    expect(ok.engine?.reason).toMatch(/asked for by name/);
    expect(ok.memory?.estimatedBytes).toBeGreaterThan(0);
    expect(ok.memory?.freeBytes).toBeGreaterThan(0);
    const auto = PreflightReply.parse(await d.call('training', 'preflight', { document: tinyNet(), dataset: synthetic }, ctx));
    expect(auto.engine?.reason.length).toBeGreaterThan(5);

    // Fashion-MNIST is 28×28×1: the 8×8×3 graph does not fit it. The graph and dataset are still told.
    const mismatch = PreflightReply.parse(await d.call('training', 'preflight', { document: tinyNet(), dataset: { kind: 'fashion-mnist', path: '/usr/share/datasets/fashion-mnist' }, engine: 'wasm' }, ctx));
    expect(mismatch.ok).toBe(false);
    expect(mismatch.refusal?.kind).toBe('dataset');
    expect(mismatch.refusal?.message).toMatch(/28×28×1|28, 28, 1|28x28x1/);
    expect(mismatch.graph?.inputShape).toEqual([8, 8, 3]);
    expect(mismatch.dataset?.shape).toEqual([28, 28, 1]);

    const broken = tinyNet();
    delete broken.edges['e1'];
    const bad = PreflightReply.parse(await d.call('training', 'preflight', { document: broken, dataset: synthetic, engine: 'wasm' }, ctx));
    expect(bad).toMatchObject({ ok: false, refusal: { kind: 'graph' }, graph: null, memory: null });
    expect(bad.refusal?.message).toMatch(/cannot train/);
    const missing = PreflightReply.parse(await d.call('training', 'preflight', { document: tinyNet(), dataset: { kind: 'cifar10', path: `${dir}/no-such-folder` }, engine: 'wasm' }, ctx));
    expect(missing).toMatchObject({ ok: false, refusal: { kind: 'dataset' }, dataset: null });
    expect(missing.refusal?.message).toContain('no-such-folder');
    await closeBackend(d);
  });

  it('refuses what would not fit in memory, with the numbers', async () => {
    const { impl } = createTrainingService({ emit: () => undefined, freeMemory: () => 1000 });
    const r = await impl.preflight({ document: tinyNet(), dataset: synthetic, engine: 'wasm', hyper: { batchSize: 8 } } as never, ctx);
    expect(r.ok).toBe(false);
    expect(r.refusal?.kind).toBe('memory');
    expect(r.refusal?.message).toMatch(/not enough memory: training with batch 8 needs about .* but 1000 B is free/);
    expect(r.memory?.freeBytes).toBe(1000);
  });
});

describe('experiment presets through the contract', () => {
  it('lists the three presets with their networks, costs and reference numbers', async () => {
    const d = createBackend({ mode: 'cli', modeReason: 'test', dataDir: `${dir}/list` });
    const { presets } = (await d.call('training', 'presets', {}, ctx)) as { presets: unknown[] };
    const parsed = presets.map((p) => ExperimentPresetInfo.parse(p));
    expect(parsed.map((p) => p.id)).toEqual(['degradation', 'shortcut-variants', 'add-vs-concat']);
    const deg = parsed[0];
    expect(deg?.networks.map((n) => n.label)).toEqual(['plain-20', 'plain-56', 'ResNet-20', 'ResNet-56']);
    expect(deg?.dataset).toEqual({ kind: 'fashion-mnist' });
    expect(deg?.hyper.limit).toBe(5000);
    expect(parsed[1]?.networks.map((n) => n.reference?.text)).toEqual(['6.61%', '12.35%', '8.70%', '6.91%', '12.22%', '> 20%']);
    const [add, cat] = parsed[2]?.networks ?? [];
    expect((cat?.params ?? 0) - (add?.params ?? 0)).toBe(3 * 3 * 16 * 32);
    await closeBackend(d);
  });

  it('degradation: one project named after it, one version per network, four runs queued in one group', async () => {
    // A CLI-mode back end only queues: nothing trains here.
    const d = createBackend({ mode: 'cli', modeReason: 'test', dataDir: `${dir}/deg` });
    const reply = StartPresetReply.parse(await d.call('training', 'startPreset', { preset: 'degradation', hyper: { limit: 200, epochs: 1 } }, ctx));
    expect(reply.runs.map((r) => r.label)).toEqual(['plain-20', 'plain-56', 'ResNet-20', 'ResNet-56']);
    const listed = (await d.call('projects', 'list', {}, ctx)) as { projects: { id: string; name: string }[] };
    expect(listed.projects.find((p) => p.id === reply.projectId)?.name).toBe('Degradation: plain vs ResNet at 20 and 56 layers');
    const versions = (await d.call('projects', 'versions', { id: reply.projectId }, ctx)) as { versions: { id: string; message: string }[] };
    expect(versions.versions.map((v) => v.message).sort()).toEqual(['ResNet-20', 'ResNet-56', 'plain-20', 'plain-56']);
    expect(new Set(reply.runs.map((r) => r.versionId)).size).toBe(4);
    const queue = ((await d.call('training', 'queue', {}, ctx)) as { runs: unknown[] }).runs.map((r) => TrainingRun.parse(r));
    expect(queue.map((r) => [r.label, r.status, r.group])).toEqual(reply.runs.map((r) => [r.label, 'queued', reply.group]));
    expect(queue[0]?.hyperparameters).toMatchObject({ limit: 200, epochs: 1, batchSize: 64, optimizer: 'momentum', dataset: { spec: { kind: 'fashion-mnist' } } });
    const outcome = PresetOutcome.parse(await d.call('training', 'presetOutcome', { group: reply.group }, ctx));
    expect(outcome).toMatchObject({ preset: 'degradation', finished: false });
    expect(outcome.statement).toBe('Plain nets: no result yet — plain-56 is queued and plain-20 is queued. ResNets: no result yet — ResNet-56 is queued and ResNet-20 is queued.');
    expect(outcome.rows.map((r) => r.params)).toEqual(outcome.rows.map(() => expect.any(Number)));
    // Cancel the queue (the runs are this test's only).
    for (const r of reply.runs) await d.call('training', 'cancel', { runId: r.runId }, ctx);
    const unknown = await failure(d.call('training', 'startPreset', { preset: 'nope' }, ctx));
    expect(unknown?.message).toMatch(/no experiment preset "nope" \(known: degradation, shortcut-variants, add-vs-concat\)/);
    const noGroup = await failure(d.call('training', 'presetOutcome', { group: 'nothing' }, ctx));
    expect(noGroup?.message).toMatch(/no runs in group nothing/);
    await closeBackend(d);
  }, 60_000);

  it('add vs concat trains both networks one after the other and states the outcome', async () => {
    const d = createBackend({ mode: 'browser', modeReason: 'test', dataDir: `${dir}/avc` });
    const w = statusWatcher(d);
    const data = { kind: 'synthetic', task: 'classification', shape: [8, 8, 3], classes: 4, trainSize: 128, testSize: 32 } as const;
    const reply = StartPresetReply.parse(await d.call('training', 'startPreset', { preset: 'add-vs-concat', dataset: data, engine: 'wasm', hyper: { epochs: 1, batchSize: 16, seed: 4 } }, ctx));
    for (const r of reply.runs) await w.until(r.runId, 'done');
    const outcome = PresetOutcome.parse(await d.call('training', 'presetOutcome', { group: reply.group }, ctx));
    expect(outcome.finished).toBe(true);
    expect(outcome.rows.map((r) => [r.network, r.status, r.epochs])).toEqual([
      ['add', 'done', 1],
      ['concat', 'done', 1],
    ]);
    for (const r of outcome.rows) {
      expect(r.trainLoss).toBeGreaterThan(0);
      expect(r.testErrorPercent).toBeGreaterThanOrEqual(0);
    }
    expect(outcome.statement).toMatch(/^Concat has \d\.\d\d× the parameters \(\d+ vs \d+\) and \d\.\d\d× the FLOPs of add/);
    expect(outcome.statement).toMatch(/training loss/);
    await closeBackend(d);
  }, 90_000);
});

describe('the queue survives a restart', () => {
  it('a host that stops mid-run marks the run interrupted; the next start trains what is still queued', async () => {
    const dataDir = `${dir}/restart`;
    const d = createBackend({ mode: 'browser', modeReason: 'test', dataDir });
    const w = statusWatcher(d);
    const project = (await d.call('projects', 'create', { name: 'restart', document: tinyNet() }, ctx)) as { id: string };
    const long = (await d.call('training', 'enqueue', { projectId: project.id, document: tinyNet({ residual: true }), dataset: { ...synthetic, trainSize: 4096 }, engine: 'wasm', hyper: { epochs: 40, batchSize: 16 }, label: 'long' }, ctx)) as { runId: string; position: number };
    const next = (await d.call('training', 'enqueue', { projectId: project.id, document: tinyNet(), dataset: synthetic, engine: 'wasm', hyper: { epochs: 1, batchSize: 16 }, label: 'next' }, ctx)) as { runId: string; position: number };
    expect([long.position, next.position]).toEqual([0, 1]);
    await w.until(long.runId, 'running');
    await closeBackend(d);
    expect(w.seen.find((s) => s.runId === long.runId && s.status === 'failed')?.error).toMatch(/^interrupted: Skipwire stopped/);

    const again = createBackend({ mode: 'browser', modeReason: 'test', dataDir });
    const w2 = statusWatcher(again);
    await w2.until(next.runId, 'done');
    const runs = ((await again.call('training', 'runs', { projectId: project.id }, ctx)) as { runs: unknown[] }).runs.map((r) => TrainingRun.parse(r));
    expect(runs.map((r) => [r.label, r.status])).toEqual([
      ['long', 'failed'],
      ['next', 'done'],
    ]);
    expect(runs[0]?.error?.startsWith(INTERRUPTED)).toBe(true);
    await closeBackend(again);
  }, 90_000);
});
