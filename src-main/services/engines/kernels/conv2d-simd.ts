import { backend_util, FusedConv2D } from '@tensorflow/tfjs';
import type { Conv2D, Conv2DAttrs, FusedConv2DAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { copyRowsOverThreads, simdFor, threadRanges, threadsFor } from '../wasm-simd/index.js';
import type { SimdKernels } from '../wasm-simd/index.js';
import { disposeIntermediate, input, runWasmHeapKernel, shape4 } from './kernel-io.js';
import type { NumericArray } from './kernel-io.js';

/** A direct convolution's geometry (addresses in bytes of the backend's memory; sizes as in conv-fwd.ts). */
export interface ConvFwdCall {
  readonly x: number;
  readonly filter: number;
  readonly out: number;
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly oh: number;
  readonly ow: number;
  readonly cout: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly pt: number;
  readonly pl: number;
  /** Where output (n, oh, ow) goes: pixel (n, oh·osh + oy, ow·osw + ox) of [n, oht, owt, cout]; default the plain [n, oh, ow, cout]. */
  readonly target?: { readonly oht: number; readonly owt: number; readonly osh: number; readonly osw: number; readonly oy: number; readonly ox: number };
}

/** Runs the direct SIMD convolution (cout a multiple of 4, float32 NHWC), its rows shared among the threads. */
export function convFwdInto(simd: SimdKernels, c: ConvFwdCall): void {
  const v = c.cout % 8 === 0 ? 2 : 1;
  const units = (c.cout / (4 * v)) * c.n * c.oh;
  if (units === 0 || c.ow === 0) return;
  // Interior columns: every tap of the window inside x.
  const owA = Math.min(c.ow, Math.max(0, Math.ceil(c.pl / c.sw)));
  const owB = Math.max(owA, Math.min(c.ow, Math.floor((c.w - 1 + c.pl - (c.kw - 1) * c.dw) / c.sw) + 1));
  const t = c.target ?? { oht: c.oh, owt: c.ow, osh: 1, osw: 1, oy: 0, ox: 0 };
  // A few shares per thread (claimed as threads come free: pool.ts), each a run of rows.
  const parts = Math.max(1, Math.min(simd.threads > 1 ? 4 * simd.threads : 1, units));
  simd.parallel(
    `convfwd_${v}`,
    Array.from({ length: parts }, (_, p) => [
      c.x, c.filter, c.out, c.n, c.h, c.w, c.cin, c.oh, c.ow, c.cout, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pt, c.pl,
      Math.floor((units * p) / parts), Math.floor((units * (p + 1)) / parts), owA, owB, t.oht, t.owt, t.osh, t.osw, t.oy, t.ox,
    ]),
  );
}

/**
 * Conv2D and FusedConv2D (no bias or a per-channel one; linear or ReLU) on wasm with the direct
 * SIMD loop of wasm-simd/conv-fwd.ts, its rows shared among the backend's threads: x and the
 * filter are read in place (no im2col, no packing) and, with every output channel in registers
 * for four output columns at a time, it runs at 45–50 GFLOPS per thread on the 2-core build
 * machine against ~18 for XNNPACK's convolution in tfjs 4.22's wasm build. Needs float32 NHWC;
 * other output-channel counts than multiples of 4 go through zero-padded channels (so the shipped
 * kernel, wrong for some numeric paddings, is not used for them either); returns null for other
 * dtypes, layouts or activations (the caller uses XNNPACK). Any
 * stride, dilation and padding ('same', 'valid', explicit) — the padding comes from tfjs's own
 * computeConv2DInfo, so the shipped kernels' 'same' bugs do not apply.
 */
export function conv2dSimd(kernelName: typeof Conv2D | typeof FusedConv2D, args: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo | null {
  const simd = simdFor(args.backend);
  if (simd === null) return null;
  const x = input(args.inputs, 'x', kernelName);
  const filter = input(args.inputs, 'filter', kernelName);
  const a = args.attrs as unknown as FusedConv2DAttrs & Conv2DAttrs;
  const bias = kernelName === FusedConv2D ? args.inputs.bias : undefined;
  const activation = kernelName === FusedConv2D ? (a.activation ?? 'linear') : 'linear';
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || (a.dataFormat !== undefined && a.dataFormat !== 'NHWC')) return null;
  if (activation !== 'linear' && activation !== 'relu') return null;
  if (kernelName === FusedConv2D && args.inputs.preluActivationWeights !== undefined) return null;
  const xs = shape4(x, `${kernelName} x`);
  const fs = shape4(filter, `${kernelName} filter`);
  const info = backend_util.computeConv2DInfo(xs, fs, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [n, h, w, cin] = xs;
  const { outHeight: oh, outWidth: ow, outChannels: cout, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  if (n * oh * ow * cout === 0 || cin === 0 || fs[2] !== cin) return null;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.reduce((p, d) => p * d, 1) !== cout || bias.shape[bias.shape.length - 1] !== cout)) return null;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  // Output channels not a multiple of 4: the filter (and bias) padded with zero channels in scratch
  // memory, the convolution into a temporary with those channels, then its rows copied without them.
  const cout4 = Math.ceil(cout / 4) * 4;
  const padded = cout4 !== cout;
  const filterFloats = kh * kw * cin * cout4;
  // Reserved before any view of the heap is taken: growing an unshared heap detaches them.
  const scratch = padded ? simd.scratch(4 * (filterFloats + cout4)) : 0;
  const run = (out: NumericArray, read: (t: TensorInfo) => NumericArray) => {
    const op = out.byteOffset;
    let fp = read(filter).byteOffset;
    let bp = bias === undefined ? 0 : read(bias).byteOffset;
    if (padded) {
      const src = read(filter);
      const dst = simd.f32(scratch, filterFloats);
      dst.fill(0);
      for (let r = 0; r < kh * kw * cin; r++) dst.set(src.subarray(r * cout, (r + 1) * cout), r * cout4);
      fp = scratch;
      if (bias !== undefined) {
        const b = simd.f32(scratch + 4 * filterFloats, cout4);
        b.fill(0);
        b.set(read(bias));
        bp = scratch + 4 * filterFloats;
      }
    }
    convFwdInto(simd, { x: read(x).byteOffset, filter: fp, out: op, n, h, w, cin, oh, ow, cout: cout4, kh, kw, sh, sw, dh, dw, pt, pl });
    const total = n * oh * ow * cout4;
    const rows = threadRanges(total / cout4, 1, threadsFor(simd, total));
    if (bias !== undefined) simd.parallel('ew_add_row', rows.map(([r0, r1]) => [op + 4 * r0 * cout4, bp, op + 4 * r0 * cout4, r1 - r0, cout4]));
    if (activation === 'relu') simd.parallel('un_relu', rows.map(([r0, r1]) => [op + 4 * r0 * cout4, op + 4 * r0 * cout4, (r1 - r0) * cout4]));
  };
  if (!padded) return runWasmHeapKernel(kernelName, args.backend, [n, oh, ow, cout], 'float32', run);
  const wide = runWasmHeapKernel(kernelName, args.backend, [n, oh, ow, cout4], 'float32', run);
  if (wide === null) return null;
  try {
    return runWasmHeapKernel(kernelName, args.backend, [n, oh, ow, cout], 'float32', (out, read) => copyRowsOverThreads(simd, read(wide).byteOffset, out.byteOffset, n * oh * ow, cout, cout4, cout));
  } finally {
    disposeIntermediate(args.backend, wide);
  }
}
