import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR_RECORD, describeCifar10, openCifar10 } from './cifar10.js';
import { makeDataset } from './dataset.js';
import { DatasetError } from './types.js';
import { collect, tempDir } from './testing.js';

/** Record r of file f: label (f + r) % 10, pixel p of channel ch = (r*7 + ch*50 + p) % 256. */
function record(f: number, r: number): Buffer {
  const b = Buffer.alloc(CIFAR_RECORD);
  b[0] = (f + r) % 10;
  for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 1024; p++) b[1 + ch * 1024 + p] = (r * 7 + ch * 50 + p) % 256;
  return b;
}

/** A CIFAR-10 binary folder with `per` records in each of the six files. */
function fixture(per = 4, nested = false): { root: string; dir: string } {
  const root = tempDir('cifar');
  const dir = nested ? join(root, 'cifar-10-batches-bin') : root;
  mkdirSync(dir, { recursive: true });
  const names = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  names.forEach((n, f) => writeFileSync(join(dir, n), Buffer.concat(Array.from({ length: per }, (_, r) => record(f, r)))));
  writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  return { root, dir };
}

describe('CIFAR-10 binary batches', () => {
  it('reads records on demand, channel-planar on disk to HWC in batches, across file boundaries', async () => {
    const { dir } = fixture(4);
    const src = await openCifar10(dir);
    expect(src.counts).toEqual({ train: 20, test: 4 });
    expect(src.classNames[9]).toBe('truck');
    const px = new Uint8Array(2 * 3072);
    const lab = new Int32Array(2);
    // Example 5 is file 1 (data_batch_2), record 1; example 19 is file 4, record 3.
    await src.read('train', [5, 19], px, lab);
    expect(Array.from(lab)).toEqual([2, 7]);
    // Pixel (y=0, x=2) of example 5: R = 7+2, G = 7+50+2, B = 7+100+2.
    expect(Array.from(px.subarray(6, 9))).toEqual([9, 59, 109]);
    // Pixel (y=1, x=0) of example 19 (record 3): p = 32 → R = 21+32, G = 21+50+32, B = 21+100+32.
    expect(Array.from(px.subarray(3072 + 96, 3072 + 99))).toEqual([53, 103, 153]);
    await src.read('test', [3], px, lab);
    expect(lab[0]).toBe((5 + 3) % 10);
    await src.close();
  });

  it('accepts the folder the archive unpacks into, and batches normalized float data', async () => {
    const { root } = fixture(3, true);
    const f = describeCifar10(root);
    expect(f.dir.endsWith('cifar-10-batches-bin')).toBe(true);
    const ds = makeDataset(await openCifar10(root), { validationFraction: 0.2 });
    expect(ds.info).toMatchObject({ trainSize: 12, validationSize: 3, testSize: 3, shape: [32, 32, 3] });
    const [b] = await collect(ds.test, { batchSize: 8 });
    expect(b?.xShape).toEqual([3, 32, 32, 3]);
    // Test record 0, pixel 0: R = 0 → (0/255 − 0.4914)/0.247.
    expect(b?.x[0]).toBeCloseTo(-0.4914 / 0.247, 4);
    await ds.close();
  });

  it('names the folder or file at fault', async () => {
    expect(() => describeCifar10('/nonexistent/cifar')).toThrow('/nonexistent/cifar: folder not found');
    let { dir } = fixture(2);
    rmSync(join(dir, 'data_batch_3.bin'));
    expect(() => describeCifar10(dir)).toThrow(`${join(dir, 'data_batch_3.bin')}: missing`);
    ({ dir } = fixture(2));
    writeFileSync(join(dir, 'test_batch.bin'), Buffer.alloc(CIFAR_RECORD + 5));
    expect(() => describeCifar10(dir)).toThrow(`${join(dir, 'test_batch.bin')}: ${CIFAR_RECORD + 5} bytes is not a whole number of 3073-byte CIFAR-10 records`);
    ({ dir } = fixture(2));
    const bad = Buffer.concat([record(0, 0), record(0, 1)]);
    bad[CIFAR_RECORD] = 200; // label of record 1
    writeFileSync(join(dir, 'data_batch_1.bin'), bad);
    const src = await openCifar10(dir);
    const err = await src.read('train', [1], new Uint8Array(3072), new Int32Array(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe(`${join(dir, 'data_batch_1.bin')}: record 1 has label 200, not a class 0–9 (not CIFAR-10 binary?)`);
    await src.close();
  });
});
