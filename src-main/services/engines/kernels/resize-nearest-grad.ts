import { ResizeNearestNeighborGrad } from '@tensorflow/tfjs';
import type { ResizeNearestNeighborGradAttrs } from '@tensorflow/tfjs';
import { input, registerJsKernel, shape4 } from './kernel-io.js';
import type { JsBackendName, JsKernelPlanner } from './kernel-io.js';
import { resizeRatio } from './resize-bilinear-grad.js';

/** Source row/column of output `i`, exactly as tfjs's forward ResizeNearestNeighbor picks it. */
export function nearestSource(i: number, ratio: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const f = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
  const s = Math.min(inSize - 1, alignCorners ? Math.round(f) : Math.floor(f));
  return halfPixelCenters ? Math.max(0, s) : s;
}

/**
 * ResizeNearestNeighborGrad for the cpu and wasm backends (nearest Upsample). tfjs 4.22's cpu
 * kernel reads dy at the image's batch offset, so every batch element after the first gets a
 * wrong gradient; both shipped kernels ignore half_pixel_centers. This one is the exact
 * transpose of the forward pass: each dy is added to the pixel it was copied from.
 */
export const resizeNearestGradPlanner: JsKernelPlanner = (inputs, attrs) => {
  const a = attrs as unknown as ResizeNearestNeighborGradAttrs;
  const images = input(inputs, 'images', ResizeNearestNeighborGrad);
  const dy = input(inputs, 'dy', ResizeNearestNeighborGrad);
  const [n, h, w, c] = shape4(images, `${ResizeNearestNeighborGrad} images`);
  const [, oh, ow] = shape4(dy, `${ResizeNearestNeighborGrad} dy`);
  const rh = resizeRatio(h, oh, a.alignCorners);
  const rw = resizeRatio(w, ow, a.alignCorners);
  const cols = Int32Array.from({ length: ow }, (_, x) => nearestSource(x, rw, w, a.alignCorners, a.halfPixelCenters));
  return {
    shape: [n, h, w, c],
    run(dx, read) {
      const g = read(dy);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const row = (b * h + nearestSource(y, rh, h, a.alignCorners, a.halfPixelCenters)) * w;
          for (let x = 0; x < ow; x++) {
            const d0 = (row + (cols[x] as number)) * c;
            const g0 = ((b * oh + y) * ow + x) * c;
            for (let k = 0; k < c; k++) dx[d0 + k] = (dx[d0 + k] as number) + (g[g0 + k] as number);
          }
        }
      }
    },
  };
};

export function registerResizeNearestGrad(backendName: JsBackendName): void {
  registerJsKernel(ResizeNearestNeighborGrad, backendName, resizeNearestGradPlanner);
}
