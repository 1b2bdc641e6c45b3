/**
 * Where a training step's time goes, per kernel: ResNet-20 (32×32×3), a DenseNet-BC (L=40, k=12,
 * 32×32×3) and a U-Net (depth 3, width 16, 'same' padding, BatchNorm, 64×64×1) each train a few
 * SGD steps on the chosen engine, then one more step runs under tf.profile and the kernels are
 * printed by total time (and the heaviest kernel+shape pairs). It also prints the step time and
 * whether tensor memory stayed flat over the timed steps. Prints only.
 *
 *   node bench/run.mjs bench/kernels.ts [--engine wasm|cpu|webgpu] [--threads N] [--steps N] [--top N] [--nets resnet,densenet,unet]
 */
import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { selectEngine } from '../src-main/services/engines/select.js';
import type { EngineId } from '../src-main/services/engines/probe.js';
import { compileGraph } from '../src-shared/graph/compile.js';
import type { GraphDocument } from '../src-shared/graph/document.js';
import type { Tf } from '../src-shared/layers/types.js';
import { generateTemplate } from '../src-shared/templates/registry.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const engine = (arg('--engine') ?? 'wasm') as EngineId;
const threads = arg('--threads') === undefined ? undefined : Number(arg('--threads'));
const steps = Number(arg('--steps') ?? 3);
const top = Number(arg('--top') ?? 12);
const nets = (arg('--nets') ?? 'resnet,densenet,unet').split(',');

interface Net {
  readonly id: string;
  readonly label: string;
  readonly template: string;
  readonly options: Record<string, unknown>;
  readonly batch: number;
}

const NETS: readonly Net[] = [
  { id: 'resnet', label: 'ResNet-20, 32×32×3', template: 'resnet', options: { depth: 20 }, batch: 32 },
  { id: 'densenet', label: 'DenseNet-BC L=40 k=12, 32×32×3', template: 'densenet-bc', options: { depth: 40, growth: 12 }, batch: 16 },
  {
    id: 'unet',
    label: 'U-Net depth 3 width 16 (same padding, BatchNorm), 64×64×1',
    template: 'unet',
    options: { depth: 3, width: 16, padding: 'same', batchNorm: true, inputHeight: 64, inputWidth: 64, inputChannels: 1, classes: 2 },
    batch: 4,
  },
];

function documentOf(net: Net): GraphDocument {
  const g = generateTemplate(net.template, net.options);
  if (!g.ok) throw new Error(`${net.id}: ${g.error.message}`);
  return g.doc;
}

const ms = (v: number) => v.toFixed(1).padStart(8);

async function profileNet(net: Net): Promise<void> {
  const { model } = compileGraph(tf as unknown as Tf, documentOf(net));
  const inShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
  const outShape = (model.outputs[0]?.shape ?? []).slice(1) as number[];
  const x = tf.randomNormal([net.batch, ...inShape]);
  const target = tf.randomUniform([net.batch, ...outShape]);
  const opt = tf.train.momentum(0.01, 0.9);
  const step = () => {
    const loss = opt.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))), true);
    loss?.dataSync();
    loss?.dispose();
  };
  step(); // builds optimizer slots and warms kernels
  step();
  const before = tf.memory();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const after = tf.memory();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const info = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, { ms: number; n: number }>();
  const byShape = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    // tfjs reports fused ops twice (the op wrapper and its kernel); count kernels only.
    if (k.name.endsWith('__op')) continue;
    const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    for (const [map, key] of [
      [byKernel, k.name],
      [byShape, `${k.name} ${JSON.stringify(k.inputShapes)}`],
    ] as const) {
      const a = map.get(key) ?? { ms: 0, n: 0 };
      a.ms += t;
      a.n++;
      map.set(key, a);
    }
  }
  const total = [...byKernel.values()].reduce((s, a) => s + a.ms, 0);
  console.log('');
  console.log(`${net.label}, batch ${net.batch}: step ${median.toFixed(0)} ms (median of ${steps}) = ${((net.batch * 1000) / median).toFixed(1)} img/s; kernels ${total.toFixed(0)} ms in the profiled step`);
  console.log(
    `  tensor memory over the timed steps: ${before.numTensors} -> ${after.numTensors} tensors, ${before.numBytes} -> ${after.numBytes} bytes${after.numTensors === before.numTensors && after.numBytes === before.numBytes ? ' (flat)' : ' (GROWING)'}`,
  );
  console.log(`  ${'kernel'.padEnd(34)} ${'ms'.padStart(8)} ${'calls'.padStart(6)} ${'share'.padStart(6)}`);
  for (const [name, a] of [...byKernel.entries()].sort((p, q) => q[1].ms - p[1].ms).slice(0, top)) {
    console.log(`  ${name.padEnd(34)} ${ms(a.ms)} ${String(a.n).padStart(6)} ${`${((100 * a.ms) / total).toFixed(1)}%`.padStart(6)}`);
  }
  console.log('  heaviest kernel + input shapes:');
  for (const [key, a] of [...byShape.entries()].sort((p, q) => q[1].ms - p[1].ms).slice(0, Math.ceil(top / 2))) {
    console.log(`  ${key.padEnd(70)} ${ms(a.ms)} ${String(a.n).padStart(6)}`);
  }
  tf.dispose([x, target]);
  opt.dispose();
  model.dispose();
}

async function main(): Promise<void> {
  const selected = await selectEngine(engine, threads === undefined ? {} : { wasmThreads: threads });
  console.log(`Per-kernel training profile on ${engine}: ${selected.detail}; ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}`);
  for (const net of NETS.filter((n) => nets.includes(n.id))) await profileNet(net);
}

await main();
// The threaded wasm build's pthread workers would keep the process alive.
process.exit(0);
