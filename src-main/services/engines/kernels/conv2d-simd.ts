import { backend_util, FusedConv2D } from '@tensorflow/tfjs';
import type { Conv2D, Conv2DAttrs, FusedConv2DAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { simdFor, threadRanges, threadsFor } from '../wasm-simd/index.js';
import type { SimdKernels } from '../wasm-simd/index.js';
import { input, runWasmHeapKernel, shape4 } from './kernel-io.js';

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
 * machine against ~18 for XNNPACK's convolution in tfjs 4.22's wasm build. Needs float32 NHWC
 * and a multiple of 4 output channels; returns null otherwise (the caller uses XNNPACK). Any
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
  if (cout % 4 !== 0 || n * oh * ow * cout === 0 || cin === 0 || fs[2] !== cin) return null;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.reduce((p, d) => p * d, 1) !== cout || bias.shape[bias.shape.length - 1] !== cout)) return null;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  return runWasmHeapKernel(kernelName, args.backend, [n, oh, ow, cout], 'float32', (out, read) => {
    const op = out.byteOffset;
    convFwdInto(simd, { x: read(x).byteOffset, filter: read(filter).byteOffset, out: op, n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, dh, dw, pt, pl });
    const total = n * oh * ow * cout;
    const rows = threadRanges(total / cout, 1, threadsFor(simd, total));
    if (bias !== undefined) {
      const bp = read(bias).byteOffset;
      simd.parallel('ew_add_row', rows.map(([r0, r1]) => [op + 4 * r0 * cout, bp, op + 4 * r0 * cout, r1 - r0, cout]));
    }
    if (activation === 'relu') simd.parallel('un_relu', rows.map(([r0, r1]) => [op + 4 * r0 * cout, op + 4 * r0 * cout, (r1 - r0) * cout]));
  });
}
