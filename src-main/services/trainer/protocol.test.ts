import { describe, expect, it } from 'vitest';
import { formatDatasetSpec, nodeMetric, resolveHyperparameters, trainingService } from '../../../src-shared/api/services/training.js';
import { parseDatasetSpec } from '../datasets/spec.js';
import { FromWorker, parseMessage, StartMessage, ToWorker } from './protocol.js';
import { tinyNet } from './testing.js';

const hyper = resolveHyperparameters({ epochs: 2 }, 42);
const start = { type: 'start', document: tinyNet(), dataset: { kind: 'synthetic', task: 'classification' }, engine: 'wasm', hyper };

describe('worker protocol', () => {
  it('accepts a start message and fills its defaults', () => {
    const m = parseMessage(ToWorker, start, 'test');
    expect(m.type).toBe('start');
    expect(StartMessage.parse(start).progressMs).toBe(250);
  });

  it('refuses what is not a message, naming the field and the message type', () => {
    expect(() => parseMessage(ToWorker, { ...start, engine: 'gpu' }, 'the main thread')).toThrow(/bad message "start" from the main thread: engine/);
    expect(() => parseMessage(ToWorker, { ...start, extra: 1 }, 'x')).toThrow(/bad message "start"/);
    expect(() => parseMessage(ToWorker, { ...start, hyper: { ...hyper, seed: undefined } }, 'x')).toThrow(/hyper\.seed/);
    expect(() => parseMessage(ToWorker, { type: 'explode' }, 'x')).toThrow(/bad message "explode"/);
    expect(() => parseMessage(ToWorker, null, 'x')).toThrow(/bad message from x/);
    expect(() => parseMessage(ToWorker, { ...start, resume: { checkpoint: [1, 2, 3] } }, 'x')).toThrow(/resume\.checkpoint: expected bytes/);
    expect(ToWorker.parse({ type: 'cancel' })).toEqual({ type: 'cancel' });
  });

  it('checks the worker side: events carry the contract payloads, NaN travels as null, bytes as bytes', () => {
    const epoch = { type: 'epoch', epoch: 1, epochs: 2, step: 10, trainLoss: 1.2, trainAccuracy: 0.5, valLoss: null, valAccuracy: null, learningRate: 0.1, imagesPerSecond: 50, seconds: 3, etaSeconds: 3 };
    expect(parseMessage(FromWorker, epoch, 'w')).toEqual(epoch);
    expect(() => parseMessage(FromWorker, { ...epoch, trainLoss: 'NaN' }, 'w')).toThrow(/trainLoss/);
    expect(() => parseMessage(FromWorker, { ...epoch, runId: 'r' }, 'w')).toThrow(/bad message "epoch"/);
    const probe = { type: 'probe', epoch: 1, step: 20, nodes: [{ nodeId: 'c1', gradNorm: 0.5, weightNorm: null }], residuals: [{ nodeId: 'add', shortcut: 'a', branch: 'b', ratio: 0.4 }], activations: [] };
    expect(parseMessage(FromWorker, probe, 'w')).toEqual(probe);
    expect(parseMessage(FromWorker, { type: 'checkpoint', epoch: 1, step: 3, bytes: new Uint8Array(4) }, 'w').type).toBe('checkpoint');
    expect(() => parseMessage(FromWorker, { type: 'checkpoint', epoch: 1, step: 3, bytes: 'x' }, 'w')).toThrow(/bytes/);
    expect(() => parseMessage(FromWorker, { type: 'failed', kind: 'oops', error: 'x' }, 'w')).toThrow(/kind/);
    expect(() => parseMessage(FromWorker, { type: 'done', status: 'failed', epochs: 1 }, 'w')).toThrow(/status/);
  });
});

describe('training contract helpers', () => {
  it('resolves hyperparameters: defaults by optimizer, a random seed recorded, bad values refused', () => {
    expect(resolveHyperparameters({}, 7)).toMatchObject({ optimizer: 'momentum', learningRate: 0.1, weightDecay: 1e-4, seed: 7, batchSize: 32, epochs: 10, schedule: { kind: 'constant' } });
    expect(resolveHyperparameters({ optimizer: 'adamw' }, 7)).toMatchObject({ learningRate: 1e-3, weightDecay: 0.01 });
    expect(resolveHyperparameters({ optimizer: 'adam', learningRate: 0.01, seed: 3 }, 7)).toMatchObject({ learningRate: 0.01, weightDecay: 0, seed: 3 });
    expect(() => resolveHyperparameters({ optimizer: 'rmsprop' } as never, 1)).toThrow();
    expect(() => resolveHyperparameters({ learningRate: -1 }, 1)).toThrow();
    expect(() => resolveHyperparameters({ schedule: { kind: 'step', milestones: [] } }, 1)).toThrow();
  });

  it('start takes a DatasetSpec and optional hyperparameters', () => {
    const input = trainingService.methods.start.input.parse({ document: tinyNet(), dataset: { kind: 'fashion-mnist' } });
    expect(input.engine).toBe('auto');
    expect(input.hyper.optimizer).toBe('momentum');
    expect(() => trainingService.methods.start.input.parse({ document: tinyNet(), datasetId: 'x' })).toThrow();
  });

  it('metric names fit the store (100 characters) and stay distinct', () => {
    expect(nodeMetric('grad_norm', 's1b1_conv1')).toBe('grad_norm/s1b1_conv1');
    const a = nodeMetric('residual_ratio', 'x'.repeat(120));
    const b = nodeMetric('residual_ratio', 'x'.repeat(119) + 'y');
    expect(a.length).toBeLessThanOrEqual(100);
    expect(b.length).toBeLessThanOrEqual(100);
    expect(a).not.toBe(b);
  });

  it('spells a dataset spec as --dataset does', () => {
    for (const text of ['fashion-mnist', 'fashion-mnist:/data/fm', 'cifar10:/data/c', 'folder:/img', 'synthetic', 'synthetic:segmentation']) {
      expect(formatDatasetSpec(parseDatasetSpec(text))).toBe(text);
    }
  });
});
