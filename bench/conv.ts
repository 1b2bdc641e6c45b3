/**
 * One 3x3 convolution, 32x32x64 -> 64, batch 32 (the body of a ResNet stage): forward, filter
 * gradient and input gradient, on tfjs wasm (with the project's kernels) and tfjs cpu, against
 * PyTorch CPU measured in the same run on the same machine. Prints milliseconds, GFLOPS and the
 * ratio to PyTorch; asserts nothing.
 *
 *   node bench/run.mjs bench/conv.ts [--reps N] [--no-cpu]
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { originalKernel, registerProjectKernels, restoreKernel } from '../src-main/services/engines/kernels/index.js';
import { selectEngine } from '../src-main/services/engines/select.js';

const N = 32;
const H = 32;
const W = 32;
const C = 64;
const K = 3;
const FLOP = 2 * N * H * W * C * C * K * K; // per pass (each of the three has the same count)
const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 0) || 7;
const withCpu = !args.includes('--no-cpu');

type Op = 'forward' | 'filter grad' | 'input grad';
const OPS: Op[] = ['forward', 'filter grad', 'input grad'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median wall time of `f` (both backends here compute synchronously inside the call). */
function time(f: () => tf.Tensor, n: number): number {
  f().dispose(); // warm-up: operator creation, caches
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const y = f();
    ts.push(performance.now() - t0);
    y.dispose();
  }
  return median(ts);
}

function measure(n: number): Record<Op, number> {
  const x = tf.randomNormal([N, H, W, C], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([K, K, C, C], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([N, H, W, C], 0, 1, 'float32', 3) as tf.Tensor4D;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const out = {
    forward: time(() => tf.conv2d(x, w, 1, 'same'), n),
    'filter grad': time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [K, K, C, C] } as unknown as tf.NamedAttrMap) as tf.Tensor, n),
    'input grad': time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [N, H, W, C] } as unknown as tf.NamedAttrMap) as tf.Tensor, n),
  };
  tf.dispose([x, w, dy]);
  return out;
}

const TORCH = `
import json, os, time
import torch
torch.manual_seed(0)
N, H, W, C, K, reps = ${N}, ${H}, ${W}, ${C}, ${K}, ${reps}
x = torch.randn(N, C, H, W)
w = torch.randn(C, C, K, K) * 0.1
dy = torch.randn(N, C, H, W)
def run(f):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort(); return ts[len(ts) // 2]
conv_bw = torch.ops.aten.convolution_backward
def bw(mask):
    return lambda: conv_bw(dy, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask)
default = torch.get_num_threads()
rows = []
for threads in sorted({1, os.cpu_count() or 1}):
    torch.set_num_threads(threads)
    with torch.no_grad():
        rows.append({"threads": threads, "ms": {"forward": run(lambda: torch.nn.functional.conv2d(x, w, padding=1)),
                     "filter grad": run(bw([False, True, False])),
                     "input grad": run(bw([True, False, False]))}})
print(json.dumps({"version": torch.__version__, "defaultThreads": default, "rows": rows}))
`;

interface TorchResult {
  version: string;
  defaultThreads: number;
  rows: { threads: number; ms: Record<Op, number> }[];
}

/** PyTorch CPU in the same run: the first python3 that imports torch (Debian's python3-torch lives in /usr/bin/python3). */
function torch(): TorchResult | string {
  const tried: string[] = [];
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', TORCH], { encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as TorchResult;
    tried.push(`${py}: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? ''}`);
  }
  return `PyTorch unavailable (${tried.join('; ')}) — on Debian: apt install python3-torch`;
}

const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const gflops = (ms: number | undefined) => (ms === undefined ? '—' : (FLOP / (ms * 1e6)).toFixed(1));

async function main(): Promise<void> {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}`;
  console.log(`conv 3x3, ${H}x${W}x${C} -> ${C}, batch ${N}: ${(FLOP / 1e9).toFixed(2)} GFLOP per pass; median of ${reps}; ${machine}`);

  const wasm = await selectEngine('wasm');
  const rows: Record<string, Record<Op, number>> = { 'tfjs wasm + project kernels': measure(reps) };
  // The shipped wasm input gradient, for comparison (its filter gradient does not exist).
  if (originalKernel('Conv2DBackpropInput', 'wasm') !== undefined) {
    restoreKernel('Conv2DBackpropInput', 'wasm');
    const x = tf.randomNormal([N, H, W, C]) as tf.Tensor4D;
    const dy = tf.randomNormal([N, H, W, C]) as tf.Tensor4D;
    const w = tf.randomNormal([K, K, C, C]) as tf.Tensor4D;
    const shipped = time(
      () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [N, H, W, C] }) as tf.Tensor,
      Math.min(reps, 3),
    );
    tf.dispose([x, dy, w]);
    registerProjectKernels('wasm');
    console.log(`(tfjs's own wasm Conv2DBackpropInput: ${fmt(shipped)} ms; tfjs ships no wasm Conv2DBackpropFilter)`);
  }
  console.log(`wasm engine: ${wasm.detail}`);
  if (withCpu) {
    await selectEngine('cpu');
    rows['tfjs cpu'] = measure(1);
  }
  const pt = torch();
  // The peer: PyTorch's best time per pass over 1 thread and all threads (on this 2-vCPU machine
  // the second thread helps some passes and hurts others).
  const peer =
    typeof pt === 'string'
      ? undefined
      : { ms: Object.fromEntries(OPS.map((o) => [o, Math.min(...pt.rows.map((r) => r.ms[o]))])) as Record<Op, number> };
  const header = ['engine', ...OPS.map((o) => `${o} ms`), 'GFLOPS fwd/filter/input', '× PyTorch best speed (fwd/filter/input)'];
  const lines: string[][] = [];
  const add = (name: string, r: Record<Op, number>) =>
    lines.push([
      name,
      ...OPS.map((o) => fmt(r[o])),
      OPS.map((o) => gflops(r[o])).join(' / '),
      peer === undefined ? '—' : OPS.map((o) => (peer.ms[o] / r[o]).toFixed(2)).join(' / '),
    ]);
  for (const [name, r] of Object.entries(rows)) add(name, r);
  if (typeof pt === 'string') console.log(pt);
  else for (const r of pt.rows) add(`PyTorch ${pt.version} CPU, ${r.threads} thread${r.threads === 1 ? '' : 's'}${r.threads === pt.defaultThreads ? ' (its default here)' : ''}`, r.ms);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(row(header));
  for (const l of lines) console.log(row(l));
}

await main();
// The threaded wasm build's pthread workers would keep the process alive.
process.exit(0);
