import { Transpose } from '@tensorflow/tfjs';
import type { TransposeAttrs } from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/index.js';
import { simdFor } from '../wasm-simd/index.js';
import { bits32, callOriginal, input, replaceKernel, runWasmHeapKernel } from './kernel-io.js';

/**
 * Transpose for the wasm backend. tfjs 4.22's wasm kernel walks the output with a full index
 * computation per element: 14 ns/element on a [32768,144] matrix (65 ms), about the time of the
 * convolution whose filter gradient needs it. This one first drops unit axes and merges axes that
 * stay adjacent (so most permutations become a 2-d or 3-d one), then copies whole rows when the
 * innermost axis stays innermost, and otherwise moves 16×16 tiles so that reads and writes both
 * stay in cache — 4x4 SIMD shuffles (wasm-simd) where the backend's memory allows, JavaScript
 * otherwise.
 */

/** The permutation with unit axes dropped and axes that stay adjacent merged. */
export function simplifyPermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // Drop size-1 axes.
  const keep = shape.map((d, i) => (d === 1 ? -1 : i));
  const renum = new Map<number, number>();
  let k = 0;
  for (const i of keep) if (i >= 0) renum.set(i, k++);
  const s1 = shape.filter((d) => d !== 1);
  const p1 = perm.filter((a) => shape[a] !== 1).map((a) => renum.get(a) as number);
  // Merge runs of output axes that are consecutive input axes.
  const groups: number[][] = [];
  for (const a of p1) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[last.length - 1] === a - 1) last.push(a);
    else groups.push([a]);
  }
  const byFirst = [...groups].sort((g, h) => (g[0] as number) - (h[0] as number));
  const newIndex = new Map<number[], number>(byFirst.map((g, i) => [g, i]));
  return {
    shape: byFirst.map((g) => g.reduce((acc, a) => acc * (s1[a] as number), 1)),
    perm: groups.map((g) => newIndex.get(g) as number),
  };
}

const TILE = 16;

/**
 * out = transpose(src, perm) for a row-major `shape`; both arrays hold the same number of elements.
 * With `simd` (src and out then being views of that backend's memory) the tiles move in wasm.
 */
export function transposeInto(src: Int32Array, out: Int32Array, shape0: readonly number[], perm0: readonly number[], simd: SimdKernels | null = null): void {
  const { shape, perm } = simplifyPermutation(shape0, perm0);
  const r = shape.length;
  if (r <= 1) {
    out.set(src.subarray(0, out.length));
    return;
  }
  const inStride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) inStride[i] = (inStride[i + 1] as number) * (shape[i + 1] as number);
  const outShape = perm.map((a) => shape[a] as number);
  const outStride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) outStride[i] = (outStride[i + 1] as number) * (outShape[i + 1] as number);
  // Output axis `a` reads the contiguous input axis; the innermost output axis `b` is contiguous in
  // the output. When they are the same axis whole rows are copied, otherwise 2-d tiles are moved.
  const a = perm.indexOf(r - 1);
  const b = r - 1;
  const rows = a === b;
  const nA = outShape[a] as number; // contiguous in the input
  const nB = outShape[b] as number; // contiguous in the output
  const sB = inStride[perm[b] as number] as number; // input stride along output axis b
  const oA = outStride[a] as number; // output stride along output axis a
  // Odometer over the other output axes.
  const outer: number[] = [];
  for (let j = 0; j < r; j++) if (j !== a && j !== b) outer.push(j);
  const idx = new Array<number>(outer.length).fill(0);
  let inBase = 0;
  let outBase = 0;
  const srcAddr = src.byteOffset;
  const outAddr = out.byteOffset;
  for (;;) {
    if (simd !== null && !rows && outer.length === 1) {
      // One call with the remaining axis as the middle one ([A,B,C] -> [C,B,A] and the like).
      const j = outer[0] as number;
      simd.transpose(srcAddr, outAddr, nB, nA, sB, oA, outShape[j] as number, inStride[perm[j] as number] as number, outStride[j] as number);
      break;
    } else if (simd !== null && !rows) {
      simd.transpose(srcAddr + 4 * inBase, outAddr + 4 * outBase, nB, nA, sB, oA, 1, 0, 0);
    } else if (simd !== null && rows && outer.length === 2 && nB >= 4) {
      // [A,B,E] -> [B,A,E] with whole rows of E: one call moves them all.
      const j0 = outer[0] as number;
      const j1 = outer[1] as number;
      simd.moveBlocks(srcAddr, outAddr, outShape[j1] as number, outShape[j0] as number, nB, inStride[perm[j1] as number] as number, outStride[j0] as number);
      break;
    } else if (rows) {
      if (nB >= 32) out.set(src.subarray(inBase, inBase + nB), outBase);
      else for (let t = 0; t < nB; t++) out[outBase + t] = src[inBase + t] as number;
    } else for (let a0 = 0; a0 < nA; a0 += TILE) {
      const a1 = Math.min(nA, a0 + TILE);
      for (let b0 = 0; b0 < nB; b0 += TILE) {
        const b1 = Math.min(nB, b0 + TILE);
        for (let ia = a0; ia < a1; ia++) {
          let o = outBase + ia * oA + b0;
          let i = inBase + b0 * sB + ia;
          for (let ib = b0; ib < b1; ib++) {
            out[o++] = src[i] as number;
            i += sB;
          }
        }
      }
    }
    // Next outer index.
    let d = outer.length - 1;
    for (; d >= 0; d--) {
      const j = outer[d] as number;
      const ax = perm[j] as number;
      idx[d] = (idx[d] as number) + 1;
      inBase += inStride[ax] as number;
      outBase += outStride[j] as number;
      if ((idx[d] as number) < (outShape[j] as number)) break;
      inBase -= (inStride[ax] as number) * (outShape[j] as number);
      outBase -= (outStride[j] as number) * (outShape[j] as number);
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

export function registerTranspose(backendName: 'wasm'): void {
  replaceKernel({
    kernelName: Transpose,
    backendName,
    kernelFunc: (args) => {
      const { perm } = args.attrs as unknown as TransposeAttrs;
      const x = input(args.inputs, 'x', Transpose);
      const size = x.shape.reduce((p, d) => p * d, 1);
      if ((x.dtype !== 'float32' && x.dtype !== 'int32') || size === 0) return callOriginal(Transpose, backendName, args);
      const outShape = perm.map((p) => x.shape[p] as number);
      const simd = simdFor(args.backend);
      const out = runWasmHeapKernel(Transpose, args.backend, outShape, x.dtype, (o, read) => transposeInto(bits32(read(x)), bits32(o), x.shape, perm, simd));
      return out ?? callOriginal(Transpose, backendName, args);
    },
  });
}
