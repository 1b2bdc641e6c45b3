import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/index.js';
import { simdFor } from '../wasm-simd/index.js';
import type { KernelBackendArg } from './kernel-io.js';
import { callKernel, disposeIntermediate, expectConvDy, input, replaceKernel, runWasmHeapKernel, shape4 } from './kernel-io.js';

/**
 * Conv2DBackpropFilter for the wasm backend, which ships none (training any conv net there fails
 * with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"), and for the cpu
 * backend, whose shipped one is far slower than its forward convolution.
 *
 * The filter gradient dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co]
 * is itself an ordinary convolution once the tensors are transposed: take x as a batch of Cin
 * images with N channels ([Cin,H,W,N]) and dy as a filter ([OH,OW,N,Cout]), convolve with stride 1
 * and dilation = the forward stride, and read the result [Cin,KH,KW,Cout] back as [KH,KW,Cin,Cout].
 * The padding is chosen so that exactly KH×KW outputs come out; rows/columns the forward
 * convolution never read (valid padding with a stride that does not divide evenly) are cropped.
 * On wasm this runs on XNNPACK's convolution, about as fast as the forward pass.
 */
export function conv2dBackpropFilterViaConv(
  backendName: string,
  backend: KernelBackendArg,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  const x = input(inputs, 'x', Conv2DBackpropFilter);
  const dy = input(inputs, 'dy', Conv2DBackpropFilter);
  if (a.dataFormat === 'NCHW') throw new Error(`${Conv2DBackpropFilter} on ${backendName}: only NHWC (channels last) is supported`);
  const xs = shape4(x, `${Conv2DBackpropFilter} x`);
  const info = backend_util.computeConv2DInfo(xs, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [n, h, w, cin] = xs;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Rows the convolution must see: top padding, x, then enough zero rows for KH outputs.
  let bottom = kh + (oh - 1) * sh - h - top;
  let right = kw + (ow - 1) * sw - w - left;

  const temps: TensorInfo[] = [];
  try {
    let xt = callKernel('Transpose', backendName, backend, { x }, { perm: [3, 1, 2, 0] }); // [Cin,H,W,N]
    temps.push(xt);
    if (bottom < 0 || right < 0) {
      const hh = h + Math.min(bottom, 0);
      const ww = w + Math.min(right, 0);
      xt = callKernel('Slice', backendName, backend, { x: xt }, { begin: [0, 0, 0, 0], size: [cin, hh, ww, n] });
      temps.push(xt);
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const f = callKernel('Transpose', backendName, backend, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH,OW,N,Cout]
    temps.push(f);
    const conv = callKernel('Conv2D', backendName, backend, { x: xt, filter: f }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dilations: [sh, sw],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    } as unknown as NamedAttrMap); // [Cin,KH,KW,Cout]
    temps.push(conv);
    const cs = shape4(conv, `${Conv2DBackpropFilter} internal`);
    if (cs[1] !== kh || cs[2] !== kw) {
      throw new Error(`${Conv2DBackpropFilter}: internal convolution gave ${cs[1]}x${cs[2]}, expected ${kh}x${kw}`);
    }
    return callKernel('Transpose', backendName, backend, { x: conv }, { perm: [1, 2, 0, 3] });
  } finally {
    disposeIntermediate(backend, ...temps);
  }
}

/** Splits units [0, total) into `parts` contiguous shares (none empty). */
function shares(total: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, t) => [Math.floor((total * t) / n), Math.floor((total * (t + 1)) / n)]);
}

/**
 * The filter gradient straight from x and dy in NHWC with the SIMD loop of wasm-simd/conv-grad.ts
 * (no transposes, no packing), its units shared among the backend's threads. Needs a float32
 * NHWC input and a multiple of 4 output channels; null otherwise (the caller falls back).
 */
export function conv2dBackpropFilterSimd(simd: SimdKernels, backend: KernelBackendArg, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo | null {
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  const x = input(inputs, 'x', Conv2DBackpropFilter);
  const dy = input(inputs, 'dy', Conv2DBackpropFilter);
  if (a.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const xs = shape4(x, `${Conv2DBackpropFilter} x`);
  const info = backend_util.computeConv2DInfo(xs, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [n, h, w, cin] = xs;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  expectConvDy(dy, [n, oh, ow, cout], Conv2DBackpropFilter, `for x [${xs.join(', ')}]`);
  if (cout % 4 !== 0 || cin === 0 || n === 0 || kh === 0 || kw === 0) return null;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const v = cout % 8 === 0 ? 2 : 1;
  const nCoB = cout / (4 * v);
  const nCi4 = Math.floor(cin / 4);
  const tail = cin - 4 * nCi4;
  // Output rows per chunk: a few KB of dy (and the x rows under them) stay in L1 across all units.
  const rows = Math.max(1, Math.min(oh, Math.floor(2048 / Math.max(1, ow * cout))));
  // Per kw: the first and one-past-last output column whose input column lies inside x. Reserved
  // before any view of the heap is taken: growing an unshared heap detaches them.
  const tab = simd.scratch(8 * kw);
  return runWasmHeapKernel(Conv2DBackpropFilter, backend, [kh, kw, cin, cout], 'float32', (out, read) => {
    out.fill(0);
    const t = simd.i32(tab, 2 * kw);
    for (let k = 0; k < kw; k++) {
      t[2 * k] = Math.min(ow, Math.max(0, Math.ceil((pl - k) / sw)));
      t[2 * k + 1] = Math.max(0, Math.min(ow, Math.ceil((w + pl - k) / sw)));
    }
    const xp = read(x).byteOffset;
    const dp = read(dy).byteOffset;
    const op = out.byteOffset;
    const call = (cib: number, nCiB: number, ciBase: number) =>
      simd.parallel(
        `wgrad_${cib}_${v}`,
        shares(kh * kw * nCiB * nCoB, simd.threads).map(([u0, u1]) => [xp, dp, op, n, h, w, cin, oh, ow, cout, kw, sh, sw, 1, 1, pt, pl, u0, u1, rows, nCiB, ciBase, nCoB, tab]),
      );
    if (nCi4 > 0) call(4, nCi4, 0);
    if (tail > 0) call(1, tail, 4 * nCi4);
  });
}

/**
 * Registers the kernel for `wasm` (which lacks it) or `cpu` (whose own is a direct loop ~80x
 * slower than its forward convolution: 208 s against 2.6 s for the shape in bench/conv.ts).
 */
export function registerConv2dBackpropFilter(backendName: 'wasm' | 'cpu'): void {
  replaceKernel({
    kernelName: Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const simd = backendName === 'wasm' ? simdFor(backend) : null;
      return (simd === null ? null : conv2dBackpropFilterSimd(simd, backend, inputs, attrs ?? {})) ?? conv2dBackpropFilterViaConv(backendName, backend, inputs, attrs ?? {});
    },
  });
}
