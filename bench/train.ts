/**
 * Training throughput of ResNet-20 (32×32×3, 10 classes, 0.27M params) on every engine present,
 * through the real path — the Trainer, its worker thread, the engine's kernels, the dataset
 * pipeline (synthetic images, generated and normalized per batch) and SGD with momentum — against
 * PyTorch CPU (Debian's python3-torch, /usr/bin/python3, threads = cores) training the same
 * network in the same run. Each engine trains two epochs of the same few steps; the second
 * epoch's images/s is reported (the first warms up kernels and caches). Prints only; the
 * per-kernel profile behind these figures is `npm run bench:kernels`. `npm run bench` runs this.
 *
 *   node bench/run.mjs bench/train.ts [--batches 32,128] [--steps N] [--engines wasm,cpu,…]
 *
 * A software WebGPU adapter (SwiftShader) and the plain cpu engine at batch 128 take minutes per
 * step: they are left out unless named with --engines.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { ENGINE_ORDER, probeEngines } from '../src-main/services/engines/probe.js';
import type { EngineId } from '../src-main/services/engines/probe.js';
import { bundleWorker } from '../src-main/services/trainer/bundle-worker.js';
import { Trainer } from '../src-main/services/trainer/manager.js';
import { generateTemplate } from '../src-shared/templates/registry.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const batches = (arg('--batches') ?? '32,128').split(',').map(Number);
const stepsArg = arg('--steps');
const named = arg('--engines')?.split(',') as EngineId[] | undefined;
const cores = cpus().length;

const TORCH = (batchSizes: number[], steps: number) => `
import json, time, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
torch.set_num_threads(${cores})
class Block(nn.Module):
    def __init__(s, cin, cout, stride):
        super().__init__()
        s.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); s.b1 = nn.BatchNorm2d(cout)
        s.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(cout)
        s.stride, s.extra = stride, cout - cin
    def forward(s, x):
        y = s.b2(s.c2(F.relu(s.b1(s.c1(x)))))
        if s.stride > 1 or s.extra > 0:  # option A: subsample + zero channels
            x = F.pad(x[:, :, ::s.stride, ::s.stride], (0, 0, 0, 0, 0, s.extra))
        return F.relu(y + x)
class ResNet20(nn.Module):
    def __init__(s):
        super().__init__()
        s.c = nn.Conv2d(3, 16, 3, 1, 1, bias=False); s.b = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for i, cout in enumerate([16, 32, 64]):
            for j in range(3):
                layers.append(Block(cin, cout, 2 if i > 0 and j == 0 else 1)); cin = cout
        s.layers = nn.Sequential(*layers); s.fc = nn.Linear(64, 10)
    def forward(s, x):
        return s.fc(s.layers(F.relu(s.b(s.c(x)))).mean((2, 3)))
out = {"version": torch.__version__, "threads": torch.get_num_threads(), "rows": []}
for B in ${JSON.stringify(batchSizes)}:
    m = ResNet20(); m.train()
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(B, 3, 32, 32); y = torch.randint(0, 10, (B,))
    def step():
        opt.zero_grad(); loss = F.cross_entropy(m(x), y); loss.backward(); opt.step()
    for _ in range(2): step()
    t0 = time.perf_counter()
    for _ in range(${steps}): step()
    out["rows"].append({"batch": B, "imagesPerSecond": B * ${steps} / (time.perf_counter() - t0)})
print(json.dumps(out))
`;

interface TorchResult {
  version: string;
  threads: number;
  rows: { batch: number; imagesPerSecond: number }[];
}

function torch(steps: number): TorchResult | string {
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH(batches, steps)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as TorchResult;
  return `PyTorch CPU unavailable: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? ''} — on Debian: apt install python3-torch`;
}

/** Trains ResNet-20 for two epochs of `steps` steps on `engine`; the second epoch's images/s. */
async function measure(trainer: Trainer, engine: EngineId, batch: number, steps: number, epochs: Map<string, number>): Promise<{ imagesPerSecond: number; detail: string } | string> {
  const g = generateTemplate('resnet', { depth: 20 });
  if (!g.ok) throw new Error(g.error.message);
  try {
    const r = await trainer.start({
      document: g.doc,
      dataset: { kind: 'synthetic', task: 'classification', trainSize: batch * steps, testSize: 0 },
      engine,
      hyper: { optimizer: 'momentum', learningRate: 0.1, batchSize: batch, epochs: 2, seed: 1, validationFraction: 0, probeEvery: 1_000_000 },
    });
    const status = await trainer.settled(r.runId);
    const ips = epochs.get(`${r.runId}:2`);
    if (status !== 'done' || ips === undefined) return `run ${status}: ${trainer.get(r.runId).run.error ?? ''}`;
    return { imagesPerSecond: ips, detail: r.detail };
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function main(): Promise<void> {
  console.log(`ResNet-20 (32×32×3, 0.27M params) training throughput, SGD + momentum; ${cpus()[0]?.model ?? 'unknown CPU'} ×${cores}, Node ${process.version}`);
  const workerPath = await bundleWorker();
  const epochs = new Map<string, number>();
  const trainer = new Trainer({
    workerPath: () => workerPath,
    emit: (event, payload) => {
      if (event === 'epoch') {
        const e = payload as { runId: string; epoch: number; imagesPerSecond: number };
        epochs.set(`${e.runId}:${e.epoch}`, e.imagesPerSecond);
      }
    },
  });
  // PyTorch is measured before and after the engines and its better figure kept per batch: the
  // machine may be shared, and a slow PyTorch measurement would flatter the engines' ratio.
  const torchSteps = Math.max(3, Number(stepsArg ?? 10));
  const ptBefore = torch(torchSteps);
  const probe = await probeEngines();
  const rows: { engine: string; batch: number; result: { imagesPerSecond: number; detail: string } | string }[] = [];
  for (const id of ENGINE_ORDER) {
    const p = probe.engines.find((e) => e.id === id);
    if (p === undefined) continue;
    if (!p.available) {
      console.log(`${id}: not available — ${p.detail}`);
      continue;
    }
    if (named === undefined && p.software === true) {
      console.log(`${id}: skipped — ${p.detail.split(':')[0]} is a software adapter (name it in --engines to measure anyway)`);
      continue;
    }
    if (named !== undefined && !named.includes(id)) continue;
    for (const batch of batches) {
      if (named === undefined && id === 'cpu' && batch > 32) {
        console.log(`cpu, batch ${batch}: skipped (minutes per step; name it in --engines to measure)`);
        continue;
      }
      const steps = stepsArg !== undefined ? Number(stepsArg) : id === 'cpu' ? (batch >= 128 ? 2 : 3) : id === 'wasm' ? (batch >= 128 ? 4 : 8) : 20;
      const t0 = performance.now();
      const result = await measure(trainer, id, batch, steps, epochs);
      rows.push({ engine: id, batch, result });
      console.log(`  measured ${id}, batch ${batch} (${steps} steps × 2 epochs) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  const ptAfter = torch(torchSteps);
  const pt: TorchResult | string =
    typeof ptBefore === 'string' || typeof ptAfter === 'string'
      ? typeof ptAfter === 'string'
        ? ptBefore
        : ptAfter
      : { ...ptAfter, rows: ptAfter.rows.map((r) => ({ batch: r.batch, imagesPerSecond: Math.max(r.imagesPerSecond, ptBefore.rows.find((b) => b.batch === r.batch)?.imagesPerSecond ?? 0) })) };
  const peer = (batch: number) => (typeof pt === 'string' ? undefined : pt.rows.find((r) => r.batch === batch)?.imagesPerSecond);
  console.log('');
  console.log(typeof pt === 'string' ? pt : `PyTorch ${pt.version} CPU, ${pt.threads} threads (same network, random tensors in memory; the better of a run before and one after the engines):`);
  if (typeof pt !== 'string') for (const r of pt.rows) console.log(`  batch ${String(r.batch).padStart(4)}: ${r.imagesPerSecond.toFixed(1).padStart(8)} img/s`);
  console.log('');
  console.log(`${'engine'.padEnd(14)} ${'batch'.padStart(5)} ${'img/s'.padStart(9)} ${'PyTorch img/s'.padStart(14)} ${'× PyTorch CPU'.padStart(14)}`);
  for (const r of rows) {
    if (typeof r.result === 'string') {
      console.log(`${r.engine.padEnd(14)} ${String(r.batch).padStart(5)}  failed: ${r.result}`);
      continue;
    }
    const p = peer(r.batch);
    console.log(
      `${r.engine.padEnd(14)} ${String(r.batch).padStart(5)} ${r.result.imagesPerSecond.toFixed(1).padStart(9)} ${(p === undefined ? '—' : p.toFixed(1)).padStart(14)} ${(p === undefined ? '—' : `${(r.result.imagesPerSecond / p).toFixed(3)}×`).padStart(14)}`,
    );
  }
  const seen = new Set<string>();
  for (const r of rows) {
    if (typeof r.result === 'string' || seen.has(r.engine)) continue;
    seen.add(r.engine);
    console.log(`${r.engine}: ${r.result.detail}`);
  }
  await trainer.close();
}

await main();
