import { augmentExample } from './augment.js';
import { hashInts, permutation, Rng } from './random.js';
import type { Batch, BatchOptions, Dataset, ExampleSource, OpenOptions, Part, Split } from './types.js';

function checkOptions(o: OpenOptions): void {
  const f = o.validationFraction ?? 0.1;
  if (!(f >= 0 && f < 1)) throw new RangeError(`validationFraction must be in [0, 1), got ${f}`);
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit > 0)) throw new RangeError(`limit must be a positive whole number, got ${o.limit}`);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new RangeError(`seed must be a whole number, got ${o.seed}`);
}

/** A split: a list of example indices into one part of the source. */
function makeSplit(source: ExampleSource, part: Part, indices: Uint32Array, splitSalt: number): Split {
  const [h, w, c] = source.shape;
  const seg = source.task === 'segmentation';
  const pixelsPer = h * w * c;
  const labelsPer = seg ? h * w : 1;
  const mean = Float32Array.from({ length: c }, (_, k) => (source.mean[k] ?? source.mean[0] ?? 0) * 255);
  const invStd = Float32Array.from({ length: c }, (_, k) => 1 / ((source.std[k] ?? source.std[0] ?? 1) * 255));

  async function load(order: Uint32Array, start: number, n: number, o: BatchOptions, batchNo: number): Promise<Batch> {
    const ids = order.subarray(start, start + n);
    const pixels = new Uint8Array(n * pixelsPer);
    const labels = new Int32Array(n * labelsPer);
    await source.read(part, ids, pixels, labels);
    const pad = o.augment?.cropPadding ?? 0;
    const flip = o.augment?.flip ?? false;
    if (pad > 0 || flip) {
      const rng = new Rng(hashInts(o.seed ?? 0, splitSalt, batchNo, 0xa06));
      const scratch = new Uint8Array(pixelsPer);
      const maskScratch = seg ? new Int32Array(labelsPer) : undefined;
      for (let i = 0; i < n; i++) {
        augmentExample(
          rng,
          h,
          w,
          c,
          pixels.subarray(i * pixelsPer, (i + 1) * pixelsPer),
          pad,
          flip,
          scratch,
          seg ? labels.subarray(i * labelsPer, (i + 1) * labelsPer) : undefined,
          maskScratch,
        );
      }
    }
    const x = new Float32Array(n * pixelsPer);
    for (let i = 0, p = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++, p++) x[p] = ((pixels[p] as number) - (mean[k] as number)) * (invStd[k] as number);
    }
    return { x, labels, size: n, xShape: [n, h, w, c], labelShape: seg ? [n, h, w] : [n] };
  }

  return {
    size: indices.length,
    async *batches(o: BatchOptions): AsyncGenerator<Batch> {
      if (!(Number.isInteger(o.batchSize) && o.batchSize > 0)) throw new RangeError(`batchSize must be a positive whole number, got ${o.batchSize}`);
      if (o.augment?.cropPadding !== undefined && !(Number.isInteger(o.augment.cropPadding) && o.augment.cropPadding >= 0)) {
        throw new RangeError(`cropPadding must be a whole number ≥ 0, got ${o.augment.cropPadding}`);
      }
      let order = indices;
      if (o.shuffle === true) {
        const p = permutation(indices.length, hashInts(o.seed ?? 0, splitSalt, 0x5f1));
        order = new Uint32Array(indices.length);
        for (let i = 0; i < p.length; i++) order[i] = indices[p[i] as number] as number;
      }
      const total = o.dropRemainder === true ? Math.floor(order.length / o.batchSize) * o.batchSize : order.length;
      // One batch is read ahead while the caller works on the current one.
      let next: Promise<Batch> | undefined = total > 0 ? load(order, 0, Math.min(o.batchSize, total), o, 0) : undefined;
      for (let start = 0, b = 0; next !== undefined; start += o.batchSize, b++) {
        const current: Batch = await next;
        const ns = start + o.batchSize;
        next = ns < total ? load(order, ns, Math.min(o.batchSize, total - ns), o, b + 1) : undefined;
        // If the consumer stops early, the read-ahead must not become an unhandled rejection.
        next?.catch(() => undefined);
        yield current;
      }
    },
  };
}

/** Which stored examples each split holds (indices into the train and test parts, ascending): see makeDataset. */
export function splitIndices(counts: Readonly<Record<Part, number>>, o: OpenOptions = {}): { train: Uint32Array; validation: Uint32Array; test: Uint32Array } {
  checkOptions(o);
  const seed = o.seed ?? 0;
  const trainAll = permutation(counts.train, hashInts(seed, 0x7a1));
  const kept = o.limit === undefined ? trainAll : trainAll.subarray(0, Math.min(o.limit, trainAll.length));
  const nVal = Math.round(kept.length * (o.validationFraction ?? 0.1));
  const validation = Uint32Array.from(kept.subarray(0, nVal)).sort();
  const train = Uint32Array.from(kept.subarray(nVal)).sort();
  const testAll = permutation(counts.test, hashInts(seed, 0x7e5));
  const test = Uint32Array.from(o.limit === undefined ? testAll : testAll.subarray(0, Math.min(o.limit, testAll.length))).sort();
  return { train, validation, test };
}

/**
 * Splits a source into train / validation / test: `limit` keeps a seeded random subset of the
 * training examples (and of the test examples), then `validationFraction` of those are held out
 * for validation, also seeded. The same source, seed and options always give the same splits.
 */
export function makeDataset(source: ExampleSource, o: OpenOptions = {}): Dataset {
  const { train, validation, test } = splitIndices(source.counts, o);
  return {
    info: {
      name: source.name,
      task: source.task,
      shape: source.shape,
      classes: source.classes,
      classNames: source.classNames,
      trainSize: train.length,
      validationSize: validation.length,
      testSize: test.length,
      location: source.location,
      normalization: { mean: source.mean, std: source.std },
    },
    train: makeSplit(source, 'train', train, 1),
    validation: makeSplit(source, 'train', validation, 2),
    test: makeSplit(source, 'test', test, 3),
    close: () => source.close(),
  };
}
