import { ResizeBilinearGrad } from '@tensorflow/tfjs';
import type { ResizeBilinearGradAttrs } from '@tensorflow/tfjs';
import { input, registerJsKernel, shape4 } from './kernel-io.js';
import type { JsBackendName, JsKernelPlanner } from './kernel-io.js';

/** Source coordinates of output row/column `i`, exactly as tfjs's forward ResizeBilinear computes them. */
export function bilinearSource(i: number, ratio: number, inSize: number, halfPixelCenters: boolean): { lo: number; hi: number; frac: number } {
  const f = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
  const lo = Math.max(0, Math.floor(f));
  const hi = Math.min(inSize - 1, Math.ceil(f));
  return { lo, hi, frac: f - lo };
}

/** (in − 1)/(out − 1) with align_corners, else in/out — tfjs's scale. */
export function resizeRatio(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

/**
 * ResizeBilinearGrad for the cpu and wasm backends (Upsample/resize layers). tfjs 4.22's cpu kernel
 * returns a [N,W,H,C] gradient (it throws for non-square images) and both shipped kernels ignore
 * half_pixel_centers. This one is the exact transpose of the forward interpolation.
 */
export const resizeBilinearGradPlanner: JsKernelPlanner = (inputs, attrs) => {
  const a = attrs as unknown as ResizeBilinearGradAttrs;
  const images = input(inputs, 'images', ResizeBilinearGrad);
  const dy = input(inputs, 'dy', ResizeBilinearGrad);
  const [n, h, w, c] = shape4(images, `${ResizeBilinearGrad} images`);
  const [, oh, ow] = shape4(dy, `${ResizeBilinearGrad} dy`);
  const hp = a.halfPixelCenters;
  const rh = resizeRatio(h, oh, a.alignCorners);
  const rw = resizeRatio(w, ow, a.alignCorners);
  const cols = Array.from({ length: ow }, (_, x) => bilinearSource(x, rw, w, hp));
  return {
    shape: [n, h, w, c],
    run(dx, read) {
      const g = read(dy);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const r = bilinearSource(y, rh, h, hp);
          const top = (b * h + r.lo) * w;
          const bot = (b * h + r.hi) * w;
          for (let x = 0; x < ow; x++) {
            const col = cols[x] as { lo: number; hi: number; frac: number };
            const wTL = (1 - r.frac) * (1 - col.frac);
            const wTR = (1 - r.frac) * col.frac;
            const wBL = r.frac * (1 - col.frac);
            const wBR = r.frac * col.frac;
            const tl = (top + col.lo) * c;
            const tr = (top + col.hi) * c;
            const bl = (bot + col.lo) * c;
            const br = (bot + col.hi) * c;
            const g0 = ((b * oh + y) * ow + x) * c;
            for (let k = 0; k < c; k++) {
              const v = g[g0 + k] as number;
              dx[tl + k] = (dx[tl + k] as number) + v * wTL;
              dx[tr + k] = (dx[tr + k] as number) + v * wTR;
              dx[bl + k] = (dx[bl + k] as number) + v * wBL;
              dx[br + k] = (dx[br + k] as number) + v * wBR;
            }
          }
        }
      }
    },
  };
};

export function registerResizeBilinearGrad(backendName: JsBackendName): void {
  registerJsKernel(ResizeBilinearGrad, backendName, resizeBilinearGradPlanner);
}
