import type { DatasetInfo, datasetsService, ServiceImpl } from '../../../src-shared/api/index.js';
import { FASHION_MNIST_DEFAULT_DIR } from './fashion-mnist.js';
import { cifarCandidates, describeDataset, findCifar } from './spec.js';
import type { DatasetSpec } from './spec.js';

export interface DatasetsServiceOptions {
  /** The app's data folder: CIFAR-10 is looked for in <dataDir>/datasets/cifar-10-batches-bin. */
  readonly dataDir: string;
  /** Where Fashion-MNIST is looked for (default /usr/share/datasets/fashion-mnist). */
  readonly fashionMnistDir?: string;
}

async function entry(id: string, spec: DatasetSpec, missing: (why: string) => string): Promise<DatasetInfo> {
  try {
    const d = await describeDataset(spec);
    return { id, name: d.name, task: d.task, shape: d.shape, classes: d.classes, trainSize: d.trainSize, testSize: d.testSize, available: true, detail: d.detail };
  } catch (err) {
    return { id, name: id, task: 'classification', shape: [0, 0, 0], classes: 0, trainSize: 0, testSize: 0, available: false, detail: missing(err instanceof Error ? err.message : String(err)) };
  }
}

/** Lists the datasets this machine has (and how to get the others), checking headers only. */
export async function listDatasets(o: DatasetsServiceOptions): Promise<DatasetInfo[]> {
  const fm = o.fashionMnistDir ?? FASHION_MNIST_DEFAULT_DIR;
  const cifar = findCifar(o.dataDir);
  const fashion = await entry('fashion-mnist', { kind: 'fashion-mnist', path: fm }, (why) => `${why} — install Debian's dataset-fashion-mnist package, or give a path: fashion-mnist:PATH`);
  const cifarInfo: DatasetInfo =
    cifar === null
      ? {
          id: 'cifar10',
          name: 'CIFAR-10',
          task: 'classification',
          shape: [32, 32, 3],
          classes: 10,
          trainSize: 0,
          testSize: 0,
          available: false,
          detail: `not found in ${cifarCandidates(o.dataDir)[0]} — download the binary version (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz), unpack it there, or give a path: cifar10:PATH`,
        }
      : await entry('cifar10', { kind: 'cifar10', path: cifar }, (why) => why);
  const synthetic = await entry('synthetic', { kind: 'synthetic', task: 'classification' }, (why) => why);
  const segmentation = await entry('synthetic-segmentation', { kind: 'synthetic', task: 'segmentation' }, (why) => why);
  return [fashion, cifarInfo, synthetic, segmentation];
}

/** The `datasets` contract service. */
export function createDatasetsService(o: DatasetsServiceOptions): ServiceImpl<typeof datasetsService> {
  return {
    list: async () => ({ datasets: await listDatasets(o) }),
    describe: ({ spec }) => describeDataset(spec),
  };
}
