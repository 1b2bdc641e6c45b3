import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdx, readIdxHeader } from './idx.js';
import { DatasetError } from './types.js';
import { idxBytes, tempDir } from './testing.js';

describe('IDX files', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);

  it.each([false, true])('reads dims and data, gzip %s (detected by content, not by name)', async (gz) => {
    const dir = tempDir('idx');
    const file = join(dir, 'x-idx3-ubyte');
    writeFileSync(file, idxBytes([2, 3, 4], data, gz));
    expect(await readIdxHeader(file)).toEqual([2, 3, 4]);
    const idx = await readIdx(file);
    expect(idx.dims).toEqual([2, 3, 4]);
    expect(Array.from(idx.data)).toEqual(Array.from(data));
  });

  it.each([
    ['a wrong magic number', () => Buffer.from([1, 2, 8, 1, 0, 0, 0, 1, 5]), /magic number starts 0x0102, expected 0x0000/],
    ['a non-byte element type', () => Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 5, 5, 5, 5]), /element type 0xd is not unsigned byte/],
    ['a truncated header', () => Buffer.from([0, 0, 8, 3, 0, 0]), /header is truncated/],
    ['truncated data', () => idxBytes([2, 3, 4], data).subarray(0, 20), /says 2×3×4 = 24 bytes of data, but the file has 4 \(truncated\?\)/],
    ['extra data', () => Buffer.concat([idxBytes([2, 3, 4], data), Buffer.from([1, 2])]), /but the file has 26/],
    ['corrupt gzip', () => idxBytes([2, 3, 4], data, true).subarray(0, 30), /corrupt gzip data/],
    ['an empty file', () => Buffer.alloc(0), /not an IDX file: only 0 bytes/],
  ])('refuses %s with an error naming the file', async (_what, bytes, message) => {
    const dir = tempDir('idx-bad');
    const file = join(dir, 'bad-idx3-ubyte');
    writeFileSync(file, bytes());
    const err = await readIdx(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).file).toBe(file);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(message);
  });

  it('a missing file is named', async () => {
    const file = join(tempDir('idx-missing'), 'nope-idx1-ubyte.gz');
    await expect(readIdx(file)).rejects.toThrow(`${file}: file not found`);
    await expect(readIdxHeader(file)).rejects.toThrow(`${file}: file not found`);
  });
});
