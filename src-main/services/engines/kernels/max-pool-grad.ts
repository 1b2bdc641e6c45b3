import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs';
import type { MaxPoolGradAttrs } from '@tensorflow/tfjs';
import { input, registerJsKernel, shape4 } from './kernel-io.js';
import type { JsBackendName, JsKernelPlanner } from './kernel-io.js';

/**
 * MaxPoolGrad for the wasm backend. tfjs 4.22's wasm kernel misroutes gradients in common cases:
 * 2x2/2 'valid' pooling of a 2x8x8x4 input (relative error 0.66–0.97 against the cpu backend),
 * 3x3/2 'same' pooling of a 6x7x3 input (0.2–0.4), and a 4x4 'same' window whose maximum is
 * negative (its gradient is dropped, as if a padding zero had won). This one routes each dy to the
 * first maximal cell of its window among the cells inside the input, exactly as the forward pass
 * (and the cpu backend) choose it.
 */
export const maxPoolGradPlanner: JsKernelPlanner = (inputs, attrs) => {
  const a = attrs as unknown as MaxPoolGradAttrs;
  const dy = input(inputs, 'dy', MaxPoolGrad);
  const x = input(inputs, 'input', MaxPoolGrad);
  const xs = shape4(x, `${MaxPoolGrad} input`);
  const info = backend_util.computePool2DInfo(xs, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const [n, h, w, c] = xs;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw, outHeight: oh, outWidth: ow } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  return {
    shape: [n, h, w, c],
    run(dx, read) {
      const xv = read(x);
      const g = read(dy);
      const best = new Float32Array(c);
      const where = new Int32Array(c);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const y0 = Math.max(0, y * sh - pt);
          const y1 = Math.min(h, y * sh - pt + fh);
          for (let xo = 0; xo < ow; xo++) {
            const x0 = Math.max(0, xo * sw - pl);
            const x1 = Math.min(w, xo * sw - pl + fw);
            best.fill(Number.NEGATIVE_INFINITY);
            where.fill(-1);
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const p0 = ((b * h + iy) * w + ix) * c;
                for (let k = 0; k < c; k++) {
                  const v = xv[p0 + k] as number;
                  if (v > (best[k] as number)) {
                    best[k] = v;
                    where[k] = p0 + k;
                  }
                }
              }
            }
            const g0 = ((b * oh + y) * ow + xo) * c;
            for (let k = 0; k < c; k++) {
              const at = where[k] as number;
              if (at >= 0) dx[at] = (dx[at] as number) + (g[g0 + k] as number);
            }
          }
        }
      }
    },
  };
};

export function registerMaxPoolGrad(backendName: JsBackendName): void {
  registerJsKernel(MaxPoolGrad, backendName, maxPoolGradPlanner);
}
