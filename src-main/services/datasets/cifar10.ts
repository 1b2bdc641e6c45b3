import { existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetNormalization } from '../../../src-shared/api/services/datasets.js';
import { DatasetError } from './types.js';
import type { ExampleSource, Part } from './types.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** One record: a label byte, then 1024 red, 1024 green, 1024 blue bytes (32×32, row-major). */
export const CIFAR_RECORD = 3073;
const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST_FILES = ['test_batch.bin'];

export interface CifarFiles {
  readonly dir: string;
  readonly train: { file: string; records: number }[];
  readonly test: { file: string; records: number }[];
}

/** The folder with the .bin files: PATH itself, or PATH/cifar-10-batches-bin as the archive unpacks. */
function findDir(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new DatasetError(path, 'folder not found (CIFAR-10: the binary version, data_batch_1..5.bin and test_batch.bin)');
  }
  if (!st.isDirectory()) throw new DatasetError(path, 'is not a folder (give the folder holding data_batch_1..5.bin and test_batch.bin)');
  if (!existsSync(join(path, 'data_batch_1.bin')) && existsSync(join(path, 'cifar-10-batches-bin', 'data_batch_1.bin'))) {
    return join(path, 'cifar-10-batches-bin');
  }
  return path;
}

/** Finds the six batch files and checks their sizes (cheap: nothing is read). */
export function describeCifar10(path: string): CifarFiles {
  const dir = findDir(path);
  const list = (names: string[]) =>
    names.map((name) => {
      const file = join(dir, name);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new DatasetError(file, `missing (CIFAR-10 binary needs ${[...TRAIN_FILES, ...TEST_FILES].join(', ')} in ${dir})`);
      }
      if (size === 0 || size % CIFAR_RECORD !== 0) {
        throw new DatasetError(file, `${size} bytes is not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records (truncated, or not the binary version?)`);
      }
      return { file, records: size / CIFAR_RECORD };
    });
  return { dir, train: list(TRAIN_FILES), test: list(TEST_FILES) };
}

function classNames(dir: string): readonly string[] {
  try {
    const names = readFileSync(join(dir, 'batches.meta.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (names.length === 10) return names;
  } catch {
    // optional file
  }
  return CIFAR10_CLASSES;
}

/**
 * CIFAR-10 binary batches, read record by record on demand (positioned reads on open files), so
 * the 180 MB are never held in memory; the OS page cache does the caching.
 */
export async function openCifar10(path: string): Promise<ExampleSource> {
  const files = describeCifar10(path);
  const handles = new Map<string, FileHandle>();
  try {
    for (const f of [...files.train, ...files.test]) handles.set(f.file, await open(f.file, 'r'));
  } catch (err) {
    for (const h of handles.values()) await h.close();
    throw new DatasetError(files.dir, `cannot open the batch files: ${(err as Error).message}`);
  }
  const locate = (part: Part, index: number): { file: string; record: number } => {
    let i = index;
    for (const f of files[part]) {
      if (i < f.records) return { file: f.file, record: i };
      i -= f.records;
    }
    throw new RangeError(`example ${index} is past the end of CIFAR-10 ${part}`);
  };
  const count = (part: Part) => files[part].reduce((a, f) => a + f.records, 0);
  const px = 1024;
  return {
    name: 'CIFAR-10',
    task: 'classification',
    shape: [32, 32, 3],
    classes: 10,
    classNames: classNames(files.dir),
    ...datasetNormalization('cifar10', 3),
    counts: { train: count('train'), test: count('test') },
    location: files.dir,
    async read(part, indices, pixels, labels) {
      const recs = await Promise.all(
        Array.from(indices, async (index) => {
          const { file, record } = locate(part, index);
          const buf = Buffer.alloc(CIFAR_RECORD);
          const h = handles.get(file) as FileHandle;
          const { bytesRead } = await h.read(buf, 0, CIFAR_RECORD, record * CIFAR_RECORD);
          if (bytesRead !== CIFAR_RECORD) throw new DatasetError(file, `record ${record} is truncated (${bytesRead} of ${CIFAR_RECORD} bytes)`);
          if ((buf[0] as number) > 9) throw new DatasetError(file, `record ${record} has label ${buf[0]}, not a class 0–9 (not CIFAR-10 binary?)`);
          return { buf };
        }),
      );
      recs.forEach(({ buf }, i) => {
        labels[i] = buf[0] as number;
        const o = i * px * 3;
        // Stored channel-planar (CHW); we hand out HWC.
        for (let p = 0; p < px; p++) {
          pixels[o + 3 * p] = buf[1 + p] as number;
          pixels[o + 3 * p + 1] = buf[1 + px + p] as number;
          pixels[o + 3 * p + 2] = buf[1 + 2 * px + p] as number;
        }
      });
    },
    async close() {
      for (const h of handles.values()) await h.close();
      handles.clear();
    },
  };
}
