import { backend_util, Conv2D, DepthwiseConv2dNative, FusedConv2D, FusedDepthwiseConv2D } from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap } from '@tensorflow/tfjs';
import { conv2dSimd } from './conv2d-simd.js';
import { input, originalKernel, pair, replaceKernel, shape4 } from './kernel-io.js';

/** The forward convolutions whose wasm kernels mishandle 'same' padding. */
export const SAME_PADDING_CONVS = [Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D] as const;

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * The explicit padding that tfjs's 'same' means for this convolution (TensorFlow's rule: the
 * output is ceil(in/stride); the total padding max((out−1)·stride + effective kernel − in, 0) is
 * split with the smaller half on top/left).
 */
export function explicitSamePadding(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  dilations: number | [number, number],
  depthwise: boolean,
): ExplicitPadding {
  const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, 'same', undefined, depthwise, 'channelsLast');
  const p = info.padInfo;
  return [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ];
}

/**
 * Conv2D and FusedConv2D first try the project's SIMD convolution (conv2d-simd.ts). Otherwise this
 * wraps the wasm backend's own forward convolutions so that 'same' padding reaches them as the
 * equivalent explicit padding. tfjs 4.22's wasm Conv2D / FusedConv2D / DepthwiseConv2dNative /
 * FusedDepthwiseConv2D return zeros or wrong values for 'same' whenever the padding needed along
 * one axis is zero or "negative" while the kernel is not 1x1 along it — e.g. a 3x1 kernel with
 * stride (1,2) on a 6x8 input, or 2x2/3 on 6x8 — found by sweeping kernels, strides and sizes
 * against the cpu backend. With explicit padding the same kernels are right in every case swept.
 */
export function registerSamePaddingConvs(backendName: 'wasm'): void {
  for (const kernelName of SAME_PADDING_CONVS) {
    const orig = originalKernel(kernelName, backendName);
    if (orig === undefined) throw new Error(`kernel '${kernelName}' is not registered for backend '${backendName}'`);
    const depthwise = kernelName === DepthwiseConv2dNative || kernelName === FusedDepthwiseConv2D;
    const config: KernelConfig = {
      kernelName,
      backendName,
      kernelFunc: (args) => {
        // Conv2D / FusedConv2D: the project's SIMD convolution where it applies (conv2d-simd.ts).
        const fast = kernelName === Conv2D || kernelName === FusedConv2D ? conv2dSimd(kernelName, args) : null;
        if (fast !== null) return fast;
        const attrs = args.attrs ?? {};
        if (attrs.pad !== 'same') return orig.kernelFunc(args);
        if (attrs.dataFormat === 'NCHW') return orig.kernelFunc(args);
        const x = shape4(input(args.inputs, 'x', kernelName), `${kernelName} x`);
        const f = shape4(input(args.inputs, 'filter', kernelName), `${kernelName} filter`);
        const strides = pair(attrs.strides as number | [number, number]);
        const dilations = pair((attrs.dilations as number | [number, number] | undefined) ?? 1);
        const pad = explicitSamePadding(x, f, strides, dilations, depthwise);
        return orig.kernelFunc({ ...args, attrs: { ...attrs, pad } as unknown as NamedAttrMap });
      },
    };
    if (orig.setupFunc !== undefined) config.setupFunc = orig.setupFunc;
    if (orig.disposeFunc !== undefined) config.disposeFunc = orig.disposeFunc;
    replaceKernel(config);
  }
}
