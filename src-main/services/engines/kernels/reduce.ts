import { backend_util, Mean, Sum, util } from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { simdFor, sumPartials, threadRanges, threadsFor } from '../wasm-simd/index.js';
import { callOriginal, input, replaceKernel, runWasmHeapKernel } from './kernel-io.js';

/**
 * Sum and Mean for the wasm backend over float32 data. tfjs 4.22's wasm kernels transpose the
 * reduced axes innermost first (with its slow Transpose) and then reduce; a ResNet-20 training
 * step spends 47 ms of Sum and 19 ms of Mean there, almost all of it reducing [N,H,W,C] over
 * N,H,W (BatchNorm statistics and their gradients). After unit axes are dropped and neighbouring
 * axes of the same kind merged, any reduction of the form [outer kept, reduced, inner kept]
 * (per-channel, per-row, or total) is one pass here, accumulated in float64 (SIMD partial sums
 * when the kept inner size is a multiple of 4); other forms fall back to the shipped kernel.
 */

/** [outer, reduced, inner] sizes when the reduction has that form, else null. */
export function reductionForm(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const reduced = new Set(axes);
  const runs: { r: boolean; n: number }[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const r = reduced.has(i);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.r === r) last.n *= d;
    else runs.push({ r, n: d });
  });
  const kinds = runs.map((x) => (x.r ? 'R' : 'K')).join('');
  const n = (i: number) => runs[i]?.n ?? 1;
  switch (kinds) {
    case '':
      return [1, 1, 1];
    case 'R':
      return [1, n(0), 1];
    case 'K':
      return [n(0), 1, 1];
    case 'RK':
      return [1, n(0), n(1)];
    case 'KR':
      return [n(0), n(1), 1];
    case 'KRK':
      return [n(0), n(1), n(2)];
    default:
      return null;
  }
}

/** out[o, i] = scale · Σ_r src[o, r, i]. */
export function reduceSumInto(src: ArrayLike<number>, out: { [i: number]: number }, outer: number, red: number, inner: number, scale: number): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const b = o * red;
      for (let r = 0; r < red; r++) s += src[b + r] as number;
      out[o] = s * scale;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let p = o * red * inner;
    for (let r = 0; r < red; r++) {
      for (let i = 0; i < inner; i++) acc[i] = (acc[i] as number) + (src[p + i] as number);
      p += inner;
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = (acc[i] as number) * scale;
  }
}

function reduceKernel(kernelName: typeof Sum | typeof Mean, backendName: string): KernelFunc {
  return (args): TensorInfo | TensorInfo[] => {
    const x = input(args.inputs, 'x', kernelName);
    const attrs = (args.attrs ?? {}) as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(attrs.axis, x.shape);
    const [keptShape, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const count = util.sizeFromShape(reduceShape);
    const outShape = attrs.keepDims ? backend_util.expandShapeToKeepDim(keptShape, axes) : keptShape;
    if (count === 0 && util.sizeFromShape(outShape) > 0 && (x.dtype === 'float32' || (x.dtype === 'int32' && kernelName === Sum))) {
      // An empty reduction (the shipped kernels return uninitialized memory): 0, as on the cpu backend.
      const out = runWasmHeapKernel(kernelName, args.backend, outShape, x.dtype, (o) => o.fill(0));
      if (out !== null) return out;
    }
    if (x.dtype !== 'float32') return callOriginal(kernelName, backendName, args);
    const form = reductionForm(x.shape, axes);
    if (form === null || count === 0 || util.sizeFromShape(outShape) === 0) return callOriginal(kernelName, backendName, args);
    const [outer, red, inner] = form;
    const scale = kernelName === Mean ? 1 / count : 1;
    const simd = inner % 4 === 0 ? simdFor(args.backend) : null;
    const parts = simd === null ? 1 : threadsFor(simd, outer * red * inner);
    const per = 16 * inner + 16; // acc32, acc64 and a partial row per thread
    // Reserved before any view of the heap is taken: growing an unshared heap detaches them.
    const scratch = simd === null ? 0 : simd.scratch(parts * per);
    const out = runWasmHeapKernel(kernelName, args.backend, outShape, 'float32', (o, read) => {
      const src = read(x);
      if (simd === null) {
        reduceSumInto(src, o, outer, red, inner, scale);
        return;
      }
      // f32x4 partial sums over 64 rows, flushed into float64 accumulators (wasm-simd). Threads
      // take whole outputs when there are enough of them, else a share of the reduced rows each,
      // summed into partial rows that are added up here.
      const at = (t: number) => scratch + t * per;
      if (parts === 1 || outer >= parts) {
        simd.parallel(
          'colsum',
          threadRanges(outer, 1, parts).map(([o0, o1], t) => [src.byteOffset + 4 * o0 * red * inner, o.byteOffset + 4 * o0 * inner, o1 - o0, red, inner, scale, at(t), at(t) + 4 * inner]),
        );
        return;
      }
      const shares = threadRanges(red, 1, parts);
      simd.parallel(
        'colsum',
        shares.map(([r0, r1], t) => [src.byteOffset + 4 * r0 * inner, at(t) + 12 * inner, 1, r1 - r0, inner, 1, at(t), at(t) + 4 * inner]),
      );
      sumPartials(
        simd,
        shares.map((_, t) => at(t) + 12 * inner),
        inner,
        o,
        scale,
      );
    });
    return out ?? callOriginal(kernelName, backendName, args);
  };
}

export function registerReductions(backendName: 'wasm'): void {
  for (const kernelName of [Sum, Mean] as const) {
    replaceKernel({ kernelName, backendName, kernelFunc: reduceKernel(kernelName, backendName) });
  }
}
