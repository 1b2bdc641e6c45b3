import { AvgPoolGrad, backend_util } from '@tensorflow/tfjs';
import type { AvgPoolGradAttrs } from '@tensorflow/tfjs';
import { input, registerJsKernel, shape4 } from './kernel-io.js';
import type { JsBackendName, JsKernelPlanner } from './kernel-io.js';

/**
 * AvgPoolGrad for the cpu and wasm backends. tfjs 4.22's forward average pool divides each
 * window by the number of cells inside the input (padding excluded, as TensorFlow does), but both
 * shipped gradients divide by the full window size, so the gradient is wrong near the border
 * under 'same' padding. This one is the exact transpose of the forward pass: each dy is spread
 * evenly over the cells its window actually averaged.
 */
export const avgPoolGradPlanner: JsKernelPlanner = (inputs, attrs) => {
  const a = attrs as unknown as AvgPoolGradAttrs;
  const dy = input(inputs, 'dy', AvgPoolGrad);
  const x = input(inputs, 'input', AvgPoolGrad);
  const xs = shape4(x, `${AvgPoolGrad} input`);
  const info = backend_util.computePool2DInfo(xs, a.filterSize, a.strides, 1, a.pad);
  const [n, h, w, c] = xs;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw, outHeight: oh, outWidth: ow } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  return {
    shape: [n, h, w, c],
    run(dx, read) {
      const g = read(dy);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const y0 = Math.max(0, y * sh - pt);
          const y1 = Math.min(h, y * sh - pt + fh);
          for (let xo = 0; xo < ow; xo++) {
            const x0 = Math.max(0, xo * sw - pl);
            const x1 = Math.min(w, xo * sw - pl + fw);
            const count = (y1 - y0) * (x1 - x0);
            if (count <= 0) continue;
            const inv = 1 / count;
            const g0 = ((b * oh + y) * ow + xo) * c;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const p0 = ((b * h + iy) * w + ix) * c;
                for (let k = 0; k < c; k++) dx[p0 + k] = (dx[p0 + k] as number) + (g[g0 + k] as number) * inv;
              }
            }
          }
        }
      }
    },
  };
};

export function registerAvgPoolGrad(backendName: JsBackendName): void {
  registerJsKernel(AvgPoolGrad, backendName, avgPoolGradPlanner);
}
