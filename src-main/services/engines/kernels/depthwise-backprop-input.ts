import { backend_util, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropInputAttrs } from '@tensorflow/tfjs';
import { input, registerJsKernel, shape4 } from './kernel-io.js';
import type { JsBackendName, JsKernelPlanner } from './kernel-io.js';

/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend, which ships none (depthwise and
 * separable convolutions cannot train there without it). Input gradient of a depthwise
 * convolution with channel multiplier M, any stride, dilation and padding:
 *   dx[n,ih,iw,c] = Σ_{oh,ow,kh,kw,m : ih = oh·sh + kh·dh − pt, iw = ow·sw + kw·dw − pl} dy[n,oh,ow,c·M+m] · W[kh,kw,c,m]
 * computed as a scatter over dy with the channel loop innermost (contiguous in NHWC).
 */
export const depthwiseBackpropInputPlanner: JsKernelPlanner = (inputs, attrs) => {
  const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const dy = input(inputs, 'dy', DepthwiseConv2dNativeBackpropInput);
  const filter = input(inputs, 'filter', DepthwiseConv2dNativeBackpropInput);
  const fs = shape4(filter, `${DepthwiseConv2dNativeBackpropInput} filter`);
  const info = backend_util.computeConv2DInfo(a.inputShape, fs, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  const [n, h, w, c] = a.inputShape;
  const [kh, kw, , m] = fs;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight: oh, outWidth: ow } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const cm = c * m;
  return {
    shape: [n, h, w, c],
    run(dx, read) {
      const g = read(dy);
      const f = read(filter);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          for (let x = 0; x < ow; x++) {
            const g0 = ((b * oh + y) * ow + x) * cm;
            for (let i = 0; i < kh; i++) {
              const iy = y * sh + i * dh - pt;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = x * sw + j * dw - pl;
                if (ix < 0 || ix >= w) continue;
                const d0 = ((b * h + iy) * w + ix) * c;
                const f0 = (i * kw + j) * cm;
                if (m === 1) {
                  for (let k = 0; k < c; k++) dx[d0 + k] = (dx[d0 + k] as number) + (g[g0 + k] as number) * (f[f0 + k] as number);
                } else {
                  for (let k = 0; k < c; k++) {
                    let s = 0;
                    for (let q = 0; q < m; q++) s += (g[g0 + k * m + q] as number) * (f[f0 + k * m + q] as number);
                    dx[d0 + k] = (dx[d0 + k] as number) + s;
                  }
                }
              }
            }
          }
        }
      }
    },
  };
};

export function registerDepthwiseBackpropInput(backendName: JsBackendName): void {
  registerJsKernel(DepthwiseConv2dNativeBackpropInput, backendName, depthwiseBackpropInputPlanner);
}
