import { backend_util, DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropFilterAttrs } from '@tensorflow/tfjs';
import { input, registerJsKernel, shape4 } from './kernel-io.js';
import type { JsBackendName, JsKernelPlanner } from './kernel-io.js';

/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend, which ships none. Filter gradient of
 * a depthwise convolution with channel multiplier M, any stride, dilation and padding:
 *   dW[kh,kw,c,m] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, c] · dy[n,oh,ow,c·M+m]
 * The sums run over N·OH·OW terms, so they are accumulated in float64 and rounded once.
 */
export const depthwiseBackpropFilterPlanner: JsKernelPlanner = (inputs, attrs) => {
  const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const x = input(inputs, 'x', DepthwiseConv2dNativeBackpropFilter);
  const dy = input(inputs, 'dy', DepthwiseConv2dNativeBackpropFilter);
  const xs = shape4(x, `${DepthwiseConv2dNativeBackpropFilter} x`);
  const info = backend_util.computeConv2DInfo(xs, a.filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  const [n, h, w, c] = xs;
  const [kh, kw, , m] = a.filterShape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight: oh, outWidth: ow } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const cm = c * m;
  return {
    shape: [kh, kw, c, m],
    run(dW, read) {
      const xv = read(x);
      const g = read(dy);
      const acc = new Float64Array(kh * kw * cm);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          for (let xo = 0; xo < ow; xo++) {
            const g0 = ((b * oh + y) * ow + xo) * cm;
            for (let i = 0; i < kh; i++) {
              const iy = y * sh + i * dh - pt;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = xo * sw + j * dw - pl;
                if (ix < 0 || ix >= w) continue;
                const x0 = ((b * h + iy) * w + ix) * c;
                const a0 = (i * kw + j) * cm;
                if (m === 1) {
                  for (let k = 0; k < c; k++) acc[a0 + k] = (acc[a0 + k] as number) + (xv[x0 + k] as number) * (g[g0 + k] as number);
                } else {
                  for (let k = 0; k < c; k++) {
                    const xk = xv[x0 + k] as number;
                    for (let q = 0; q < m; q++) acc[a0 + k * m + q] = (acc[a0 + k * m + q] as number) + xk * (g[g0 + k * m + q] as number);
                  }
                }
              }
            }
          }
        }
      }
      dW.set(acc);
    },
  };
};

export function registerDepthwiseBackpropFilter(backendName: JsBackendName): void {
  registerJsKernel(DepthwiseConv2dNativeBackpropFilter, backendName, depthwiseBackpropFilterPlanner);
}
