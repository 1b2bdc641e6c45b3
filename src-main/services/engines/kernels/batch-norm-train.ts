import * as tf from '@tensorflow/tfjs';
import { FusedBatchNorm, Mean, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { simdFor, threadRanges, threadsFor } from '../wasm-simd/index.js';
import { BATCH_NORM_GRAD_SUMS } from './batch-norm-grad.js';
import type { JsBackendName, KernelBackendArg } from './kernel-io.js';
import { callKernel, disposeIntermediate, expectShapeOf, input, isWasm, readFloat32, runJsKernel, runWasmHeapKernelOutputs } from './kernel-io.js';

/**
 * BatchNorm in training mode as two kernels instead of tfjs-layers' chain of ops. tfjs-layers
 * normalizes a training batch with tf.moments (Mean, Sub, Square, Mean) and batchNorm, and its
 * gradient flows back through all of them: in a ResNet-20 step that is ~13 passes over every
 * BatchNorm's activations and ~30 kernel calls per layer. Here:
 *
 * - SkipwireBatchNormTrain(x, scale, offset) → [y, mean, variance]: the batch mean (Mean), the
 *   biased variance from one sums pass (Σ x·(x − mean) / M, with the gradient-sums kernel), and
 *   y = (x − mean)·scale/√(variance + ε) + offset (FusedBatchNorm): three passes.
 * - SkipwireBatchNormTrainGrad(x, dy, mean, variance, scale) → [dx, dScale, dOffset] with
 *   r = 1/√(variance + ε), S0 = Σ dy, S1 = Σ dy·(x − mean) over the M = N·H·W rows:
 *     dx = scale·r·dy − scale·r³·S1/M·(x − mean) − scale·r·S0/M,  dScale = r·S1,  dOffset = S0
 *   (the exact gradient of the training-mode normalization through its batch statistics): two passes.
 *
 * Each composes the backend's own kernels (the project's SIMD ones on wasm, split over the
 * threads), so it exists wherever those do (wasm and cpu). patchBatchNormLayer() makes
 * tfjs-layers' BatchNormalization use them in training mode where they are registered for the
 * active backend; inference, other backends and layers it does not cover keep the original.
 */
export const BATCH_NORM_TRAIN = 'SkipwireBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'SkipwireBatchNormTrainGrad';

function epsilonOf(attrs: NamedAttrMap | undefined, kernel: string): number {
  const e = (attrs as { epsilon?: unknown } | undefined)?.epsilon;
  if (typeof e !== 'number' || !(e >= 0)) throw new Error(`${kernel}: epsilon must be a number ≥ 0`);
  return e;
}

/** [rows, C] of a channels-last tensor, with the per-channel vectors checked. */
function geometry(x: TensorInfo, vectors: readonly TensorInfo[], kernel: string): [number, number] {
  const c = x.shape[x.shape.length - 1] ?? 0;
  const size = x.shape.reduce((p, d) => p * d, 1);
  if (x.shape.length < 2 || c === 0 || size === 0) throw new Error(`${kernel}: x must have rows and channels, got [${x.shape.join(', ')}]`);
  for (const t of [x, ...vectors]) if (t.dtype !== 'float32') throw new Error(`${kernel}: float32 tensors only, got ${t.dtype}`);
  for (const v of vectors) if (v.shape.length !== 1 || v.shape[0] !== c) throw new Error(`${kernel}: per-channel vectors must be [${c}], got [${v.shape.join(', ')}]`);
  return [size / c, c];
}

/** A new [n] float32 tensor of the backend holding `values`. */
function vector(backend: KernelBackendArg, values: Float32Array, shape: number[]): TensorInfo {
  return runJsKernel('vector', backend, { shape, run: (o) => o.set(values) });
}

function trainKernel(backendName: JsBackendName): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const eps = epsilonOf(attrs, BATCH_NORM_TRAIN);
    const x = input(inputs, 'x', BATCH_NORM_TRAIN);
    const scale = input(inputs, 'scale', BATCH_NORM_TRAIN);
    const offset = input(inputs, 'offset', BATCH_NORM_TRAIN);
    const [rows, c] = geometry(x, [scale, offset], BATCH_NORM_TRAIN);
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const mean = callKernel(Mean, backendName, backend, { x }, { axis: axes, keepDims: false } as unknown as NamedAttrMap);
    const temps: TensorInfo[] = [];
    try {
      // Σ x·(x − mean) = Σ (x − mean)² (the sums kernel with dy = x): the biased batch variance.
      const sums = callKernel(BATCH_NORM_GRAD_SUMS, backendName, backend, { x, mean, dy: x }, {} as NamedAttrMap);
      temps.push(sums);
      const s = readFloat32(backend, sums, BATCH_NORM_TRAIN);
      const variance = vector(backend, Float32Array.from({ length: c }, (_, k) => Math.max(0, (s[c + k] as number) / rows)), [c]);
      const y = callKernel(FusedBatchNorm, backendName, backend, { x, mean, variance, offset, scale }, { varianceEpsilon: eps } as unknown as NamedAttrMap);
      return [y, mean, variance];
    } catch (err) {
      disposeIntermediate(backend, mean);
      throw err;
    } finally {
      disposeIntermediate(backend, ...temps);
    }
  };
}

function gradKernel(backendName: JsBackendName): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const eps = epsilonOf(attrs, BATCH_NORM_TRAIN_GRAD);
    const x = input(inputs, 'x', BATCH_NORM_TRAIN_GRAD);
    const dy = input(inputs, 'dy', BATCH_NORM_TRAIN_GRAD);
    const mean = input(inputs, 'mean', BATCH_NORM_TRAIN_GRAD);
    const variance = input(inputs, 'variance', BATCH_NORM_TRAIN_GRAD);
    const scale = input(inputs, 'scale', BATCH_NORM_TRAIN_GRAD);
    const [rows, c] = geometry(x, [mean, variance, scale], BATCH_NORM_TRAIN_GRAD);
    if (dy.dtype !== 'float32') throw new Error(`${BATCH_NORM_TRAIN_GRAD}: float32 tensors only, got ${dy.dtype}`);
    expectShapeOf(dy, x, BATCH_NORM_TRAIN_GRAD, 'dy', 'x');
    const sums = callKernel(BATCH_NORM_GRAD_SUMS, backendName, backend, { x, mean, dy }, {} as NamedAttrMap);
    let s: Float32Array;
    try {
      s = readFloat32(backend, sums, BATCH_NORM_TRAIN_GRAD);
    } finally {
      disposeIntermediate(backend, sums);
    }
    const v = readFloat32(backend, variance, BATCH_NORM_TRAIN_GRAD);
    const g = readFloat32(backend, scale, BATCH_NORM_TRAIN_GRAD);
    // Per channel: dx = A·dy + B·(x − mean) + K.
    const A = new Float32Array(c);
    const B = new Float32Array(c);
    const K = new Float32Array(c);
    const dScale = new Float32Array(c);
    const dOffset = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      const r = 1 / Math.sqrt((v[k] as number) + eps);
      const s0 = s[k] as number;
      const s1 = s[c + k] as number;
      const gr = (g[k] as number) * r;
      A[k] = gr;
      B[k] = (-gr * r * r * s1) / rows;
      K[k] = (-gr * s0) / rows;
      dScale[k] = r * s1;
      dOffset[k] = s0;
    }
    const dx = dxInto(backend, x, dy, mean, A, B, K, rows, c);
    return [dx, vector(backend, dScale, [c]), vector(backend, dOffset, [c])];
  };
}

/** dx = A·dy + B·(x − mean) + K per channel: the SIMD loop over the threads on wasm, else JavaScript. */
function dxInto(backend: KernelBackendArg, x: TensorInfo, dy: TensorInfo, mean: TensorInfo, A: Float32Array, B: Float32Array, K: Float32Array, rows: number, c: number): TensorInfo {
  const simd = isWasm(backend) && c % 4 === 0 ? simdFor(backend) : null;
  if (simd !== null) {
    // Reserved before any view of the heap is taken: growing an unshared heap detaches them.
    const at = simd.scratch(12 * c);
    const out = runWasmHeapKernelOutputs(BATCH_NORM_TRAIN_GRAD, backend, [{ shape: [...x.shape], dtype: 'float32' }], ([o], read) => {
      simd.f32(at, c).set(A);
      simd.f32(at + 4 * c, c).set(B);
      simd.f32(at + 8 * c, c).set(K);
      const xp = read(x).byteOffset;
      const dp = read(dy).byteOffset;
      const mp = read(mean).byteOffset;
      const op = (o as Float32Array).byteOffset;
      simd.parallel(
        'bnbwd',
        threadRanges(rows, 1, threadsFor(simd, rows * c)).map(([r0, r1]) => [dp + 4 * r0 * c, xp + 4 * r0 * c, op + 4 * r0 * c, mp, at, at + 4 * c, at + 8 * c, r1 - r0, c]),
      );
    });
    if (out?.[0] !== undefined) return out[0];
  }
  return runJsKernel(BATCH_NORM_TRAIN_GRAD, backend, {
    shape: [...x.shape],
    run(o, read) {
      const xv = read(x);
      const g = read(dy);
      const m = read(mean);
      for (let r = 0, p = 0; r < rows; r++) {
        for (let k = 0; k < c; k++, p++) o[p] = (A[k] as number) * (g[p] as number) + (B[k] as number) * ((xv[p] as number) - (m[k] as number)) + (K[k] as number);
      }
    },
  });
}

/** Registers both kernels for a backend (idempotent). */
export function registerBatchNormTraining(backendName: JsBackendName): void {
  for (const [kernelName, kernelFunc] of [
    [BATCH_NORM_TRAIN, trainKernel(backendName)],
    [BATCH_NORM_TRAIN_GRAD, gradKernel(backendName)],
  ] as const) {
    if (getKernel(kernelName, backendName) !== undefined) unregisterKernel(kernelName, backendName);
    registerKernel({ kernelName, backendName, kernelFunc });
  }
  patchBatchNormLayer();
}

/** Training-mode normalization through the two kernels, with its gradient; also returns the batch statistics (kept: the caller disposes them). */
export function batchNormTraining(x: Tensor, scale: Tensor, offset: Tensor, epsilon: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  let stats: Tensor[] = [];
  const op = tf.customGrad((...args: (Tensor | ((tensors: Tensor[]) => void))[]) => {
    const [xi, gi, bi] = args as Tensor[];
    const save = args[3] as (tensors: Tensor[]) => void;
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xi as Tensor, scale: gi as Tensor, offset: bi as Tensor }, { epsilon } as unknown as NamedAttrMap) as Tensor[];
    stats = [tf.keep(mean as Tensor), tf.keep(variance as Tensor)];
    save([xi as Tensor, mean as Tensor, variance as Tensor, gi as Tensor]);
    return {
      value: y as Tensor,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [sx, sm, sv, sg] = saved as [Tensor, Tensor, Tensor, Tensor];
        const g = Array.isArray(dy) ? (dy[0] as Tensor) : dy;
        return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { x: sx, dy: g, mean: sm, variance: sv, scale: sg }, { epsilon } as unknown as NamedAttrMap) as Tensor[];
      },
    };
  });
  const y = op(x, scale, offset);
  const [mean, variance] = stats;
  if (mean === undefined || variance === undefined) throw new Error(`${BATCH_NORM_TRAIN}: no batch statistics`);
  return { y, mean, variance };
}

/** The parts of tfjs-layers' BatchNormalization the patch reads. */
interface BatchNormLayerLike {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: { read(): Tensor } | null;
  beta: { read(): Tensor } | null;
  movingMean: { read(): Tensor; write(t: Tensor): void };
  movingVariance: { read(): Tensor; write(t: Tensor): void };
}

type LayerCall = (this: BatchNormLayerLike, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

const PATCHED = Symbol.for('skipwire.batchNormTraining');

/**
 * Routes tfjs-layers' BatchNormalization in training mode through batchNormTraining where the
 * kernels exist for the active backend, the axis is the last one and the layer has both scale and
 * offset; the moving mean and variance are updated exactly as tfjs-layers does
 * (v ← v − (v − batch)·(1 − momentum), with the biased batch variance). Idempotent.
 */
export function patchBatchNormLayer(): void {
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: LayerCall; [PATCHED]?: LayerCall };
  if (proto[PATCHED] !== undefined) return;
  const original = proto.call;
  proto[PATCHED] = original;
  proto.call = function (this: BatchNormLayerLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rank = x?.rank ?? 0;
    const usable =
      kwargs?.training === true &&
      x !== undefined &&
      (!Array.isArray(inputs) || inputs.length === 1) &&
      x.dtype === 'float32' &&
      rank >= 2 &&
      (this.axis === -1 || this.axis === rank - 1) &&
      this.gamma !== null &&
      this.beta !== null &&
      getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined &&
      getKernel(BATCH_NORM_TRAIN_GRAD, tf.getBackend()) !== undefined;
    if (!usable) return original.call(this, inputs, kwargs);
    const gamma = this.gamma as { read(): Tensor };
    const beta = this.beta as { read(): Tensor };
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(x, gamma.read(), beta.read(), this.epsilon);
      try {
        const decay = 1 - this.momentum;
        for (const [v, batch] of [
          [this.movingMean, mean],
          [this.movingVariance, variance],
        ] as const) {
          tf.tidy(() => {
            const orig = v.read();
            v.write(tf.sub(orig, tf.mul(tf.sub(orig, batch), decay)));
          });
        }
      } finally {
        tf.dispose([mean, variance]);
      }
      return y;
    });
  };
}
