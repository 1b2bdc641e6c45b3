import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelBackendArg } from './kernel-io.js';
import { callKernel, callOriginal, disposeIntermediate, expectConvDy, input, replaceKernel, shape4 } from './kernel-io.js';

/**
 * Conv2DBackpropFilter on WebGPU as one matrix product per filter tap. tfjs-backend-webgpu's own
 * kernel gives each of the KH·KW·Cin·Cout outputs to one thread that loops over the whole batch:
 * in a ResNet-20 step at batch 256 on an H100 it was 816 of ~850 ms (../shared/gpu/README.md).
 * Here, for each tap (kh, kw):
 *
 *   dW[kh, kw] = X_tapᵀ · dY,   X_tap = x (padded) at rows kh·dh + oh·sh, columns kw·dw + ow·sw,
 *
 * with X_tap seen as [M = N·OH·OW, Cin] and dY as [M, Cout]: a product with a small output
 * (Cin × Cout) and a long reduction (M), the shape for which tfjs-backend-webgpu's BatchMatMul
 * splits the reduction over workgroups (its split-K program, accumulating with atomics) instead of
 * giving each output one thread. The taps' [Cin, Cout] results are stacked into [KH, KW, Cin,
 * Cout]. Everything is the backend's own kernels (Pad, StridedSlice, Reshape, BatchMatMul,
 * Concat), so it needs nothing beyond what the backend ships; NCHW goes to the shipped kernel.
 */
export function conv2dBackpropFilterByTaps(backendName: string, backend: KernelBackendArg, x: TensorInfo, dy: TensorInfo, attrs: NamedAttrMap): TensorInfo {
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  const xs = shape4(x, `${Conv2DBackpropFilter} x`);
  const info = backend_util.computeConv2DInfo(xs, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [n, , , cin] = xs;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: cout, dilationHeight: dh, dilationWidth: dw } = info;
  expectConvDy(dy, [n, oh, ow, cout], Conv2DBackpropFilter, `for x [${xs.join(', ')}]`);
  const m = n * oh * ow;
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    const p = info.padInfo;
    const padded =
      p.top > 0 || p.bottom > 0 || p.left > 0 || p.right > 0
        ? keep(
            callKernel('PadV2', backendName, backend, { x }, {
              paddings: [
                [0, 0],
                [Math.max(0, p.top), Math.max(0, p.bottom)],
                [Math.max(0, p.left), Math.max(0, p.right)],
                [0, 0],
              ],
              constantValue: 0,
            } as unknown as NamedAttrMap),
          )
        : x;
    const dy2 = keep(callKernel('Reshape', backendName, backend, { x: dy }, { shape: [1, m, cout] } as unknown as NamedAttrMap));
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const y0 = i * dh;
        const x0 = j * dw;
        const tap = keep(
          callKernel('StridedSlice', backendName, backend, { x: padded }, {
            begin: [0, y0, x0, 0],
            end: [n, y0 + (oh - 1) * sh + 1, x0 + (ow - 1) * sw + 1, cin],
            strides: [1, sh, sw, 1],
            beginMask: 0,
            endMask: 0,
            ellipsisMask: 0,
            newAxisMask: 0,
            shrinkAxisMask: 0,
          } as unknown as NamedAttrMap),
        );
        const a3 = keep(callKernel('Reshape', backendName, backend, { x: tap }, { shape: [1, m, cin] } as unknown as NamedAttrMap));
        const prod = keep(callKernel('BatchMatMul', backendName, backend, { a: a3, b: dy2 }, { transposeA: true, transposeB: false } as unknown as NamedAttrMap));
        taps.push(keep(callKernel('Reshape', backendName, backend, { x: prod }, { shape: [cin, cout] } as unknown as NamedAttrMap)));
      }
    }
    const stacked = taps.length === 1 ? (taps[0] as TensorInfo) : keep(callKernel('Concat', backendName, backend, taps as unknown as NamedTensorInfoMap, { axis: 0 } as unknown as NamedAttrMap)) // Concat takes its inputs as a list;
    return callKernel('Reshape', backendName, backend, { x: stacked }, { shape: [kh, kw, cin, cout] } as unknown as NamedAttrMap);
  } finally {
    disposeIntermediate(backend, ...temps);
  }
}

/** Registers the kernel for `webgpu` (replacing the shipped one, kept for NCHW). */
export function registerConv2dBackpropFilterByTaps(backendName: 'webgpu'): void {
  replaceKernel({
    kernelName: Conv2DBackpropFilter,
    backendName,
    kernelFunc: (args) => {
      const attrs = (args.attrs ?? {}) as NamedAttrMap;
      if ((attrs as unknown as Conv2DBackpropFilterAttrs).dataFormat === 'NCHW') return callOriginal(Conv2DBackpropFilter, backendName, args);
      return conv2dBackpropFilterByTaps(backendName, args.backend, input(args.inputs, 'x', Conv2DBackpropFilter), input(args.inputs, 'dy', Conv2DBackpropFilter), attrs);
    },
  });
}
