import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireLayer } from '../layers/registry.js';
import type { TfSymbolic } from '../layers/types.js';
import { costReport, formatBytes, formatCount, nodeCost, trainingMemory } from './cost.js';
import { inferShapes, revalidate, type ShapeAnalysis } from './infer.js';
import { updateNode } from './ops.js';
import { buildGraph, cifarResNet } from './sample-graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Builds a whole analysed graph into a tfjs model, node by node in topological order, through each kind's `build`. */
function buildModel(a: ShapeAnalysis): { model: tf.LayersModel; outputs: Map<string, TfSymbolic> } {
  const outputs = new Map<string, TfSymbolic>();
  for (const id of a.order) {
    const info = a.nodes.get(id);
    if (!info?.def?.build || !info.params) throw new Error(`cannot build ${id}`);
    const inputs = info.inputs.map((i) => outputs.get(i.sourceId) as TfSymbolic);
    outputs.set(id, info.def.build(tf, info.params, id, inputs, { input: a.doc.input }));
  }
  const ins = a.order.filter((id) => a.nodes.get(id)?.def?.kind === 'Input').map((id) => outputs.get(id) as TfSymbolic);
  const outs = a.order.filter((id) => a.nodes.get(id)?.def?.category === 'Output').map((id) => outputs.get(id) as TfSymbolic);
  return { model: tf.model({ inputs: ins, outputs: outs }), outputs };
}

describe('cost of whole networks', () => {
  it('ResNet-20 (option A) has the paper\'s 0.27M parameters: 269,722 trainable, as tfjs counts them', () => {
    const a = inferShapes(cifarResNet(3));
    const { totals } = costReport(a);
    // hand count: conv1 432 + BN 32; stage 1: 6×2304 + 6×32; stage 2: 4608 + 5×9216 + 6×64;
    // stage 3: 18432 + 5×36864 + 6×128; classifier 64·10 + 10 = 650
    expect(totals.params).toBe(269_722);
    expect(totals.nonTrainable).toBe(1_376); // BN moving mean + variance: 2 × (16·7 + 32·6 + 64·6)
    expect(totals.totalParams).toBe(271_098);
    expect(formatCount(totals.params)).toBe('0.27M');
    // the multiply-adds of the convolutions and the classifier: the 40.55M usually quoted
    let convFlops = 0;
    for (const [id, c] of costReport(a).nodes) {
      const kind = a.nodes.get(id)?.def?.kind;
      if (kind === 'Conv2D' || kind === 'ClassificationHead') convFlops += c.flops;
    }
    expect(convFlops).toBe(40_551_040);
    expect(totals.flops).toBeGreaterThan(convFlops); // + BN, adds, pooling

    const { model, outputs } = buildModel(a);
    const trainable = model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((x, y) => x * y, 1), 0);
    expect(trainable).toBe(totals.params);
    expect(model.countParams()).toBe(totals.totalParams);
    for (const id of a.order) expect(outputs.get(id)?.shape.slice(1), id).toEqual([...(a.nodes.get(id)?.shape ?? [])]);
    model.dispose();
  });

  it('ResNet-56 and ResNet-110 match the paper (0.85M, 1.7M)', () => {
    expect(formatCount(costReport(inferShapes(cifarResNet(9))).totals.params)).toBe('0.85M');
    expect(costReport(inferShapes(cifarResNet(9))).totals.params).toBe(853_018);
    // 110 = 6·18 + 2: 432 + 32 + 36·2304 + 36·32 + (4608 + 35·9216) + 36·64 + (18432 + 35·36864) + 36·128 + 650
    expect(costReport(inferShapes(cifarResNet(18))).totals.params).toBe(1_727_962);
  });
});

describe('per-node cost and training memory, counted by hand', () => {
  // Input [4,4,2] → Conv2D 3×3, 3 filters, no bias → BN → GlobalAvgPool → ClassificationHead(2)
  const doc = buildGraph({ height: 4, width: 4, channels: 2 }, (b) => {
    b.chain(b.add('Input', {}, { id: 'in' }), ['Conv2D', { filters: 3 }, 'conv'], ['BatchNorm', {}, 'bn'], ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 2 }, 'head']);
  });
  const a = inferShapes(doc);
  const id = (label: string): string => Object.values(doc.nodes).find((n) => n.label === label)?.id ?? label;

  it('per node', () => {
    const r = costReport(a);
    expect(r.nodes.get('in')).toEqual({ params: 0, nonTrainable: 0, flops: 0, activations: 32, activationBytes: 128 });
    // 3·3·2·3 = 54 weights; 16 positions × 3 filters × 18 = 864 multiply-adds
    expect(r.nodes.get(id('conv'))).toEqual({ params: 54, nonTrainable: 0, flops: 864, activations: 48, activationBytes: 192 });
    expect(r.nodes.get(id('bn'))).toEqual({ params: 6, nonTrainable: 6, flops: 48, activations: 48, activationBytes: 192 });
    expect(r.nodes.get(id('gap'))).toEqual({ params: 0, nonTrainable: 0, flops: 48, activations: 3, activationBytes: 12 });
    expect(r.nodes.get(id('head'))).toEqual({ params: 8, nonTrainable: 0, flops: 6, activations: 2, activationBytes: 8 });
    expect(r.totals).toEqual({ params: 68, nonTrainable: 6, totalParams: 74, flops: 966, activations: 133, activationBytes: 532 });
    expect(r.unknown).toEqual([]);
    const info = a.nodes.get(id('conv'));
    expect(info && nodeCost(info)).toEqual(r.nodes.get(id('conv')));
  });

  it('training memory: params + gradients + optimizer state + activations × batch', () => {
    // params 74·4 = 296 B; gradients 68·4 = 272 B; activations 532 B × 10
    expect(trainingMemory(a, { batchSize: 10, optimizer: 'sgd' })).toEqual({
      batchSize: 10,
      optimizer: 'sgd',
      paramsBytes: 296,
      gradientsBytes: 272,
      optimizerBytes: 0,
      activationsBytes: 5320,
      totalBytes: 5888,
    });
    expect(trainingMemory(a, { batchSize: 10, optimizer: 'momentum' }).totalBytes).toBe(6160);
    expect(trainingMemory(costReport(a), { batchSize: 10, optimizer: 'adam' }).optimizerBytes).toBe(544);
    expect(trainingMemory(a, { batchSize: 10, optimizer: 'adam' }).totalBytes).toBe(6432);
  });

  it('nodes without a shape have no cost and are listed', () => {
    const r = updateNode(doc, { id: id('conv'), params: { kernel: 9, padding: 'valid' } });
    if (!r.ok) throw new Error(r.error.message);
    const b = revalidate(a, r.doc, r.diff);
    const rep = costReport(b);
    expect(rep.unknown).toEqual([id('conv'), id('bn'), id('gap'), id('head')]);
    expect(rep.totals.params).toBe(0);
    expect(costReport(b)).toBe(rep); // memoized per analysis
  });

  it('formats counts and bytes', () => {
    expect(formatCount(650)).toBe('650');
    expect(formatCount(1234)).toBe('1.23k');
    expect(formatCount(36_479_194)).toBe('36.5M');
    expect(formatCount(3.8e9)).toBe('3.80G');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
  });
});

describe('kinds that are not in ResNet still cost what they say', () => {
  it('a grouped bottleneck (ResNeXt form c) and a gated shortcut', () => {
    const doc = buildGraph({ height: 8, width: 8, channels: 64 }, (b) => {
      const x = b.add('Input', {}, { id: 'in' });
      const f = b.chain(x, ['Conv2D', { filters: 32, kernel: 1 }, 'reduce'], ['Conv2D', { filters: 32, groups: 8 }, 'grouped'], ['Conv2D', { filters: 64, kernel: 1 }, 'expand']);
      const g = b.add('Gate', { mode: 'shortcut-only' }, { label: 'gate' });
      b.connect(x, g, 0);
      b.connect(f, g, 1);
      b.chain(g, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 10 }, 'head']);
    });
    const a = inferShapes(doc);
    const byLabel = new Map([...costReport(a).nodes].map(([nid, c]) => [doc.nodes[nid]?.label ?? nid, c]));
    expect(byLabel.get('reduce')?.params).toBe(64 * 32);
    expect(byLabel.get('grouped')?.params).toBe(3 * 3 * 4 * 32); // C_in/groups = 4
    expect(byLabel.get('grouped')?.flops).toBe(64 * 32 * 36);
    expect(byLabel.get('gate')?.params).toBe(64 * 64 + 64);
    expect(byLabel.get('gate')?.flops).toBe(64 * 64 * 64 + 64 * 64);
    expect(requireLayer('Gate').ports).toEqual(['x', 'F']);
  });
});
