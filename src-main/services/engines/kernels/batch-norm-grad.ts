import * as tf from '@tensorflow/tfjs';
import { FusedBatchNorm, getKernel } from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, NamedTensorInfoMap, Tensor } from '@tensorflow/tfjs';
import type { JsBackendName } from './kernel-io.js';
import { simdFor, sumPartials, threadRanges, threadsFor } from '../wasm-simd/index.js';
import { expectShapeOf, input, registerJsKernel } from './kernel-io.js';
import { replaceGradient } from './gradient-io.js';

/**
 * The BatchNorm gradient, without Tile and with its four per-channel reductions in one pass.
 *
 * tfjs 4.22's FusedBatchNorm gradient tiles 1/√(var+ε) from [C] to [N,H,W,C] before multiplying
 * (the wasm Tile took 32 % of a ResNet-20 training step), and builds three full-size products and
 * four reductions for the mean, variance, scale and offset gradients. All four need only two
 * per-channel sums, Σdy and Σdy·(x−μ), which the kernel `SkipwireBatchNormGradSums` computes in
 * one pass over x and dy (JavaScript on the wasm heap / cpu arrays, float64 accumulators); with
 * r = 1/√(var+ε) and γ the scale (1 without one):
 *   dx = dy·γr (a broadcast multiply)     dmean = −γr·Σdy      dvar = −½γr³·Σdy(x−μ)
 *   dγ = r·Σdy(x−μ)                       dβ = Σdy
 * — the same formulas as tfjs's. Backends without the sums kernel (WebGPU, native) and shapes it
 * does not cover (mean not a per-channel vector) use tfjs's own gradient unchanged.
 */
export const BATCH_NORM_GRAD_SUMS = 'SkipwireBatchNormGradSums';

export function registerBatchNormGradSums(backendName: JsBackendName): void {
  registerJsKernel(BATCH_NORM_GRAD_SUMS, backendName, (inputs: NamedTensorInfoMap, _attrs, backend) => {
    const x = input(inputs, 'x', BATCH_NORM_GRAD_SUMS);
    const mean = input(inputs, 'mean', BATCH_NORM_GRAD_SUMS);
    const dy = input(inputs, 'dy', BATCH_NORM_GRAD_SUMS);
    // Any rank ≥ 2, channels last: [rows, C] (BatchNorm after a convolution or a dense layer).
    const c = x.shape[x.shape.length - 1] ?? 0;
    if (x.shape.length < 2 || c === 0) throw new Error(`${BATCH_NORM_GRAD_SUMS}: x must have rows and channels, got [${x.shape.join(', ')}]`);
    expectShapeOf(dy, x, BATCH_NORM_GRAD_SUMS, 'dy', 'x');
    if (mean.shape.length !== 1 || mean.shape[0] !== c) throw new Error(`${BATCH_NORM_GRAD_SUMS}: mean must be [${c}], got [${mean.shape.join(', ')}]`);
    const simd = c % 4 === 0 && backend !== undefined ? simdFor(backend) : null;
    const rows = x.shape.reduce((p, d) => p * d, 1) / c;
    const shares = simd === null ? [] : threadRanges(rows, 1, threadsFor(simd, rows * c));
    const per = 32 * c; // acc32 (2C floats), acc64 (2C doubles), partial (2C floats)
    // Reserved before any view of the heap is taken: growing an unshared heap detaches them.
    const scratch = simd === null ? 0 : simd.scratch(shares.length * per);
    return {
      shape: [2, c],
      run(out, read) {
        const xv = read(x);
        const g = read(dy);
        const m = read(mean);
        if (simd !== null) {
          // f32x4 partial sums over 64 rows, flushed into float64 accumulators (wasm-simd); each
          // thread sums a share of the rows into its own partial [2, C], added up here.
          const at = (t: number) => scratch + t * per;
          simd.parallel(
            'bnsums',
            shares.map(([r0, r1], t) => [xv.byteOffset + 4 * r0 * c, g.byteOffset + 4 * r0 * c, m.byteOffset, shares.length === 1 ? out.byteOffset : at(t) + 24 * c, r1 - r0, c, at(t), at(t) + 8 * c]),
          );
          if (shares.length > 1)
            sumPartials(
              simd,
              shares.map((_, t) => at(t) + 24 * c),
              2 * c,
              out,
            );
          return;
        }
        const s0 = new Float64Array(c);
        const s1 = new Float64Array(c);
        for (let r = 0, p = 0; r < rows; r++, p += c) {
          for (let k = 0; k < c; k++) {
            const d = g[p + k] as number;
            s0[k] = (s0[k] as number) + d;
            s1[k] = (s1[k] as number) + d * ((xv[p + k] as number) - (m[k] as number));
          }
        }
        for (let k = 0; k < c; k++) {
          out[k] = s0[k] as number;
          out[c + k] = s1[k] as number;
        }
      },
    };
  });
}

function fastGradient(original: GradConfig): GradConfig {
  return {
    kernelName: FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as (Tensor | undefined)[];
      const g = Array.isArray(dy) ? dy[0] : dy;
      if (
        x === undefined ||
        mean === undefined ||
        variance === undefined ||
        g === undefined ||
        x.rank !== 4 ||
        mean.rank !== 1 ||
        variance.rank !== 1 ||
        (scale !== undefined && scale.rank !== 1) ||
        x.dtype !== 'float32' ||
        getKernel(BATCH_NORM_GRAD_SUMS, tf.getBackend()) === undefined
      ) {
        return original.gradFunc(dy, saved, attrs);
      }
      const eps = (attrs as unknown as { varianceEpsilon?: number }).varianceEpsilon ?? 0.001;
      const sums = tf.engine().runKernel(BATCH_NORM_GRAD_SUMS, { x, mean, dy: g }, {} as NamedAttrMap) as Tensor;
      const [sDy, sDyXm] = tf.unstack(sums) as [Tensor, Tensor];
      const r = tf.rsqrt(tf.add(variance, eps));
      const gr = scale === undefined ? r : tf.mul(scale, r);
      return {
        x: () => tf.mul(g, gr),
        mean: () => tf.neg(tf.mul(gr, sDy)),
        variance: () => tf.mul(tf.mul(tf.mul(gr, tf.square(r)), sDyXm), -0.5),
        scale: () => tf.mul(sDyXm, r),
        offset: () => tf.clone(sDy),
      };
    },
  };
}

/** Installs the gradient (global in tfjs; it acts only where the sums kernel is registered). */
export function registerBatchNormGradient(): void {
  replaceGradient(FusedBatchNorm, fastGradient);
}
