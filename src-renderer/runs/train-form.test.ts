import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../src-shared/graph/document.js';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import type { DatasetInfo } from '../../src-shared/api/services/datasets.js';
import { defaultDataset, defaultsFor, formToRequest } from './train-form.js';

function template(id: string, options: Record<string, unknown> = {}) {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

const info = (id: string, available: boolean): DatasetInfo => ({ id, name: id, task: 'classification', shape: [28, 28, 1], classes: 10, trainSize: 1, testSize: 1, available, detail: '' });

describe('train form', () => {
  it('a ResNet gets the paper recipe; a network from no template the contract defaults', () => {
    const r = defaultsFor(template('resnet', { depth: 20 }));
    expect(r.form).toMatchObject({ optimizer: 'momentum', learningRate: '0.1', weightDecay: '0.0001', batchSize: '128', schedule: 'step', milestones: '5,8' });
    expect(r.source).toContain('He et al.');
    const plain = defaultsFor(emptyDocument());
    expect(plain.form).toMatchObject({ optimizer: 'momentum', learningRate: '', batchSize: '32', schedule: 'constant' });
    expect(defaultsFor(template('unet')).form.optimizer).toBe('adam');
  });

  it('picks the dataset the input fits and this machine has', () => {
    const mnist = template('resnet', { depth: 20, inputHeight: 28, inputWidth: 28, inputChannels: 1 });
    expect(defaultDataset(mnist, [info('fashion-mnist', true)])).toBe('fashion-mnist');
    expect(defaultDataset(mnist, [info('fashion-mnist', false)])).toBe('synthetic');
    expect(defaultDataset(emptyDocument(), [info('cifar10', true)])).toBe('cifar10');
    expect(defaultDataset(template('unet'), [])).toBe('synthetic-segmentation');
  });

  it('turns the form into a request the contract accepts', () => {
    const { form } = defaultsFor(template('resnet', { depth: 20 }));
    const r = formToRequest({ ...form, datasetId: 'synthetic', epochs: '2', batchSize: '8', limit: '64', seed: '7' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset).toEqual({ kind: 'synthetic', task: 'classification' });
    expect(r.hyper).toMatchObject({ epochs: 2, batchSize: 8, limit: 64, seed: 7, learningRate: 0.1, schedule: { kind: 'step', milestones: [5, 8], factor: 0.1 } });
    const defaults = formToRequest(defaultsFor(emptyDocument()).form);
    expect(defaults.ok && defaults.hyper.learningRate === undefined && defaults.hyper.limit === undefined).toBe(true);
  });

  it('names the field at fault in one line', () => {
    const { form } = defaultsFor(emptyDocument());
    expect(formToRequest({ ...form, batchSize: 'eight' })).toEqual({ ok: false, field: 'batchSize', message: 'Batch size: “eight” is not a number' });
    const big = formToRequest({ ...form, learningRate: '50' });
    expect(big.ok === false && big.field === 'learningRate' && big.message.startsWith('Learning rate: ')).toBe(true);
    const cifar = formToRequest({ ...form, datasetId: 'cifar10' });
    expect(cifar.ok === false && cifar.field).toBe('datasetPath');
    const ms = formToRequest({ ...form, schedule: 'step', milestones: 'x' });
    expect(ms.ok === false && ms.message).toBe('Milestones: “x” is not a whole epoch number');
    const epochs = formToRequest({ ...form, epochs: '0' });
    expect(epochs.ok === false && epochs.field).toBe('epochs');
  });
});
