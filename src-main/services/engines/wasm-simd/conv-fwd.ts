import { Fn } from './assembler.js';
import type { Local } from './assembler.js';

/**
 * The forward convolution as a SIMD loop over x [N,H,W,Cin] and w [KH,KW,Cin,Cout] in place:
 *   out[n,oh,ow,co] = Σ_{kh,kw,ci} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · w[kh,kw,ci,co]
 * A unit is one output row (n, oh) for one block of 4·V output channels; units are ordered by
 * channel block first (a block's filter slice stays in cache) and [u0, u1) is a thread's share.
 * Inside a row, P output columns at a time keep P·V f32x4 accumulators in registers; per input
 * channel that is V filter loads and P broadcasts for 2·P·V multiply/adds. Columns whose window
 * crosses the left or right border go one at a time with bounds checks.
 *
 * Parameters (i32; addresses in bytes): x, w, out, N, H, W, Cin, OH, OW, Cout, KH, KW, sh, sw,
 * dh, dw, pt, pl, u0, u1, owA, owB (the interior columns [owA, owB) whose whole window is inside x),
 * then where outputs go: output (n, oh, ow) is pixel (n, oh·osh + oy, ow·osw + ox) of an
 * [N, OHt, OWt, Cout] tensor — OHt, OWt, osh, osw, oy, ox (OH, OW, 1, 1, 0, 0 for a plain
 * convolution; a transposed convolution's phases write every s-th pixel).
 */
export function convFwd(V: number): Fn {
  const P = 4;
  const f = new Fn(`convfwd_${V}`, new Array<'i32'>(28).fill('i32'));
  const [x, w, out, N, H, W, Cin, OH, OW, Cout, KH, KW, sh, sw, dh, dw, pt, pl, u0, u1, owA, owB, OHt, OWt, osh, osw, oy, ox] = f.params as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
    Local, Local, Local, Local, Local, Local,
  ];
  const i32 = () => f.local('i32');
  const [u, rowsTotal, cob, row, n, oh, co, ow, owEnd, kh, kw, ih, iw, ci, px, pw, pxRow, po, wStep, ciBytes, owStep] = Array.from({ length: 21 }, i32) as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const acc: Local[][] = Array.from({ length: P }, () => Array.from({ length: V }, () => f.local('v128')));
  const wv: Local[] = Array.from({ length: V }, () => f.local('v128'));
  const xs = f.local('v128');
  const step: Local[] = [owStep, f.local('i32'), f.local('i32')]; // 1, 2, 3 columns apart, in bytes
  const oStep = f.local('i32'); // bytes between neighbouring output columns in the target

  f.get(N).get(OH).op(0x6c).set(rowsTotal);
  f.get(Cin).i32(2).op(0x74).set(ciBytes); // bytes per input pixel
  f.get(sw).get(ciBytes).op(0x6c).set(owStep); // bytes between neighbouring output columns' inputs
  f.get(Cout).i32(2).op(0x74).set(wStep); // bytes per filter row (one ci)
  f.get(owStep).i32(1).op(0x74).set(step[1] as Local);
  f.get(owStep).get(step[1] as Local).op(0x6a).set(step[2] as Local);
  f.get(osw).get(wStep).op(0x6c).set(oStep);

  /** Emits the accumulation of `np` columns starting at `ow` (checked: one column with bounds tests). */
  const columns = (np: number, checked: boolean) => {
    for (let p = 0; p < np; p++) for (let j = 0; j < V; j++) f.f32(0).f32x4splat().set((acc[p] as Local[])[j] as Local);
    f.for(
      kh,
      () => f.i32(0),
      () => f.get(KH),
      1,
      () => {
        f.get(oh).get(sh).op(0x6c).get(kh).get(dh).op(0x6c).op(0x6a).get(pt).op(0x6b).set(ih);
        f.if(
          () => f.get(ih).get(H).op(0x49), // 0 ≤ ih < H
          () => {
            // pxRow = x + ((n·H + ih)·W)·Cin·4
            f.get(x).get(n).get(H).op(0x6c).get(ih).op(0x6a).get(W).op(0x6c).get(ciBytes).op(0x6c).op(0x6a).set(pxRow);
            f.for(
              kw,
              () => f.i32(0),
              () => f.get(KW),
              1,
              () => {
                f.get(ow).get(sw).op(0x6c).get(kw).get(dw).op(0x6c).op(0x6a).get(pl).op(0x6b).set(iw);
                const body = () => {
                  f.get(pxRow).get(iw).get(ciBytes).op(0x6c).op(0x6a).set(px);
                  // pw = w + ((kh·KW + kw)·Cin)·Cout·4 + co·4
                  f.get(w).get(kh).get(KW).op(0x6c).get(kw).op(0x6a).get(Cin).op(0x6c).get(wStep).op(0x6c).op(0x6a).get(co).i32(2).op(0x74).op(0x6a).set(pw);
                  f.for(
                    ci,
                    () => f.i32(0),
                    () => f.get(Cin),
                    1,
                    () => {
                      for (let j = 0; j < V; j++) f.get(pw).v128load(16 * j).set(wv[j] as Local);
                      for (let p = 0; p < np; p++) {
                        if (p === 0) f.get(px).load32splat().set(xs);
                        else f.get(px).get(step[p - 1] as Local).op(0x6a).load32splat().set(xs);
                        for (let j = 0; j < V; j++) {
                          const a = (acc[p] as Local[])[j] as Local;
                          f.get(a).get(xs).get(wv[j] as Local).f32x4mul().f32x4add().set(a);
                        }
                      }
                      f.inc(px, 4);
                      f.inc(pw, wStep);
                    },
                  );
                };
                if (checked) f.if(() => f.get(iw).get(W).op(0x49), body);
                else body();
              },
            );
          },
        );
      },
    );
    // Store: out + ((((n·OHt + oh·osh + oy)·OWt + ow·osw + ox)·Cout + co)·4
    f.get(out);
    f.get(n).get(OHt).op(0x6c).get(oh).get(osh).op(0x6c).op(0x6a).get(oy).op(0x6a).get(OWt).op(0x6c);
    f.get(ow).get(osw).op(0x6c).op(0x6a).get(ox).op(0x6a).get(Cout).op(0x6c).get(co).op(0x6a).i32(2).op(0x74).op(0x6a).set(po);
    for (let p = 0; p < np; p++) {
      for (let j = 0; j < V; j++) f.get(po).get((acc[p] as Local[])[j] as Local).v128store(16 * j);
      if (p < np - 1) f.inc(po, oStep);
    }
  };

  f.for(
    u,
    () => f.get(u0),
    () => f.get(u1),
    1,
    () => {
      f.get(u).get(rowsTotal).op(0x6e).set(cob); // div_u
      f.get(u).get(rowsTotal).op(0x70).set(row); // rem_u
      f.get(row).get(OH).op(0x6e).set(n);
      f.get(row).get(OH).op(0x70).set(oh);
      f.get(cob).i32(4 * V).op(0x6c).set(co);
      // Left border, one column at a time.
      f.for(
        ow,
        () => f.i32(0),
        () => f.get(owA),
        1,
        () => columns(1, true),
      );
      // Interior, P columns at a time, then the rest of it one at a time.
      f.get(owB).get(owA).op(0x6b).i32(-P).op(0x71).get(owA).op(0x6a).set(owEnd);
      f.for(
        ow,
        () => f.get(owA),
        () => f.get(owEnd),
        P,
        () => columns(P, false),
      );
      f.for(
        ow,
        () => f.get(owEnd),
        () => f.get(owB),
        1,
        () => columns(1, false),
      );
      // Right border.
      f.for(
        ow,
        () => f.get(owB),
        () => f.get(OW),
        1,
        () => columns(1, true),
      );
    },
  );
  return f;
}
