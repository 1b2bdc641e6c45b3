/** Datasets for training: sources (Fashion-MNIST, CIFAR-10, image folders, synthetic), splits and batches. */
export type { AugmentOptions, Batch, BatchOptions, Dataset, DatasetInfo, ExampleSource, OpenOptions, Part, Split, Task } from './types.js';
export { DatasetError } from './types.js';
export { makeDataset } from './dataset.js';
export { augmentExample, oneHot } from './augment.js';
export { openFashionMnist, describeFashionMnist, FASHION_MNIST_DEFAULT_DIR, FASHION_MNIST_CLASSES } from './fashion-mnist.js';
export { openCifar10, describeCifar10, CIFAR10_CLASSES } from './cifar10.js';
export { openFolder, describeFolder } from './folder.js';
export { openSynthetic, maxSyntheticClasses, SYNTHETIC_SHAPES } from './synthetic.js';
export { parseDatasetSpec, openDataset, openSource, describeDataset, DatasetSpec } from './spec.js';
export type { GraphHints } from './spec.js';
export { listDatasets, createDatasetsService } from './service.js';
