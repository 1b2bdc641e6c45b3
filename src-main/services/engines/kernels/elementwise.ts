import { Add, Multiply, Relu, Square, Sub } from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BinaryForm, BinaryOp, UnaryOp } from '../wasm-simd/elementwise.js';
import { simdFor, threadRanges, threadsFor } from '../wasm-simd/index.js';
import type { SimdKernels } from '../wasm-simd/index.js';
import { callOriginal, input, replaceKernel, runWasmHeapKernel } from './kernel-io.js';

/**
 * Add, Sub, Multiply, Relu and Square on wasm with the SIMD loops of wasm-simd/elementwise.ts,
 * split over the backend's threads for large tensors. A ResNet-20 training step calls these ~750
 * times (BatchNorm statistics and their gradients, ReLU gradients, the optimizer); the shipped
 * kernels are scalar and single-threaded (about 2 ns per element), and with a per-channel operand
 * ([C] or [1,1,1,C] against [N,H,W,C]) they take their general broadcasting path. Float32 only;
 * other dtypes and broadcasts of other forms use the shipped kernels.
 */

/** How `small` broadcasts against `big`: same shape, a single value, or a row over the last axis. */
export function broadcastForm(big: readonly number[], small: readonly number[]): BinaryForm | null {
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  if (small.length > big.length) return null;
  if (small.length === big.length && small.every((d, i) => d === big[i])) return 'same';
  if (size(small) === 1) return 'scalar';
  const c = big[big.length - 1];
  // [C], [1,C], [1,1,1,C] … against [..., C]
  if (c !== undefined && c % 4 === 0 && small[small.length - 1] === c && size(small) === c) return 'row';
  return null;
}

const cuts = (simd: SimdKernels, total: number, unit: number, elements = total) => threadRanges(total, unit, threadsFor(simd, elements));

function runBinary(simd: SimdKernels, op: BinaryOp, form: BinaryForm, a: number, b: number, out: number, n: number, c: number): void {
  if (form === 'row') {
    const rows = n / c;
    simd.parallel(
      `ew_${op}_row`,
      cuts(simd, rows, 1, n).map(([r0, r1]) => [a + 4 * r0 * c, b, out + 4 * r0 * c, r1 - r0, c]),
    );
    return;
  }
  simd.parallel(
    `ew_${op}_${form}`,
    cuts(simd, n, 4).map(([i0, i1]) => [a + 4 * i0, form === 'same' ? b + 4 * i0 : b, out + 4 * i0, i1 - i0]),
  );
}

function binaryKernel(kernelName: string, op: 'add' | 'sub' | 'mul'): KernelFunc {
  return (args) => {
    const a = input(args.inputs, 'a', kernelName);
    const b = input(args.inputs, 'b', kernelName);
    const simd = a.dtype === 'float32' && b.dtype === 'float32' ? simdFor(args.backend) : null;
    if (simd === null) return callOriginal(kernelName, 'wasm', args);
    let big: TensorInfo = a;
    let small: TensorInfo = b;
    let form = broadcastForm(a.shape, b.shape);
    let o: BinaryOp = op;
    if (form === null) {
      form = broadcastForm(b.shape, a.shape);
      big = b;
      small = a;
      o = op === 'sub' ? 'rsub' : op;
    }
    const n = big.shape.reduce((p, d) => p * d, 1);
    if (form === null || n === 0) return callOriginal(kernelName, 'wasm', args);
    const c = big.shape[big.shape.length - 1] ?? 1;
    const f = form;
    const out = runWasmHeapKernel(kernelName, args.backend, [...big.shape], 'float32', (ov, read) => {
      runBinary(simd, o, f, read(big).byteOffset, read(small).byteOffset, ov.byteOffset, n, c);
    });
    return out ?? callOriginal(kernelName, 'wasm', args);
  };
}

function unaryKernel(kernelName: string, op: UnaryOp): KernelFunc {
  return (args) => {
    const x = input(args.inputs, 'x', kernelName);
    const simd = x.dtype === 'float32' ? simdFor(args.backend) : null;
    const n = x.shape.reduce((p, d) => p * d, 1);
    if (simd === null || n === 0) return callOriginal(kernelName, 'wasm', args);
    const out = runWasmHeapKernel(kernelName, args.backend, [...x.shape], 'float32', (ov, read) => {
      const xp = read(x).byteOffset;
      simd.parallel(
        `un_${op}`,
        cuts(simd, n, 4).map(([i0, i1]) => [xp + 4 * i0, ov.byteOffset + 4 * i0, i1 - i0]),
      );
    });
    return out ?? callOriginal(kernelName, 'wasm', args);
  };
}

export function registerElementwise(backendName: 'wasm'): void {
  replaceKernel({ kernelName: Add, backendName, kernelFunc: binaryKernel(Add, 'add') });
  replaceKernel({ kernelName: Sub, backendName, kernelFunc: binaryKernel(Sub, 'sub') });
  replaceKernel({ kernelName: Multiply, backendName, kernelFunc: binaryKernel(Multiply, 'mul') });
  replaceKernel({ kernelName: Relu, backendName, kernelFunc: unaryKernel(Relu, 'relu') });
  replaceKernel({ kernelName: Square, backendName, kernelFunc: unaryKernel(Square, 'square') });
}
