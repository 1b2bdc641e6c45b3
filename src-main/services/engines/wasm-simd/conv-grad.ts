import { Fn } from './assembler.js';
import type { Local } from './assembler.js';

/**
 * The convolution filter gradient as a SIMD loop over x and dy in their own NHWC layouts:
 *   dW[kh,kw,ci,co] += Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · dy[n,oh,ow,co]
 * No transposes and no packed weights (XNNPACK packs its "filter" operand on every call, which
 * for a filter gradient is as large as dy: half the time of the transposed-convolution method).
 *
 * Work is split in units = (tap, block of CIB input channels, block of 4·V output channels); a
 * unit keeps CIB·V f32x4 accumulators in registers (≤ 8, so V8 does not spill) and they live in
 * dW between visits. Units are visited for one chunk of output rows at a time (a few KB of dy and
 * x, which stay in L1 across all units), and [u0, u1) selects a thread's share of the units —
 * their outputs are disjoint, so threads need no reduction.
 *
 * Parameters (i32; addresses in bytes): x, dy, out, N, H, W, Cin, OH, OW, Cout, KW, sh, sw, dh,
 * dw, pt, pl, u0, u1, rows (output rows per chunk), nCiB, ciBase (first input channel of the
 * blocks), nCoB, owTab (per kw: the first and one-past-last ow whose input column is inside x).
 */
export function wgrad(CIB: number, V: number): Fn {
  const f = new Fn(`wgrad_${CIB}_${V}`, new Array<'i32'>(24).fill('i32'));
  const P = f.params;
  const at = (i: number) => P[i] as Local;
  const [x, dy, out, N, H, W, Cin, OH, OW, Cout, KW, sh, sw, dh, dwl, pt, pl, u0, u1, rows, nCiB, ciBase, nCoB, owTab] = [...Array(24).keys()].map(at) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const i32 = () => f.local('i32');
  const [n, oh0, oh1, u, t, cib, cob, tap, kh, kw, ci, co, owLo, owHi, oh, ih, px, pd, pa, ow, pxStep, pdStep, rowBytes] = Array.from({ length: 23 }, i32) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const acc: Local[][] = Array.from({ length: CIB }, () => Array.from({ length: V }, () => f.local('v128')));
  const d: Local[] = Array.from({ length: V }, () => f.local('v128'));
  const s1 = f.local('v128');
  const ak: Local[] = Array.from({ length: CIB }, i32); // accumulator row addresses

  f.get(sw).get(Cin).op(0x6c).i32(2).op(0x74).set(pxStep);
  f.get(Cout).i32(2).op(0x74).set(pdStep);
  f.get(Cout).i32(2).op(0x74).set(rowBytes);
  f.for(
    n,
    () => f.i32(0),
    () => f.get(N),
    1,
    () =>
      f.for(
        oh0,
        () => f.i32(0),
        () => f.get(OH),
        rows,
        () => {
          // oh1 = min(oh0 + rows, OH)
          f.get(oh0).get(rows).op(0x6a).get(OH).get(oh0).get(rows).op(0x6a).get(OH).op(0x48).op(0x1b).set(oh1);
          f.for(
            u,
            () => f.get(u0),
            () => f.get(u1),
            1,
            () => {
              f.get(u).get(nCoB).op(0x70).set(cob); // rem_u
              f.get(u).get(nCoB).op(0x6e).set(t); // div_u
              f.get(t).get(nCiB).op(0x70).set(cib);
              f.get(t).get(nCiB).op(0x6e).set(tap);
              f.get(tap).get(KW).op(0x6e).set(kh);
              f.get(tap).get(KW).op(0x70).set(kw);
              f.get(ciBase).get(cib).i32(CIB).op(0x6c).op(0x6a).set(ci);
              f.get(cob).i32(4 * V).op(0x6c).set(co);
              f.get(owTab).get(kw).i32(3).op(0x74).op(0x6a).tee(pa).i32load().set(owLo);
              f.get(pa).i32load(4).set(owHi);
              f.if(
                () => f.get(owLo).get(owHi).op(0x48), // owLo < owHi
                () => {
                  // pa = out + ((tap·Cin + ci)·Cout + co)·4; one accumulator row per input channel.
                  f.get(out).get(tap).get(Cin).op(0x6c).get(ci).op(0x6a).get(Cout).op(0x6c).get(co).op(0x6a).i32(2).op(0x74).op(0x6a).set(pa);
                  for (let k = 0; k < CIB; k++) {
                    if (k === 0) f.get(pa).set(ak[0] as Local);
                    else f.get(ak[k - 1] as Local).get(rowBytes).op(0x6a).set(ak[k] as Local);
                    for (let j = 0; j < V; j++) f.get(ak[k] as Local).v128load(16 * j).set((acc[k] as Local[])[j] as Local);
                  }
                  f.for(
                    oh,
                    () => f.get(oh0),
                    () => f.get(oh1),
                    1,
                    () => {
                      f.get(oh).get(sh).op(0x6c).get(kh).get(dh).op(0x6c).op(0x6a).get(pt).op(0x6b).set(ih);
                      f.if(
                        () => f.get(ih).get(H).op(0x49), // 0 ≤ ih < H (unsigned)
                        () => {
                          // px = x + ((((n·H + ih)·W + owLo·sw + kw·dw − pl)·Cin) + ci)·4
                          f.get(x);
                          f.get(n).get(H).op(0x6c).get(ih).op(0x6a).get(W).op(0x6c);
                          f.get(owLo).get(sw).op(0x6c).op(0x6a).get(kw).get(dwl).op(0x6c).op(0x6a).get(pl).op(0x6b);
                          f.get(Cin).op(0x6c).get(ci).op(0x6a).i32(2).op(0x74).op(0x6a).set(px);
                          // pd = dy + ((((n·OH + oh)·OW + owLo)·Cout) + co)·4
                          f.get(dy);
                          f.get(n).get(OH).op(0x6c).get(oh).op(0x6a).get(OW).op(0x6c).get(owLo).op(0x6a);
                          f.get(Cout).op(0x6c).get(co).op(0x6a).i32(2).op(0x74).op(0x6a).set(pd);
                          // One position per step, each x value broadcast once for all V vectors of
                          // dy: CIB·V accumulators + V + 1 live vectors fit the 16 SIMD registers
                          // (two positions per step, or a broadcast per product, spilled and ran
                          // at half this speed).
                          f.for(
                            ow,
                            () => f.get(owLo),
                            () => f.get(owHi),
                            1,
                            () => {
                              for (let j = 0; j < V; j++) f.get(pd).v128load(16 * j).set(d[j] as Local);
                              for (let k = 0; k < CIB; k++) {
                                f.get(px).load32splat(4 * k).set(s1);
                                for (let j = 0; j < V; j++) {
                                  const a = (acc[k] as Local[])[j] as Local;
                                  f.get(a).get(s1).get(d[j] as Local).f32x4mul().f32x4add().set(a);
                                }
                              }
                              f.inc(px, pxStep);
                              f.inc(pd, pdStep);
                            },
                          );
                        },
                      );
                    },
                  );
                  for (let k = 0; k < CIB; k++) for (let j = 0; j < V; j++) f.get(ak[k] as Local).get((acc[k] as Local[])[j] as Local).v128store(16 * j);
                },
              );
            },
          );
        },
      ),
  );
  return f;
}
