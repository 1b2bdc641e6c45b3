import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Batch, Split } from './types.js';

/** A fresh temporary folder for a test's fixtures. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sw-${prefix}-`));
}

/** An IDX file's bytes: magic 0x0000 0x08 rank, big-endian dims, then the data. */
export function idxBytes(dims: number[], data: Uint8Array, gz = false): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const raw = Buffer.concat([head, Buffer.from(data)]);
  return gz ? gzipSync(raw) : raw;
}

/** Every batch of a split, collected. */
export async function collect(split: Split, o: Parameters<Split['batches']>[0]): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of split.batches(o)) out.push(b);
  return out;
}
