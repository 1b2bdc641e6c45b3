import { describe, expect, it } from 'vitest';
import { resolveHyperparameters } from '../../../src-shared/api/services/training.js';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import { TemplateBuilder } from '../../../src-shared/templates/builder.js';
import { graphFacts, TrainingRefused } from './graph-facts.js';
import { preflight } from './preflight.js';
import { tinyNet } from './testing.js';

const hyper = resolveHyperparameters({ batchSize: 64 }, 1);
const synthetic = { kind: 'synthetic', task: 'classification' } as const;

async function refusal(p: Promise<unknown>): Promise<TrainingRefused> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TrainingRefused);
  return err as TrainingRefused;
}

describe('preflight: refused before any worker starts, with the reason', () => {
  it('passes a trainable graph with the memory estimate and what it was compared with', async () => {
    const p = await preflight({ document: tinyNet({ residual: true }), dataset: synthetic, engine: 'wasm', hyper }, { freeMemory: () => 8 * 2 ** 30 });
    expect(p.facts).toMatchObject({ inputShape: [8, 8, 3], task: 'classification', headClasses: 4, datasetClasses: 4, heads: ['head'] });
    expect(p.dataset.classes).toBe(4);
    expect(p.memory.totalBytes).toBeGreaterThan(p.memory.activationsBytes);
    expect(p.memory.activationsBytes).toBeGreaterThan(0);
    expect(p.freeBytes).toBe(8 * 2 ** 30);
  });

  it('a run that cannot fit in free memory, with the numbers', async () => {
    const e = await refusal(preflight({ document: tinyNet(), dataset: synthetic, engine: 'wasm', hyper }, { freeMemory: () => 10_000 }));
    expect(e.kind).toBe('memory');
    expect(e.message).toMatch(/not enough memory: training with batch 64 needs about [\d.]+ KiB \(weights .* activations [\d.]+ KiB\) but 9\.77 KiB is free — lower the batch size/);
  });

  it('wasm: a run beyond WebAssembly’s 4 GiB, however much memory is free', async () => {
    const big = resolveHyperparameters({ batchSize: 65_536 }, 1);
    const doc = tinyNet({ size: 64, filters: 64 });
    const e = await refusal(preflight({ document: doc, dataset: { kind: 'synthetic', task: 'classification', shape: [64, 64, 3] }, engine: 'wasm', hyper: big }, { freeMemory: () => 2 ** 40 }));
    expect(e.message).toMatch(/^too big for the wasm engine: training with batch 65536 needs about [\d.]+ GiB .* at most 4\.00 GiB/);
    await expect(preflight({ document: doc, dataset: { kind: 'synthetic', task: 'classification', shape: [64, 64, 3] }, engine: 'cpu', hyper: big }, { freeMemory: () => 2 ** 40 })).resolves.toBeTruthy();
  });

  it("WebGPU: a batch whose largest activation exceeds the adapter's storage buffers", async () => {
    const limits = async () => ({ description: 'Test GPU', maxBufferSize: 2 ** 20, maxStorageBufferBindingSize: 4096 });
    const e = await refusal(preflight({ document: tinyNet(), dataset: synthetic, engine: 'webgpu', hyper }, { freeMemory: () => 2 ** 34, adapterLimits: limits }));
    expect(e.message).toMatch(/largest activation, .*"stem_(conv|bn|relu)" \[8,8,8\] × batch 64 = 128 KiB, does not fit Test GPU's largest storage buffer \(4\.00 KiB\) — lower the batch size to at most 2/);
    await expect(preflight({ document: tinyNet(), dataset: synthetic, engine: 'wasm', hyper }, { freeMemory: () => 2 ** 34, adapterLimits: limits })).resolves.toBeTruthy();
  });

  it('a dilated convolution, naming the node (tfjs has no gradient for it)', async () => {
    const e = await refusal(preflight({ document: tinyNet({ dilation: 2 }), dataset: synthetic, engine: 'wasm', hyper }));
    expect(e.kind).toBe('graph');
    expect(e.message).toMatch(/Conv2D "stem_conv" has dilation 2: tfjs has no gradient for dilated convolutions/);
  });

  it('a dataset that does not fit the graph, or is not there', async () => {
    const shape = await refusal(preflight({ document: tinyNet(), dataset: { kind: 'synthetic', task: 'classification', shape: [16, 16, 3] }, engine: 'wasm', hyper }));
    expect(shape.message).toMatch(/the graph takes 8×8×3 images but .* has 16×16×3: set the Input to 16×16×3/);
    const classes = await refusal(preflight({ document: tinyNet({ classes: 4 }), dataset: { kind: 'synthetic', task: 'classification', classes: 6 }, engine: 'wasm', hyper }));
    expect(classes.message).toMatch(/head has 4 classes but .* has 6: set the head's classes to 6/);
    const missing = await refusal(preflight({ document: tinyNet(), dataset: { kind: 'cifar10', path: '/nonexistent/cifar' }, engine: 'wasm', hyper }));
    expect(missing.kind).toBe('dataset');
    expect(missing.message).toMatch(/\/nonexistent\/cifar/);
  });

  it('graphs that cannot train: errors, no head, a regression head, not a document', async () => {
    const b = new TemplateBuilder({ height: 8, width: 8, channels: 3 });
    b.add('pool', 'GlobalAvgPool', {}, [b.add('in', 'Input')]);
    expect(() => graphFacts(inferShapes(b.build({ name: 'x' })))).toThrow(/no output head/);
    const r = new TemplateBuilder({ height: 8, width: 8, channels: 3 });
    r.add('out', 'RegressionHead', {}, [r.add('pool', 'GlobalAvgPool', {}, [r.add('in', 'Input')])]);
    expect(() => graphFacts(inferShapes(r.build({ name: 'x' })))).toThrow(/RegressionHead "out" is a regression head/);
    const bad = new TemplateBuilder({ height: 8, width: 8, channels: 3 });
    bad.add('head', 'ClassificationHead', {}, [bad.add('in', 'Input')]);
    expect(() => graphFacts(inferShapes(bad.build({ name: 'x' })))).toThrow(/has 1 error and cannot train/);
    expect((await refusal(preflight({ document: { schemaVersion: 99 }, dataset: synthetic, engine: 'wasm', hyper }))).message).toMatch(/cannot be read/);
  });
});
