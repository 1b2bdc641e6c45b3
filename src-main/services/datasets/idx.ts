import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DatasetError } from './types.js';

const gunzipAsync = promisify(gunzip);

/** An IDX file (LeCun's MNIST format): unsigned bytes with dimensions. */
export interface Idx {
  readonly file: string;
  readonly dims: number[];
  readonly data: Uint8Array;
}

const UBYTE = 0x08;

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Parses the header: magic 0x0000, type byte, rank byte, then rank big-endian uint32 dims. */
export function parseIdxHeader(file: string, head: Uint8Array): { dims: number[]; headerBytes: number } {
  if (head.length < 4) throw new DatasetError(file, `not an IDX file: only ${head.length} bytes`);
  if (head[0] !== 0 || head[1] !== 0) {
    throw new DatasetError(file, `not an IDX file: magic number starts 0x${(head[0] ?? 0).toString(16).padStart(2, '0')}${(head[1] ?? 0).toString(16).padStart(2, '0')}, expected 0x0000`);
  }
  if (head[2] !== UBYTE) throw new DatasetError(file, `IDX element type 0x${(head[2] ?? 0).toString(16)} is not unsigned byte (0x08)`);
  const rank = head[3] ?? 0;
  if (rank < 1 || rank > 4) throw new DatasetError(file, `IDX rank ${rank} is not 1–4`);
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) throw new DatasetError(file, `IDX header is truncated (${head.length} of ${headerBytes} bytes)`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dims, headerBytes };
}

async function readAllBytes(file: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`);
  }
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (err) {
    throw new DatasetError(file, `corrupt gzip data: ${(err as Error).message}`);
  }
}

/** Reads and checks a whole IDX file (.gz or not, detected by content). */
export async function readIdx(file: string): Promise<Idx> {
  const bytes = await readAllBytes(file);
  const { dims, headerBytes } = parseIdxHeader(file, bytes);
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have !== size) {
    throw new DatasetError(file, `IDX header says ${dims.join('×')} = ${size} bytes of data, but the file has ${have}${have < size ? ' (truncated?)' : ''}`);
  }
  return { file, dims, data: bytes.subarray(headerBytes) };
}

/** Reads only the header (streaming through gzip), to describe a file without loading it. */
export async function readIdxHeader(file: string): Promise<number[]> {
  let head: Uint8Array;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(64);
      const { bytesRead } = await fh.read(buf, 0, 64, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`);
  }
  if (isGzip(head)) head = await gunzipHead(file);
  return parseIdxHeader(file, head).dims;
}

function gunzipHead(file: string): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const src = createReadStream(file);
    const z = createGunzip();
    const out: Buffer[] = [];
    let n = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      src.destroy();
      z.destroy();
      resolve(Buffer.concat(out, n));
    };
    z.on('data', (b: Buffer) => {
      out.push(b);
      n += b.length;
      if (n >= 64) finish();
    });
    z.on('end', finish);
    z.on('error', (err: Error) => {
      if (done) return;
      done = true;
      src.destroy();
      reject(new DatasetError(file, `corrupt gzip data: ${err.message}`));
    });
    src.on('error', (err: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      reject(new DatasetError(file, `cannot read: ${err.message}`));
    });
    src.pipe(z);
  });
}
