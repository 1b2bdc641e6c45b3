import type { Fn, Local } from './assembler.js';

/**
 * Loop shapes the SIMD kernels share.
 */

/**
 * Emits a pass over `bytes` bytes: 16 at a time up to `end` (bytes rounded down to a multiple of
 * 16, computed by the caller), then the tail 4 at a time. `vector` and `scalar` emit one step at
 * byte offset `i`.
 */
export function vectorsThenTail(f: Fn, i: Local, end: Local, bytes: Local, vector: () => void, scalar: () => void): void {
  f.for(
    i,
    () => f.i32(0),
    () => f.get(end),
    16,
    vector,
  );
  f.for(
    i,
    () => f.get(end),
    () => f.get(bytes),
    4,
    scalar,
  );
}

/**
 * Emits a loop over `rows` rows of C floats (C % 4 == 0), four at a time; `body` gets the row's byte
 * offset p and the block's byte offset i within the row (per-channel vectors are read at i, row
 * data at p + i).
 */
export function rowsByChannels(f: Fn, rows: Local, C: Local, body: (p: Local, i: Local) => void): void {
  const r = f.local('i32');
  const i = f.local('i32');
  const p = f.local('i32');
  const rowBytes = f.local('i32');
  f.get(C).i32(2).op(0x74).set(rowBytes);
  f.for(
    r,
    () => f.i32(0),
    () => f.get(rows),
    1,
    () => {
      f.get(r).get(rowBytes).op(0x6c).set(p);
      f.for(
        i,
        () => f.i32(0),
        () => f.get(rowBytes),
        16,
        () => body(p, i),
      );
    },
  );
}
