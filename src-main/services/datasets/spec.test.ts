import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetInfo} from '../../../src-shared/api/index.js';
import { Dispatcher, DatasetDescription, datasetsService } from '../../../src-shared/api/index.js';
import { CIFAR_RECORD } from './cifar10.js';
import { FASHION_MNIST_DEFAULT_DIR } from './fashion-mnist.js';
import { createDatasetsService, listDatasets } from './service.js';
import { describeDataset, openDataset, parseDatasetSpec } from './spec.js';
import { tempDir } from './testing.js';

const ctx = { transport: 'in-process', clientId: 't' } as const;

describe('parseDatasetSpec (the CLI’s --dataset)', () => {
  it.each([
    ['fashion-mnist', { kind: 'fashion-mnist' }],
    ['fashion-mnist:/data/fm', { kind: 'fashion-mnist', path: '/data/fm' }],
    ['cifar10:/data/cifar', { kind: 'cifar10', path: '/data/cifar' }],
    ['folder:C:\\images', { kind: 'folder', path: 'C:\\images' }],
    ['synthetic', { kind: 'synthetic', task: 'classification' }],
    ['synthetic:segmentation', { kind: 'synthetic', task: 'segmentation' }],
  ])('%s', (text, spec) => expect(parseDatasetSpec(text)).toEqual(spec));

  it.each([
    ['cifar10', /cifar10 needs a path/],
    ['folder:', /folder needs a path/],
    ['synthetic:regression', /synthetic takes "classification" or "segmentation"/],
    ['imagenet', /unknown dataset "imagenet": use fashion-mnist\[:PATH\], cifar10:PATH, folder:PATH or synthetic\[:segmentation\]/],
  ])('refuses %s', (text, message) => expect(() => parseDatasetSpec(text)).toThrow(message));
});

describe('describeDataset / openDataset', () => {
  it('synthetic follows the graph’s input shape and class count', async () => {
    const d = await describeDataset({ kind: 'synthetic', task: 'classification' }, { shape: [28, 28, 1], classes: 7 });
    expect(d).toMatchObject({ id: 'synthetic', shape: [28, 28, 1], classes: 7, available: true });
    expect(d.classNames).toHaveLength(7);
    const ds = await openDataset({ kind: 'synthetic', task: 'segmentation', trainSize: 40 }, { shape: [8, 8, 3], limit: 20 });
    expect(ds.info).toMatchObject({ task: 'segmentation', shape: [8, 8, 3], classes: 4, trainSize: 18, validationSize: 2 });
  });

  it('errors name the path', async () => {
    await expect(describeDataset({ kind: 'cifar10', path: '/nonexistent/c10' })).rejects.toThrow('/nonexistent/c10: folder not found');
    await expect(describeDataset({ kind: 'folder', path: '/nonexistent/imgs' })).rejects.toThrow('/nonexistent/imgs: folder not found');
    await expect(openDataset({ kind: 'fashion-mnist', path: '/nonexistent/fm' })).rejects.toThrow('/nonexistent/fm: folder not found');
  });
});

describe('datasets service', () => {
  it('list: Fashion-MNIST where found (or why not), CIFAR-10 under the data folder, synthetic always', async () => {
    const dataDir = tempDir('ds-data');
    const cifar = join(dataDir, 'datasets', 'cifar-10-batches-bin');
    mkdirSync(cifar, { recursive: true });
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
      writeFileSync(join(cifar, f), Buffer.alloc(2 * CIFAR_RECORD));
    }
    const d = new Dispatcher().provide(datasetsService, createDatasetsService({ dataDir }));
    const { datasets } = (await d.call('datasets', 'list', {}, ctx)) as { datasets: DatasetInfo[] };
    expect(datasets.map((x) => x.id)).toEqual(['fashion-mnist', 'cifar10', 'synthetic', 'synthetic-segmentation']);
    const fm = datasets[0] as DatasetInfo;
    if (existsSync(join(FASHION_MNIST_DEFAULT_DIR, 'train-images-idx3-ubyte.gz'))) {
      expect(fm).toMatchObject({ available: true, trainSize: 60_000, testSize: 10_000 });
    } else {
      expect(fm.available).toBe(false);
      expect(fm.detail).toMatch(/dataset-fashion-mnist/);
    }
    expect(datasets[1]).toMatchObject({ available: true, trainSize: 10, testSize: 2 });
    expect(datasets[2]).toMatchObject({ available: true, task: 'classification' });
    expect(datasets[3]).toMatchObject({ available: true, task: 'segmentation' });

    const none = await listDatasets({ dataDir: tempDir('ds-empty'), fashionMnistDir: '/nonexistent/fm' });
    expect(none[0]).toMatchObject({ available: false });
    expect(none[0]?.detail).toMatch(/^\/nonexistent\/fm: folder not found.* — install Debian's dataset-fashion-mnist package, or give a path: fashion-mnist:PATH$/);
    expect(none[1]?.detail).toMatch(/cifar-10-binary\.tar\.gz/);
  });

  it('describe checks one dataset; bad input and bad paths are one-line errors', async () => {
    const d = new Dispatcher().provide(datasetsService, createDatasetsService({ dataDir: tempDir('ds') }));
    const syn = DatasetDescription.parse(await d.call('datasets', 'describe', { spec: { kind: 'synthetic', shape: [16, 16, 1], classes: 3 } }, ctx));
    expect(syn).toMatchObject({ task: 'classification', shape: [16, 16, 1], classes: 3 });
    await expect(d.call('datasets', 'describe', { spec: { kind: 'cifar10' } }, ctx)).rejects.toThrow(/bad|path/i);
    await expect(d.call('datasets', 'describe', { spec: { kind: 'cifar10', path: '/nonexistent/x' } }, ctx)).rejects.toThrow(
      'datasets.describe: /nonexistent/x: folder not found',
    );
  });
});
