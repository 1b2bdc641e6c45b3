/**
 * Child process for webgpu.test.ts (bundled there; it needs its own environment, since the Vulkan
 * loader's LD_LIBRARY_PATH is read only when a process starts): trains the same tiny residual net
 * with the same seed on the webgpu engine and on the cpu engine through the Trainer and its
 * worker, and prints one JSON line: each run's status, engine detail and per-step losses.
 */
import { Trainer } from './manager.js';
import { tinyNet } from './testing.js';

const workerPath = process.argv[2] ?? '';
const losses = new Map<string, (number | null)[]>();
const trainer = new Trainer({
  workerPath: () => workerPath,
  progressMs: 0,
  emit: (event, payload) => {
    if (event !== 'progress') return;
    const p = payload as { runId: string; samples: { loss: number | null }[] };
    losses.set(p.runId, [...(losses.get(p.runId) ?? []), ...p.samples.map((s) => s.loss)]);
  },
});
const out: Record<string, unknown> = {};
for (const engine of ['webgpu', 'cpu'] as const) {
  try {
    const r = await trainer.start({
      document: tinyNet({ residual: true }),
      dataset: { kind: 'synthetic', task: 'classification', trainSize: 64, testSize: 16 },
      engine,
      hyper: { epochs: 2, batchSize: 16, seed: 7, optimizer: 'momentum', learningRate: 0.05, validationFraction: 0 },
    });
    const status = await trainer.settled(r.runId);
    out[engine] = { status, detail: r.detail, error: trainer.get(r.runId).run.error, losses: losses.get(r.runId) ?? [], checkpoints: trainer.get(r.runId).checkpoints.length };
  } catch (err) {
    out[engine] = { status: 'refused', error: err instanceof Error ? err.message : String(err) };
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
