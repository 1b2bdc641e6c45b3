import { assemble, Fn } from './assembler.js';
import type { Local } from './assembler.js';
import { wgrad } from './conv-grad.js';
import { convFwd } from './conv-fwd.js';
import { copyRows } from './copy.js';
import { elementwiseFns } from './elementwise.js';
import { rowsByChannels } from './loops.js';

/**
 * SIMD loops for the project's wasm kernels, assembled at run time and instantiated on the wasm
 * backend's own memory, so they read and write tensors in place: 4x4 f32 transposes with
 * shuffles, blocked row copies, per-channel sums (f32x4 partial sums over 64 rows, flushed into
 * f64 accumulators), and BatchNorm's forward pass and gradient sums. All addresses are bytes; all
 * counts and strides are elements (4 bytes). Loops over channels need a multiple of 4 channels
 * (the callers check).
 */

const ROWS_PER_FLUSH = 64;

/** Emits: acc64[0..n) += f64(acc32[0..n)) for n a multiple of 4. */
function flush(f: Fn, acc32: Local, acc64: Local, n: () => void, i: Local, p: Local, q: Local, v: Local): void {
  f.for(
    i,
    () => f.i32(0),
    n,
    4,
    () => {
      f.addr(acc32, i, 4).set(p);
      f.get(p).v128load().set(v);
      f.addr(acc64, i, 8).set(q);
      f.get(q).get(q).v128load().get(v).f64x2promoteLow().f64x2add().v128store();
      f.get(q).get(q).v128load(16).get(v).high64().f64x2promoteLow().f64x2add().v128store(16);
    },
  );
}

/** Emits: locals ← min(a, b) for i32. */
function min(f: Fn, a: () => void, b: () => void): void {
  a();
  b();
  a();
  b();
  f.op(0x48); // i32.lt_s
  f.op(0x1b); // select
}

/**
 * transpose(src, dst, R, C, sS, dS, M, sM, dM): dst[c·dS + m·dM + r] = src[r·sS + m·sM + c] for
 * r < R, c < C, m < M (4-byte elements). Rows go in blocks of 4, then the middle axis, then
 * columns in blocks of 4 (4x4 shuffles): every inner step reads 4 and writes 4 sequential streams,
 * which keeps power-of-two strides (a batch of 32 images of 32x32) from thrashing one cache set.
 */
function transpose(): Fn {
  const f = new Fn('transpose', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, R, C, sS, dS, M, sM, dM] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const r = f.local('i32');
  const c = f.local('i32');
  const m = f.local('i32');
  const R4 = f.local('i32');
  const C4 = f.local('i32');
  const pS = f.local('i32');
  const pD = f.local('i32');
  const sS4 = f.local('i32');
  const dS4 = f.local('i32');
  const v = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')] as const;
  const t = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')] as const;
  const srcAt = () => f.get(src).get(r).get(sS).op(0x6c).get(m).get(sM).op(0x6c).op(0x6a).get(c).op(0x6a).i32(2).op(0x74).op(0x6a);
  const dstAt = () => f.get(dst).get(c).get(dS).op(0x6c).get(m).get(dM).op(0x6c).op(0x6a).get(r).op(0x6a).i32(2).op(0x74).op(0x6a);
  f.get(R).i32(-4).op(0x71).set(R4); // R & ~3
  f.get(C).i32(-4).op(0x71).set(C4);
  f.get(sS).i32(2).op(0x74).set(sS4); // bytes
  f.get(dS).i32(2).op(0x74).set(dS4);
  f.for(
    r,
    () => f.i32(0),
    () => f.get(R4),
    4,
    () =>
      f.for(
        m,
        () => f.i32(0),
        () => f.get(M),
        1,
        () =>
          f.for(
            c,
            () => f.i32(0),
            () => f.get(C4),
            4,
            () => {
              srcAt();
              f.set(pS);
              for (let k = 0; k < 4; k++) {
                f.get(pS).v128load().set(v[k] as Local);
                if (k < 3) f.inc(pS, sS4);
              }
              f.get(v[0]).get(v[1]).shuffle32([0, 4, 1, 5]).set(t[0]);
              f.get(v[0]).get(v[1]).shuffle32([2, 6, 3, 7]).set(t[1]);
              f.get(v[2]).get(v[3]).shuffle32([0, 4, 1, 5]).set(t[2]);
              f.get(v[2]).get(v[3]).shuffle32([2, 6, 3, 7]).set(t[3]);
              dstAt();
              f.set(pD);
              const cols: [Local, Local, [number, number, number, number]][] = [
                [t[0], t[2], [0, 1, 4, 5]],
                [t[0], t[2], [2, 3, 6, 7]],
                [t[1], t[3], [0, 1, 4, 5]],
                [t[1], t[3], [2, 3, 6, 7]],
              ];
              cols.forEach(([a, b, lanes], k) => {
                f.get(pD).get(a).get(b).shuffle32(lanes).v128store();
                if (k < 3) f.inc(pD, dS4);
              });
            },
          ),
      ),
  );
  // Scalar edges: columns C4..C of every row, then rows R4..R of columns 0..C4.
  const scalar = (r0: () => void, r1: () => void, c0: () => void, c1: () => void) =>
    f.for(r, r0, r1, 1, () =>
      f.for(
        m,
        () => f.i32(0),
        () => f.get(M),
        1,
        () =>
          f.for(c, c0, c1, 1, () => {
            dstAt();
            srcAt();
            f.i32load().i32store();
          }),
      ),
    );
  scalar(
    () => f.i32(0),
    () => f.get(R),
    () => f.get(C4),
    () => f.get(C),
  );
  scalar(
    () => f.get(R4),
    () => f.get(R),
    () => f.i32(0),
    () => f.get(C4),
  );
  return f;
}

/**
 * moveBlocks(src, dst, R, C, E, sS, dS): element (r,c) of E contiguous values, at r·sS + c·E,
 * moves to c·dS + r·E. Rows go in blocks of 4 (4 sequential read streams, 4·E-long writes).
 */
function moveBlocks(): Fn {
  const f = new Fn('moveBlocks', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, dst, R, C, E, sS, dS] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const r0 = f.local('i32');
  const r1 = f.local('i32');
  const r = f.local('i32');
  const c = f.local('i32');
  const e = f.local('i32');
  const pS = f.local('i32');
  const pD = f.local('i32');
  const bytes = f.local('i32');
  f.get(E).i32(2).op(0x74).set(bytes);
  f.for(
    r0,
    () => f.i32(0),
    () => f.get(R),
    4,
    () => {
      min(
        f,
        () => f.get(r0).i32(4).op(0x6a),
        () => f.get(R),
      );
      f.set(r1);
      f.for(
        c,
        () => f.i32(0),
        () => f.get(C),
        1,
        () =>
          f.for(
            r,
            () => f.get(r0),
            () => f.get(r1),
            1,
            () => {
              f.get(src).get(r).get(sS).op(0x6c).get(c).get(E).op(0x6c).op(0x6a).i32(2).op(0x74).op(0x6a).set(pS);
              f.get(dst).get(c).get(dS).op(0x6c).get(r).get(E).op(0x6c).op(0x6a).i32(2).op(0x74).op(0x6a).set(pD);
              f.if(
                () => f.get(E).i32(3).op(0x71).op(0x45), // E % 4 == 0
                () =>
                  f.for(
                    e,
                    () => f.i32(0),
                    () => f.get(bytes),
                    16,
                    () => {
                      f.get(pD).get(e).op(0x6a);
                      f.get(pS).get(e).op(0x6a).v128load();
                      f.v128store();
                    },
                  ),
                () => f.get(pD).get(pS).get(bytes).memcopy(),
              );
            },
          ),
      );
    },
  );
  return f;
}

/** colsum(src, out, outer, red, inner, scale, acc32, acc64): out[o,i] = scale·Σ_r src[o,r,i]; inner % 4 == 0. */
function colsum(): Fn {
  const f = new Fn('colsum', ['i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'i32', 'i32']);
  const [src, out, outer, red, inner, scale, acc32, acc64] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local];
  const o = f.local('i32');
  const r0 = f.local('i32');
  const r1 = f.local('i32');
  const r = f.local('i32');
  const i = f.local('i32');
  const p = f.local('i32');
  const q = f.local('i32');
  const rowBytes = f.local('i32');
  const v = f.local('v128');
  f.get(inner).i32(2).op(0x74).set(rowBytes);
  f.for(
    o,
    () => f.i32(0),
    () => f.get(outer),
    1,
    () => {
      f.get(acc64).i32(0).get(inner).i32(3).op(0x74).memfill();
      f.for(
        r0,
        () => f.i32(0),
        () => f.get(red),
        ROWS_PER_FLUSH,
        () => {
          min(
            f,
            () => f.get(r0).i32(ROWS_PER_FLUSH).op(0x6a),
            () => f.get(red),
          );
          f.set(r1);
          f.get(acc32).i32(0).get(rowBytes).memfill();
          f.for(
            r,
            () => f.get(r0),
            () => f.get(r1),
            1,
            () => {
              // p = src + ((o·red + r)·inner)·4
              f.get(src).get(o).get(red).op(0x6c).get(r).op(0x6a).get(rowBytes).op(0x6c).op(0x6a).set(p);
              f.for(
                i,
                () => f.i32(0),
                () => f.get(rowBytes),
                16,
                () => {
                  f.get(acc32).get(i).op(0x6a).tee(q);
                  f.get(q).v128load().get(p).get(i).op(0x6a).v128load().f32x4add();
                  f.v128store();
                },
              );
            },
          );
          flush(f, acc32, acc64, () => f.get(inner), i, p, q, v);
        },
      );
      f.for(
        i,
        () => f.i32(0),
        () => f.get(inner),
        1,
        () => {
          f.get(out).get(o).get(inner).op(0x6c).get(i).op(0x6a).i32(2).op(0x74).op(0x6a);
          f.addr(acc64, i, 8).f64load().get(scale).op(0xa2).op(0xb6); // f64.mul, f32.demote_f64
          f.f32store();
        },
      );
    },
  );
  return f;
}

/** bnsums(x, dy, mean, out, rows, C, acc32, acc64): out[0,c] = Σdy, out[1,c] = Σdy·(x−mean[c]); C % 4 == 0. */
function bnsums(): Fn {
  const f = new Fn('bnsums', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, dy, mean, out, rows, C, acc32, acc64] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local];
  const r0 = f.local('i32');
  const r1 = f.local('i32');
  const r = f.local('i32');
  const i = f.local('i32');
  const p = f.local('i32');
  const q = f.local('i32');
  const a = f.local('i32');
  const rowBytes = f.local('i32');
  const n2 = f.local('i32');
  const v = f.local('v128');
  const d = f.local('v128');
  f.get(C).i32(2).op(0x74).set(rowBytes);
  f.get(C).i32(1).op(0x74).set(n2);
  f.get(acc64).i32(0).get(n2).i32(3).op(0x74).memfill();
  f.for(
    r0,
    () => f.i32(0),
    () => f.get(rows),
    ROWS_PER_FLUSH,
    () => {
      min(
        f,
        () => f.get(r0).i32(ROWS_PER_FLUSH).op(0x6a),
        () => f.get(rows),
      );
      f.set(r1);
      f.get(acc32).i32(0).get(n2).i32(2).op(0x74).memfill();
      f.for(
        r,
        () => f.get(r0),
        () => f.get(r1),
        1,
        () => {
          f.get(r).get(rowBytes).op(0x6c).set(p); // row offset in bytes
          f.for(
            i,
            () => f.i32(0),
            () => f.get(rowBytes),
            16,
            () => {
              f.get(dy).get(p).op(0x6a).get(i).op(0x6a).v128load().set(d);
              f.get(acc32).get(i).op(0x6a).tee(a);
              f.get(a).v128load().get(d).f32x4add().v128store();
              f.get(a).get(rowBytes).op(0x6a).tee(q);
              f.get(q).v128load();
              f.get(d);
              f.get(x).get(p).op(0x6a).get(i).op(0x6a).v128load();
              f.get(mean).get(i).op(0x6a).v128load().f32x4sub();
              f.f32x4mul().f32x4add().v128store();
            },
          );
        },
      );
      flush(f, acc32, acc64, () => f.get(n2), i, p, q, v);
    },
  );
  f.for(
    i,
    () => f.i32(0),
    () => f.get(n2),
    1,
    () => {
      f.addr(out, i, 4);
      f.addr(acc64, i, 8).f64load().op(0xb6);
      f.f32store();
    },
  );
  return f;
}

/** bnfwd(x, out, mean, a, beta, rows, C): out = (x − mean)·a + beta per channel; C % 4 == 0. */
function bnfwd(): Fn {
  const f = new Fn('bnfwd', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, out, mean, a, beta, rows, C] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  rowsByChannels(f, rows, C, (p, i) => {
    f.get(out).get(p).op(0x6a).get(i).op(0x6a);
    f.get(x).get(p).op(0x6a).get(i).op(0x6a).v128load();
    f.get(mean).get(i).op(0x6a).v128load().f32x4sub();
    f.get(a).get(i).op(0x6a).v128load().f32x4mul();
    f.get(beta).get(i).op(0x6a).v128load().f32x4add();
    f.v128store();
  });
  return f;
}

/**
 * bnbwd(dy, x, out, mean, A, B, K, rows, C): out[r,c] = A[c]·dy[r,c] + B[c]·(x[r,c] − mean[c]) + K[c]
 * — BatchNorm's input gradient in training mode once its per-channel sums are known; C % 4 == 0.
 */
function bnbwd(): Fn {
  const f = new Fn('bnbwd', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [dy, x, out, mean, A, B, K, rows, C] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
  rowsByChannels(f, rows, C, (p, i) => {
    f.get(out).get(p).op(0x6a).get(i).op(0x6a);
    f.get(dy).get(p).op(0x6a).get(i).op(0x6a).v128load();
    f.get(A).get(i).op(0x6a).v128load().f32x4mul();
    f.get(x).get(p).op(0x6a).get(i).op(0x6a).v128load();
    f.get(mean).get(i).op(0x6a).v128load().f32x4sub();
    f.get(B).get(i).op(0x6a).v128load().f32x4mul().f32x4add();
    f.get(K).get(i).op(0x6a).v128load().f32x4add();
    f.v128store();
  });
  return f;
}

/** Filter-gradient variants: (input channels per block, f32x4 vectors of output channels per block). */
export const WGRAD_VARIANTS: readonly (readonly [number, number])[] = [
  [4, 2],
  [4, 1],
  [1, 2],
  [1, 1],
];

/** The module's bytes, for a shared (threaded backend) or unshared memory. */
export function simdKernelsModule(shared: boolean): Uint8Array {
  return assemble([transpose(), moveBlocks(), colsum(), bnsums(), bnfwd(), bnbwd(), ...WGRAD_VARIANTS.map(([c, v]) => wgrad(c, v)), ...elementwiseFns(), copyRows(), convFwd(2), convFwd(1)], { shared });
}

/** The exports, as JavaScript sees them. */
export interface SimdKernelExports {
  transpose(src: number, dst: number, R: number, C: number, srcStride: number, dstStride: number, M: number, srcMid: number, dstMid: number): void;
  moveBlocks(src: number, dst: number, R: number, C: number, E: number, srcStride: number, dstStride: number): void;
  colsum(src: number, out: number, outer: number, red: number, inner: number, scale: number, acc32: number, acc64: number): void;
  bnsums(x: number, dy: number, mean: number, out: number, rows: number, C: number, acc32: number, acc64: number): void;
  bnfwd(x: number, out: number, mean: number, a: number, beta: number, rows: number, C: number): void;
  bnbwd(dy: number, x: number, out: number, mean: number, A: number, B: number, K: number, rows: number, C: number): void;
  copyRows(src: number, dst: number, rows: number, n: number, srcStride: number, dstStride: number): void;
  /** wgrad_<CIB>_<V>(x, dy, out, N, H, W, Cin, OH, OW, Cout, KW, sh, sw, dh, dw, pt, pl, u0, u1, rows, nCiB, ciBase, nCoB, owTab). */
  [wgrad: `wgrad_${number}_${number}`]: (...args: number[]) => void;
  /** convfwd_<V>(x, w, out, N, H, W, Cin, OH, OW, Cout, KH, KW, sh, sw, dh, dw, pt, pl, u0, u1, owA, owB, OHt, OWt, osh, osw, oy, ox) (conv-fwd.ts). */
  [convfwd: `convfwd_${number}`]: (...args: number[]) => void;
  /** Element-wise loops (elementwise.ts): ew_<op>_<form>(a, b, out, n | rows, c) and un_<op>(a, out, n). */
  [ew: `ew_${string}` | `un_${string}`]: (...args: number[]) => void;
}
