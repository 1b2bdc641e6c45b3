import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC, nodeMetric } from '../../../src-shared/api/services/training.js';
import type { EpochEvent, EvaluationEvent, ProbeEvent, ProgressEvent, StatusEvent } from '../../../src-shared/api/services/training.js';
import { Store } from '../store/store.js';
import { decodeCheckpoint } from './checkpoint.js';
import { Trainer } from './manager.js';
import type { TrainerOptions, TrainingEvents } from './manager.js';
import { tempDir, tinyNet, tinySegNet, useBundledWorker } from './testing.js';

/**
 * The Trainer with real workers on the wasm engine: tiny graphs on synthetic data (8×8×3, 4 classes),
 * so each run takes a second or two.
 */

type Ev = { [K in keyof TrainingEvents]: { event: K; payload: TrainingEvents[K] } }[keyof TrainingEvents];

function recorder() {
  const events: Ev[] = [];
  const waiters: { pred: (e: Ev) => boolean; resolve: (e: Ev) => void }[] = [];
  const emit: TrainerOptions['emit'] = (event, payload) => {
    const e = { event, payload } as Ev;
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.pred(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  };
  const next = (pred: (e: Ev) => boolean): Promise<Ev> => new Promise((resolve) => waiters.push({ pred, resolve }));
  const of = <K extends Ev['event']>(runId: string, k: K) =>
    events.filter((e): e is Extract<Ev, { event: K }> => e.event === k && 'runId' in e.payload && e.payload.runId === runId).map((e) => e.payload as TrainingEvents[K]);
  return { events, emit, next, of };
}

const data = (trainSize = 256) => ({ kind: 'synthetic', task: 'classification', trainSize, testSize: 64 }) as const;
let cleanup: () => void = () => undefined;
let dir = '';

beforeAll(async () => {
  await useBundledWorker();
  ({ dir, cleanup } = tempDir('trainer'));
}, 60_000);
afterAll(() => cleanup());

describe('Trainer (worker threads, wasm)', () => {
  it('trains a tiny residual conv net on synthetic shapes to well above chance, streaming every event', async () => {
    const rec = recorder();
    const t = new Trainer({ emit: rec.emit, progressMs: 0 });
    const reply = await t.start({ document: tinyNet({ residual: true }), dataset: data(512), engine: 'wasm', hyper: { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 5, probeEvery: 5 } });
    expect(reply).toMatchObject({ engine: 'wasm', persisted: false, versionId: null });
    expect(reply.detail).toMatch(/SIMD|project kernels/);
    expect(await t.settled(reply.runId)).toBe('done');
    const id = reply.runId;

    const progress = rec.of(id, 'progress') as ProgressEvent[];
    const steps = progress.flatMap((p) => p.samples.map((s) => s.step));
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1)); // every batch, once
    const epochs = rec.of(id, 'epoch') as EpochEvent[];
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]?.step).toBe(steps.length);
    for (const e of epochs) {
      expect(e.imagesPerSecond).toBeGreaterThan(0);
      expect(e.valAccuracy).not.toBeNull();
    }
    expect(epochs[2]?.etaSeconds).toBeLessThan(epochs[0]?.etaSeconds ?? 0);
    expect(epochs[2]?.trainLoss).toBeLessThan(epochs[0]?.trainLoss ?? 0);

    const ev = rec.of(id, 'evaluation')[0] as EvaluationEvent;
    expect(ev.split).toBe('test');
    expect(ev.accuracy).toBeGreaterThan(0.5); // chance: 0.25
    expect(ev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(64);
    ev.perClassAccuracy.forEach((a, k) => {
      const row = ev.confusion[k] ?? [];
      expect(a).toBeCloseTo((row[k] ?? 0) / row.reduce((x, y) => x + y, 0), 9);
    });

    // probes: present, finite, sane
    const probes = rec.of(id, 'probe') as ProbeEvent[];
    expect(probes[0]?.step).toBe(1);
    expect(probes.map((p) => p.step).slice(1, 3)).toEqual([5, 10]);
    const p = probes[probes.length - 1] as ProbeEvent;
    expect(p.nodes.map((n) => n.nodeId).sort()).toEqual(['block_bn1', 'block_bn2', 'block_conv1', 'block_conv2', 'head', 'stem_bn', 'stem_conv']);
    for (const n of p.nodes) {
      expect(n.gradNorm).toBeGreaterThan(0);
      expect(Number.isFinite(n.gradNorm)).toBe(true);
      expect(n.weightNorm).toBeGreaterThan(0);
    }
    expect(p.residuals).toEqual([{ nodeId: 'block_add', shortcut: 'stem_relu', branch: 'block_bn2', ratio: expect.any(Number) }]);
    expect(p.residuals[0]?.ratio).toBeGreaterThan(0);
    expect(p.activations.map((a) => a.nodeId)).toEqual(['stem_relu', 'block_relu1', 'block_relu']);
    for (const a of p.activations) {
      expect(a.deadFraction).toBeGreaterThanOrEqual(0);
      expect(a.deadFraction).toBeLessThanOrEqual(1);
    }

    const statuses = rec.of(id, 'status') as StatusEvent[];
    expect(statuses.map((s) => s.status)).toEqual(['running', 'done']);
    expect(statuses[0]?.engine).toBe('wasm');
    const got = t.get(id);
    expect(got.run).toMatchObject({ status: 'done', engine: 'wasm', projectId: null, live: null });
    expect(got.epochs).toHaveLength(3);
    expect(got.evaluation?.accuracy).toBe(ev.accuracy);
    expect(t.list().map((r) => r.id)).toContain(id);
  }, 60_000);

  it('segmentation: per-pixel classes (softmax) and a one-class mask (sigmoid), evaluated with IoU', async () => {
    const rec = recorder();
    const t = new Trainer({ emit: rec.emit });
    for (const classes of [4, 1]) {
      const r = await t.start({
        document: tinySegNet(classes),
        dataset: { kind: 'synthetic', task: 'segmentation', trainSize: 192, testSize: 32 },
        engine: 'wasm',
        hyper: { epochs: 3, batchSize: 16, optimizer: 'adam', learningRate: 0.01, seed: 1 },
      });
      expect(await t.settled(r.runId), t.get(r.runId).run.error ?? '').toBe('done');
      const e = rec.of(r.runId, 'evaluation')[0] as EvaluationEvent;
      const k = classes === 1 ? 2 : classes;
      expect(e.task).toBe('segmentation');
      expect(e.confusion).toHaveLength(k);
      expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(32 * 8 * 8); // pixels
      expect(e.iou).toHaveLength(k);
      const present = (e.iou ?? []).filter((x): x is number => x !== null);
      expect(e.meanIou).toBeCloseTo(present.reduce((a, b) => a + b, 0) / present.length, 9);
      // IoU of class c = TP / (TP + FN + FP), from the matrix
      const c0 = e.confusion.map((row) => row[0] ?? 0);
      const tp = e.confusion[0]?.[0] ?? 0;
      expect(e.iou?.[0]).toBeCloseTo(tp / ((e.confusion[0] ?? []).reduce((a, b) => a + b, 0) + c0.reduce((a, b) => a + b, 0) - tp), 9);
      expect(e.accuracy).toBeGreaterThan(0.6);
    }
  }, 60_000);

  it('same seed and engine → the same first-epoch loss; another seed → another', async () => {
    const rec = recorder();
    const t = new Trainer({ emit: rec.emit });
    const first = async (seed: number) => {
      const r = await t.start({ document: tinyNet({ residual: true }), dataset: data(128), engine: 'wasm', hyper: { epochs: 1, batchSize: 16, seed, validationFraction: 0 } });
      await t.settled(r.runId);
      return (rec.of(r.runId, 'epoch')[0] as EpochEvent).trainLoss;
    };
    const a = await first(11);
    const b = await first(11);
    const c = await first(12);
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  }, 60_000);

  it('a loss that becomes NaN/Infinity stops the run, naming the step', async () => {
    const rec = recorder();
    const t = new Trainer({ emit: rec.emit });
    const r = await t.start({ document: tinyNet({ overflow: 13 }), dataset: data(128), engine: 'wasm', hyper: { epochs: 2, batchSize: 16, seed: 1 } });
    expect(await t.settled(r.runId)).toBe('failed');
    const s = (rec.of(r.runId, 'status') as StatusEvent[]).pop();
    expect(s?.error).toMatch(/^the loss became (NaN|[+-]Infinity) \(a non-finite network output or loss\) at step 1 \(epoch 1, batch 1 of 7\) with learning rate 0\.1: training stopped — lower the learning rate .* — no epoch had finished$/);
    expect(rec.of(r.runId, 'epoch')).toEqual([]);
  }, 30_000);

  it('pause, resume and cancel between batches; cancel keeps the finished epochs', async () => {
    const rec = recorder();
    const t = new Trainer({ emit: rec.emit, progressMs: 0 });
    const r = await t.start({ document: tinyNet({ residual: true, size: 16 }), dataset: data(1024), engine: 'wasm', hyper: { epochs: 5, batchSize: 8, seed: 2 } });
    const id = r.runId;
    await rec.next((e) => e.event === 'progress' && e.payload.runId === id);
    t.pause(id);
    await rec.next((e) => e.event === 'status' && e.payload.status === 'paused');
    expect(t.get(id).run.status).toBe('paused');
    const before = rec.of(id, 'progress').length;
    await new Promise((res) => setTimeout(res, 500));
    expect(rec.of(id, 'progress').length).toBe(before); // nothing moves while paused
    t.resume(id);
    await rec.next((e) => e.event === 'status' && e.payload.status === 'running');
    await rec.next((e) => e.event === 'epoch' && e.payload.runId === id);
    t.cancel(id);
    expect(await t.settled(id)).toBe('canceled');
    const last = (rec.of(id, 'status') as StatusEvent[]).pop();
    expect(last?.status).toBe('canceled');
    expect(last?.error).toBeUndefined();
    const got = t.get(id);
    expect(got.epochs.length).toBeGreaterThanOrEqual(1);
    expect(got.epochs.length).toBeLessThan(5);
    expect(got.checkpoints.map((c) => c.epoch)).toEqual(got.epochs.map((e) => e.epoch));
    expect(rec.of(id, 'evaluation')).toEqual([]);
    expect(() => t.pause(id)).toThrow(/not training in this process \(it is canceled\)/);
  }, 60_000);

  it('a worker that dies is reported, the finished epochs and checkpoint stay in the store, the run resumes from it, and the app trains on', async () => {
    const store = Store.open(dir);
    const project = store.createProject('crash test', tinyNet({ residual: true }));
    const rec = recorder();
    const workers = new Map<string, Worker>();
    const t = new Trainer({ emit: rec.emit, store: () => store, onWorker: (id, w) => workers.set(id, w), flushMs: 50 });
    const hyper = { epochs: 3, batchSize: 16, seed: 4, probeEvery: 4 };
    const r = await t.start({ projectId: project.id, document: tinyNet({ residual: true }), dataset: data(256), engine: 'wasm', hyper });
    expect(r.persisted).toBe(true);
    expect(store.getRun(r.runId)).toMatchObject({ status: 'running', engine: 'wasm', versionId: r.versionId, dataset: 'synthetic' });
    await rec.next((e) => e.event === 'epoch' && e.payload.runId === r.runId);
    // the checkpoint message follows the epoch's
    for (let i = 0; i < 500 && store.listCheckpoints(r.runId).length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    await workers.get(r.runId)?.terminate(); // the worker is gone, as if it crashed
    expect(await t.settled(r.runId)).toBe('failed');
    const failed = store.getRun(r.runId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^the training worker stopped unexpectedly \(exit code 1\) — kept: epochs 1–1 and the checkpoint of epoch 1$/);
    expect(store.listCheckpoints(r.runId).map((c) => c.epoch)).toEqual([1]);
    const ck = decodeCheckpoint(store.readCheckpoint(r.runId, 1));
    expect(ck.epoch).toBe(1);
    expect(ck.weights.length).toBeGreaterThan(10);
    const m = store.readMetrics(r.runId, { names: [METRIC.trainLoss, METRIC.valAccuracy, nodeMetric('grad_norm', 'stem_conv'), nodeMetric('residual_ratio', 'block_add'), nodeMetric('dead_relu', 'block_relu')] }).points;
    expect(m.filter((p) => p.name === METRIC.trainLoss).map((p) => p.epoch)).toEqual([1]);
    expect(m.filter((p) => p.name === nodeMetric('grad_norm', 'stem_conv')).length).toBeGreaterThan(0);
    expect(m.filter((p) => p.name === nodeMetric('residual_ratio', 'block_add')).every((p) => p.value !== null && p.value > 0)).toBe(true);

    // Resume from the checkpoint: epochs 2 and 3, then the evaluation, in the same run.
    const again = await t.resumeRun(r.runId);
    expect(again.runId).toBe(r.runId);
    expect(await t.settled(r.runId)).toBe('done');
    const done = t.get(r.runId);
    expect(done.run).toMatchObject({ status: 'done', error: null });
    expect(done.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(done.epochs[1]?.step).toBe(2 * (done.epochs[0]?.step ?? 0));
    expect(done.checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(done.evaluation?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(64);
    await expect(t.resumeRun(r.runId)).rejects.toThrow(/trained 3 epochs already: ask for more/);
    expect(t.list(project.id).map((x) => x.status)).toEqual(['done']);

    // The app keeps running: another run starts and finishes.
    const next = await t.start({ document: tinyNet(), dataset: data(64), engine: 'wasm', hyper: { epochs: 1, batchSize: 16, seed: 1 } });
    expect(await t.settled(next.runId)).toBe('done');
    store.close();
  }, 90_000);

  it('an engine that is not there is refused at start, with why; nothing is recorded', async () => {
    const rec = recorder();
    const t = new Trainer({ emit: rec.emit });
    await expect(t.start({ document: tinyNet(), dataset: data(64), engine: 'tfjs-node-gpu', hyper: { epochs: 1 } })).rejects.toThrow(/is not available: .* — fix:/);
    expect(rec.events).toEqual([]);
    expect(t.list()).toEqual([]);
  }, 30_000);
});
