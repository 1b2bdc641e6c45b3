import { backend_util, Concat, SplitV, util } from '@tensorflow/tfjs';
import type { ConcatAttrs, KernelFunc, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs';
import { copyRowsOverThreads, simdFor } from '../wasm-simd/index.js';
import { callOriginal, input, replaceKernel, runWasmHeapKernelOutputs } from './kernel-io.js';

/**
 * Concat and SplitV on wasm as row copies. Seen as [outer, axis·inner], each input of a concat
 * (each output of a split) is a block of columns, so both are one strided row copy per tensor
 * (wasm-simd/copy.ts), split over the backend's threads by rows. DenseNets concatenate along
 * channels at every layer and their gradient splits again: the shipped SplitV slices element by
 * element (30 ms for a [16,32,32,72] tensor, against ~1 ms here). 4-byte dtypes; others, and
 * mixed dtypes, use the shipped kernels.
 */


/** [outer, inner] around `axis` of `shape`. */
function around(shape: readonly number[], axis: number): [number, number] {
  let outer = 1;
  let inner = 1;
  shape.forEach((d, i) => {
    if (i < axis) outer *= d;
    else if (i > axis) inner *= d;
  });
  return [outer, inner];
}

const fourBytes = (t: TensorInfo) => t.dtype === 'float32' || t.dtype === 'int32';

const concat: KernelFunc = (args) => {
  const xs = Object.values(args.inputs).filter((t): t is TensorInfo => t !== undefined);
  const first = xs[0];
  const simd = first !== undefined && xs.every((t) => fourBytes(t) && t.dtype === first.dtype) ? simdFor(args.backend) : null;
  if (simd === null || first === undefined) return callOriginal(Concat, 'wasm', args);
  const axis = util.parseAxisParam((args.attrs as unknown as ConcatAttrs).axis, first.shape)[0] ?? 0;
  const shapes = xs.map((t) => t.shape);
  backend_util.assertParamsConsistent(shapes, axis);
  const outShape = backend_util.computeOutShape(shapes, axis);
  const [outer, inner] = around(outShape, axis);
  const outCols = (outShape[axis] ?? 0) * inner;
  const out = runWasmHeapKernelOutputs(Concat, args.backend, [{ shape: outShape, dtype: first.dtype }], ([o], read) => {
    let at = 0;
    for (const x of xs) {
      const cols = (x.shape[axis] ?? 0) * inner;
      if (cols > 0 && outer > 0) copyRowsOverThreads(simd, read(x).byteOffset, (o as Float32Array).byteOffset + 4 * at, outer, cols, cols, outCols);
      at += cols;
    }
  });
  return out?.[0] ?? callOriginal(Concat, 'wasm', args);
};

const splitV: KernelFunc = (args) => {
  const x = input(args.inputs, 'x', SplitV);
  const simd = fourBytes(x) ? simdFor(args.backend) : null;
  if (simd === null) return callOriginal(SplitV, 'wasm', args);
  const a = args.attrs as unknown as SplitVAttrs;
  const axis = util.parseAxisParam(a.axis, x.shape)[0] ?? 0;
  const sizes = backend_util.prepareSplitSize(x, a.numOrSizeSplits, axis);
  const [outer, inner] = around(x.shape, axis);
  const inCols = (x.shape[axis] ?? 0) * inner;
  const outs = runWasmHeapKernelOutputs(
    SplitV,
    args.backend,
    sizes.map((s) => ({ shape: x.shape.map((d, i) => (i === axis ? s : d)), dtype: x.dtype })),
    (views, read) => {
      const src = read(x).byteOffset;
      let at = 0;
      sizes.forEach((s, i) => {
        const cols = s * inner;
        if (cols > 0 && outer > 0) copyRowsOverThreads(simd, src + 4 * at, (views[i] as Float32Array).byteOffset, outer, cols, inCols, cols);
        at += cols;
      });
    },
  );
  return outs ?? callOriginal(SplitV, 'wasm', args);
};

export function registerConcatSplit(backendName: 'wasm'): void {
  replaceKernel({ kernelName: Concat, backendName, kernelFunc: concat });
  replaceKernel({ kernelName: SplitV, backendName, kernelFunc: splitV });
}
