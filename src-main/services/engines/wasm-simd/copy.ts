import { Fn } from './assembler.js';
import type { Local } from './assembler.js';
import { vectorsThenTail } from './loops.js';

/**
 * copyRows(src, dst, rows, n, sS, dS): dst[r·dS + j] = src[r·sS + j] for r < rows, j < n
 * (4-byte elements; addresses in bytes, counts and strides in elements). Rows of 4 or more go
 * 16 bytes at a time with a scalar tail; this is channel concatenation and its gradient (SplitV)
 * over [outer, channels] views of NHWC tensors, where rows are a few to a few hundred elements.
 */
export function copyRows(): Fn {
  const f = new Fn('copyRows', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, rows, n, sS, dS] = f.params as [Local, Local, Local, Local, Local, Local];
  const r = f.local('i32');
  const j = f.local('i32');
  const ps = f.local('i32');
  const pd = f.local('i32');
  const bytes = f.local('i32');
  const vecBytes = f.local('i32');
  f.get(n).i32(2).op(0x74).set(bytes);
  f.get(bytes).i32(-16).op(0x71).set(vecBytes);
  f.get(src).set(ps);
  f.get(dst).set(pd);
  f.get(sS).i32(2).op(0x74).set(sS);
  f.get(dS).i32(2).op(0x74).set(dS);
  f.for(
    r,
    () => f.i32(0),
    () => f.get(rows),
    1,
    () => {
      vectorsThenTail(
        f,
        j,
        vecBytes,
        bytes,
        () => {
          f.get(pd).get(j).op(0x6a);
          f.get(ps).get(j).op(0x6a).v128load();
          f.v128store();
        },
        () => {
          f.get(pd).get(j).op(0x6a);
          f.get(ps).get(j).op(0x6a).i32load();
          f.i32store();
        },
      );
      f.inc(ps, sS);
      f.inc(pd, dS);
    },
  );
  return f;
}
