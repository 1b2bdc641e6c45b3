import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEvent, StatusEvent } from '../../../src-shared/api/services/training.js';
import { Store } from '../store/store.js';
import { INTERRUPTED, ownerAlive, Trainer } from './manager.js';
import type { TrainerOptions } from './manager.js';
import { tempDir, tinyNet, useBundledWorker } from './testing.js';

/** The run queue with real workers (wasm, tiny graphs on synthetic data) and a real store. */

type Ev = { event: string; payload: unknown };

function recorder() {
  const events: Ev[] = [];
  const waiters: { pred: (e: Ev) => boolean; resolve: () => void }[] = [];
  const emit: TrainerOptions['emit'] = (event, payload) => {
    const e = { event, payload };
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.pred(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const statuses = (): (StatusEvent & { at: number })[] =>
    events.flatMap((e, at) => (e.event === 'status' ? [{ ...(e.payload as StatusEvent), at }] : []));
  const until = (runId: string, status: string): Promise<void> => {
    if (statuses().some((s) => s.runId === runId && s.status === status)) return Promise.resolve();
    return new Promise((resolve) => waiters.push({ pred: (e) => e.event === 'status' && (e.payload as StatusEvent).runId === runId && (e.payload as StatusEvent).status === status, resolve }));
  };
  return { events, emit, statuses, until };
}

const data = { kind: 'synthetic', task: 'classification', trainSize: 64, testSize: 32 } as const;
const hyper = { epochs: 1, batchSize: 16, seed: 2, optimizer: 'adam', learningRate: 0.01 } as const;
let cleanup: () => void = () => undefined;
let dir = '';

beforeAll(async () => {
  await useBundledWorker();
  ({ dir, cleanup } = tempDir('queue'));
}, 60_000);
afterAll(() => cleanup());

/** The pid of a process that has exited (no process has it now, as far as a test can tell). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('the run queue', () => {
  it('trains queued runs one at a time in the order they were queued; a canceled queued run never starts', async () => {
    const store = Store.open(`${dir}/a`);
    const project = store.createProject('queue', tinyNet());
    const rec = recorder();
    const t = new Trainer({ store: () => store, emit: rec.emit, progressMs: 0, owner: 'test:a' });
    const ids: string[] = [];
    for (const label of ['first', 'second', 'third']) {
      const r = await t.enqueue({ projectId: project.id, document: tinyNet({ residual: label === 'second' }), dataset: data, engine: 'wasm', hyper, label, group: 'g-1' });
      ids.push(r.runId);
    }
    const [a, b, c] = ids as [string, string, string];
    const q = t.queue(project.id);
    expect(q.map((r) => [r.id, r.status])).toEqual([
      [a, 'running'],
      [b, 'queued'],
      [c, 'queued'],
    ]);
    expect(q.map((r) => r.label)).toEqual(['first', 'second', 'third']);
    t.cancel(b);
    expect(store.getRun(b).status).toBe('canceled');
    await rec.until(c, 'done');
    await new Promise((r) => setImmediate(r)); // the queue is told once the worker is gone
    const st = rec.statuses();
    const at = (id: string, s: string) => st.find((x) => x.runId === id && x.status === s)?.at ?? -1;
    expect(at(a, 'done')).toBeGreaterThan(0);
    expect(at(c, 'running')).toBeGreaterThan(at(a, 'done'));
    expect(st.filter((x) => x.runId === b).map((x) => x.status)).toEqual(['queued', 'canceled']);
    expect(store.listRunsByGroup('g-1').map((r) => [r.label, r.status, r.engine])).toEqual([
      ['first', 'done', 'wasm'],
      ['second', 'canceled', 'wasm'],
      ['third', 'done', 'wasm'],
    ]);
    // Queue events: the running run and the queued ones, ending empty.
    const queues = rec.events.filter((e) => e.event === 'queue').map((e) => e.payload as QueueEvent);
    expect(queues.some((e) => e.running === a && e.queued.join() === [b, c].join())).toBe(true);
    expect(queues[queues.length - 1]).toEqual({ running: null, queued: [] });
    expect(t.queue()).toEqual([]);
    await t.close();
    store.close();
  }, 90_000);

  it('keeps sample predictions with the run: 16 test examples whose labels agree with the confusion matrix', async () => {
    const store = Store.open(`${dir}/s`);
    const project = store.createProject('samples', tinyNet());
    const rec = recorder();
    const t = new Trainer({ store: () => store, emit: rec.emit, progressMs: 0 });
    const r = await t.start({ projectId: project.id, document: tinyNet({ residual: true }), dataset: { ...data, trainSize: 256 }, engine: 'wasm', hyper: { ...hyper, epochs: 2 } });
    expect(await t.settled(r.runId)).toBe('done');
    const ev = rec.events.find((e) => e.event === 'evaluation')?.payload as { samples: { index: number; trueLabel: number; predictedLabel: number; confidence: number; image: { width: number; height: number; channels: number; data: string } }[]; confusion: number[][] };
    expect(ev.samples).toHaveLength(16);
    expect(ev.samples.map((s) => s.index)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const s of ev.samples) {
      expect(s.image).toMatchObject({ width: 8, height: 8, channels: 3 });
      expect(Buffer.from(s.image.data, 'base64')).toHaveLength(8 * 8 * 3);
      expect(s.confidence).toBeGreaterThanOrEqual(0.25 - 1e-6); // at least 1/classes
      expect(s.confidence).toBeLessThanOrEqual(1);
      expect(ev.confusion[s.trueLabel]?.[s.predictedLabel]).toBeGreaterThan(0);
    }
    // Kept with the run: a later read (from the store) gives the same samples.
    expect(t.get(r.runId).evaluation?.samples).toEqual(ev.samples);
    await t.close();
    store.close();
  }, 90_000);

  it('at start, marks runs left running or paused by a dead process interrupted (epochs and checkpoints kept) and trains the queue', async () => {
    const store = Store.open(`${dir}/b`);
    const project = store.createProject('restart', tinyNet());
    const v = store.versionFor(project.id, tinyNet(), 'v');
    const mk = (status: 'running' | 'paused', owner: string | null) =>
      store.createRun({ projectId: project.id, versionId: v.id, dataset: 'synthetic', engine: 'wasm', hyperparameters: {}, status, owner });
    const dead = mk('running', `${hostname()}:${deadPid()}`);
    store.saveCheckpoint(dead.id, 1, new Uint8Array([1, 2, 3]));
    store.addMetrics(dead.id, [{ name: 'epoch/train_loss', step: 4, epoch: 1, value: 1.2 }]);
    const legacy = mk('paused', null);
    const alive = mk('running', `${hostname()}:${process.pid}`);
    expect(ownerAlive(`${hostname()}:${process.pid}`)).toBe(true);

    // A CLI-like process queues without training.
    const cli = new Trainer({ store: () => store, emit: () => undefined, runQueue: false, owner: 'test:cli' });
    const queued = await cli.enqueue({ projectId: project.id, document: tinyNet(), dataset: data, engine: 'wasm', hyper, label: 'after restart' });
    await new Promise((r) => setTimeout(r, 200));
    expect(store.getRun(queued.runId).status).toBe('queued');

    const rec = recorder();
    const t = new Trainer({ store: () => store, emit: rec.emit, progressMs: 0, owner: 'test:new' });
    expect(t.recover().sort()).toEqual([dead.id, legacy.id].sort());
    for (const id of [dead.id, legacy.id]) expect(store.getRun(id)).toMatchObject({ status: 'failed', error: INTERRUPTED });
    expect(store.getRun(alive.id).status).toBe('running');
    expect(store.listCheckpoints(dead.id).map((c) => c.epoch)).toEqual([1]);
    expect(store.readMetrics(dead.id).points).toHaveLength(1);
    await rec.until(queued.runId, 'done');
    expect(store.getRun(queued.runId)).toMatchObject({ status: 'done', label: 'after restart', error: null });
    await t.close();
    store.close();
  }, 90_000);

  it('a host picks up runs another process queued on the same store (skipwire train --queue)', async () => {
    const store = Store.open(`${dir}/p`);
    const project = store.createProject('poll', tinyNet());
    const rec = recorder();
    const host = new Trainer({ store: () => store, emit: rec.emit, progressMs: 0, owner: 'test:host', queuePollMs: 100 });
    expect(host.recover()).toEqual([]);
    const cli = new Trainer({ store: () => store, emit: () => undefined, runQueue: false, owner: 'test:cli' });
    const r = await cli.enqueue({ projectId: project.id, document: tinyNet(), dataset: data, engine: 'wasm', hyper });
    await rec.until(r.runId, 'done');
    expect(store.getRun(r.runId).status).toBe('done');
    await host.close();
    store.close();
  }, 60_000);

  it('a store that cannot open at start: the queue tries again, recovering first', async () => {
    const store = Store.open(`${dir}/late`);
    const project = store.createProject('late', tinyNet());
    const v = store.versionFor(project.id, tinyNet(), 'v');
    const left = store.createRun({ projectId: project.id, versionId: v.id, dataset: 'synthetic', engine: 'wasm', hyperparameters: {}, status: 'running', owner: null });
    const cli = new Trainer({ store: () => store, emit: () => undefined, runQueue: false, owner: 'test:cli' });
    const queued = await cli.enqueue({ projectId: project.id, document: tinyNet(), dataset: data, engine: 'wasm', hyper });
    let failing = 3;
    const notices: string[] = [];
    const rec = recorder();
    const t = new Trainer({
      store: () => {
        if (failing-- > 0) throw new Error(`cannot open the project store at ${dir}/late: database is locked`);
        return store;
      },
      emit: rec.emit,
      notice: (_level, m) => notices.push(m),
      owner: 'test:late',
      queuePollMs: 50,
    });
    expect(t.recover()).toEqual([]);
    await rec.until(queued.runId, 'done');
    expect(notices).toEqual([]); // the projects service tells that the store cannot open
    expect(store.getRun(left.id)).toMatchObject({ status: 'failed', error: INTERRUPTED });
    await t.close();
    store.close();
  }, 60_000);

  it('close() stops every worker: the running run ends interrupted (epochs kept), queued runs stay queued for the next start', async () => {
    const store = Store.open(`${dir}/c`);
    const project = store.createProject('close', tinyNet());
    const workers: Worker[] = [];
    const exited: number[] = [];
    const rec = recorder();
    const t = new Trainer({
      store: () => store,
      emit: rec.emit,
      progressMs: 0,
      onWorker: (_id, w) => {
        workers.push(w);
        w.on('exit', () => exited.push(w.threadId));
      },
    });
    const long = await t.enqueue({ projectId: project.id, document: tinyNet({ residual: true }), dataset: { ...data, trainSize: 4096 }, engine: 'wasm', hyper: { ...hyper, epochs: 50 } });
    const waiting = await t.enqueue({ projectId: project.id, document: tinyNet(), dataset: data, engine: 'wasm', hyper });
    await rec.until(long.runId, 'running');
    await t.close();
    expect(workers).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(exited).toEqual(workers.map((w) => w.threadId));
    expect(store.getRun(long.runId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted: Skipwire stopped while this run was training/) });
    expect(store.getRun(waiting.runId).status).toBe('queued');
    await expect(t.enqueue({ projectId: project.id, document: tinyNet(), dataset: data, hyper })).rejects.toThrow(/shutting down/);
    store.close();
  }, 90_000);
});
