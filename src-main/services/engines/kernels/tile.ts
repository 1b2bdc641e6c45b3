import { Tile } from '@tensorflow/tfjs';
import type { TileAttrs } from '@tensorflow/tfjs';
import { copyRowsOverThreads, simdFor } from '../wasm-simd/index.js';
import { bits32, callOriginal, input, replaceKernel, runWasmHeapKernel } from './kernel-io.js';

/**
 * Tile for the wasm backend. tfjs 4.22's wasm kernel computes a source index per output element;
 * in a ResNet-20 training step (batch 32) it took 32 % of the kernel time, all of it in the
 * BatchNorm gradient's tile of a [1,1,1,C] vector to [N,H,W,C] (15 ms each). This one places x
 * once, then replicates already-built blocks with copyWithin, innermost axis first, doubling the
 * copied length each time: tiling a vector over a batch of images is a handful of memmoves.
 */
export function tileInto(src: Int32Array, out: Int32Array, shape: readonly number[], reps: readonly number[]): void {
  const r = shape.length;
  if (r === 0) {
    out[0] = src[0] as number;
    return;
  }
  const outShape = shape.map((d, i) => d * (reps[i] as number));
  const outStride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) outStride[i] = (outStride[i + 1] as number) * (outShape[i + 1] as number);
  const last = shape[r - 1] as number;
  // 1. x's rows at their first-replica positions.
  const idx = new Array<number>(Math.max(r - 1, 0)).fill(0);
  let inOff = 0;
  let outOff = 0;
  const rows = shape.slice(0, r - 1).reduce((p, d) => p * d, 1);
  for (let row = 0; row < rows; row++) {
    if (last >= 32) out.set(src.subarray(inOff, inOff + last), outOff);
    else for (let t = 0; t < last; t++) out[outOff + t] = src[inOff + t] as number;
    inOff += last;
    for (let d = r - 2; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      outOff += outStride[d] as number;
      if ((idx[d] as number) < (shape[d] as number)) break;
      outOff -= (outStride[d] as number) * (shape[d] as number);
      idx[d] = 0;
    }
  }
  // 2. Innermost axis first: for every first-replica index of the outer axes, the block
  // [i_k < d_k, inner axes complete] is contiguous; repeat it reps_k − 1 times.
  for (let k = r - 1; k >= 0; k--) {
    const rep = reps[k] as number;
    if (rep === 1) continue;
    const block = (shape[k] as number) * (outStride[k] as number);
    const total = block * rep;
    const o = new Array<number>(k).fill(0);
    const count = shape.slice(0, k).reduce((p, d) => p * d, 1);
    let base = 0;
    for (let c = 0; c < count; c++) {
      for (let have = block; have < total; have *= 2) out.copyWithin(base + have, base, base + Math.min(have, total - have));
      for (let d = k - 1; d >= 0; d--) {
        o[d] = (o[d] as number) + 1;
        base += outStride[d] as number;
        if ((o[d] as number) < (shape[d] as number)) break;
        base -= (outStride[d] as number) * (shape[d] as number);
        o[d] = 0;
      }
    }
  }
}

export function registerTile(backendName: 'wasm'): void {
  replaceKernel({
    kernelName: Tile,
    backendName,
    kernelFunc: (args) => {
      const { reps } = args.attrs as unknown as TileAttrs;
      const x = input(args.inputs, 'x', Tile);
      const outShape = x.shape.map((d, i) => d * (reps[i] as number));
      if ((x.dtype !== 'float32' && x.dtype !== 'int32') || outShape.some((d) => d === 0) || reps.length !== x.shape.length) {
        return callOriginal(Tile, backendName, args);
      }
      const r = x.shape.length;
      const c = x.shape[r - 1] ?? 1;
      const simd = simdFor(args.backend);
      // A vector over the last axis repeated over the leading ones ([1,1,1,C] → [N,H,W,C], the
      // Mean gradient in BatchNorm): one broadcast row copy (source stride 0), rows split over threads.
      const rowBroadcast = simd !== null && r > 0 && reps[r - 1] === 1 && x.shape.every((d, i) => i === r - 1 || d === 1);
      const out = runWasmHeapKernel(Tile, args.backend, outShape, x.dtype, (o, read) => {
        if (simd === null || !rowBroadcast) {
          tileInto(bits32(read(x)), bits32(o), x.shape, reps);
          return;
        }
        copyRowsOverThreads(simd, read(x).byteOffset, o.byteOffset, o.length / c, c, 0, c);
      });
      return out ?? callOriginal(Tile, backendName, args);
    },
  });
}
