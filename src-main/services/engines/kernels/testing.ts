import * as tf from '@tensorflow/tfjs';
import { installThreadedWasm } from '../wasm-threads.js';
import { registerProjectKernels, restoreKernel } from './index.js';

/**
 * Helpers for the kernel tests: deterministic data, running a gradient on a chosen backend, and
 * the comparisons the tests make (relative error against the cpu backend, the adjoint identity,
 * float64 references).
 */

let ready: Promise<void> | undefined;

/**
 * Loads the wasm backend as the engine starts it (the threaded build, with this machine's threads)
 * and registers the project's kernels on cpu and wasm (once per test file).
 */
export function setupBackends(): Promise<void> {
  ready ??= (async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    installThreadedWasm();
    registerProjectKernels('wasm');
    registerProjectKernels('cpu');
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialize');
    await tf.setBackend('cpu');
  })();
  return ready;
}

/** Deterministic values in [-1, 1) (an LCG; enough for tests, independent of tfjs's RNG). */
export function values(shape: readonly number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** Max |a−b| / max |b| (b is the reference). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs((a[i] as number) - (b[i] as number)));
    den = Math.max(den, Math.abs(b[i] as number));
  }
  return den === 0 ? num : num / den;
}

export interface Input {
  shape: number[];
  data: Float32Array;
}

export function inputOf(shape: number[], seed: number): Input {
  return { shape, data: values(shape, seed) };
}

/**
 * On `backend`: y = f(...inputs); returns y and the gradients of Σ y·dy with respect to every
 * input, where dy is deterministic (seeded) data of y's shape.
 */
export async function gradients(
  backend: 'cpu' | 'wasm',
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Input[],
  dySeed = 99,
): Promise<{ y: Float32Array; yShape: number[]; dy: Float32Array; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
  try {
    const y = tf.tidy(() => f(...xs));
    const dyData = values(y.shape, dySeed);
    const dy = tf.tensor(dyData, y.shape);
    const gs = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), dy)))(xs);
    const out = { y: (await y.data()) as Float32Array, yShape: [...y.shape], dy: dyData, grads: await Promise.all(gs.map(async (g) => (await g.data()) as Float32Array)) };
    tf.dispose([y, dy, ...gs]);
    return out;
  } finally {
    tf.dispose(xs);
  }
}

/** Runs one kernel directly on `backend` with float32 inputs; returns its output. */
export async function runKernelOn(
  backend: 'cpu' | 'wasm',
  kernelName: string,
  inputs: Record<string, Input>,
  attrs: Record<string, unknown>,
): Promise<{ shape: number[]; data: Float32Array }> {
  await tf.setBackend(backend);
  const ts: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) ts[k] = tf.tensor(v.data, v.shape);
  try {
    const out = tf.engine().runKernel(kernelName, ts, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const data = (await out.data()) as Float32Array;
    const shape = out.shape;
    out.dispose();
    return { shape, data };
  } finally {
    tf.dispose(Object.values(ts));
  }
}

/** Σ a·b in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Σ |a·b| in float64 (the scale an inner product's rounding error is measured against). */
export function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) * (b[i] as number));
  return s;
}

/**
 * Adjoint identity for a map linear in x: <f(x), dy> = <x, dx>. Returns the relative defect.
 */
export function adjointDefect(x: ArrayLike<number>, dx: ArrayLike<number>, y: ArrayLike<number>, dy: ArrayLike<number>): number {
  return Math.abs(dot(y, dy) - dot(x, dx)) / Math.max(absDot(x, dx), absDot(y, dy), 1e-12);
}

/** Runs `f` with tfjs's own kernel `kernel` on `backend` in place of the project's, then puts ours back. */
export async function withShipped<T>(kernel: string, backend: 'cpu' | 'wasm', f: () => Promise<T>): Promise<T> {
  restoreKernel(kernel, backend);
  try {
    return await f();
  } finally {
    registerProjectKernels(backend);
  }
}
