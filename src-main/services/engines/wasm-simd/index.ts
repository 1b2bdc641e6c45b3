import { simdKernelsModule } from './kernels.js';
import type { SimdKernelExports } from './kernels.js';

/**
 * The project's SIMD loops, instantiated once per wasm backend on that backend's memory (see
 * kernels.ts). Kernels ask `simdFor(backend)` and fall back to their JavaScript loops when it is
 * null (no SIMD, an unexpected backend object, or switched off for a test).
 */
export interface SimdKernels extends SimdKernelExports {
  /** A scratch area of at least `bytes` bytes in the backend's memory (reused; 16-byte aligned). */
  scratch(bytes: number): number;
  /** A Float32Array over `n` floats of the backend's memory at byte address `ptr`. */
  f32(ptr: number, n: number): Float32Array;
}

/** WebAssembly as Node has it (the ES lib typings we compile with do not declare it). */
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
}

interface EmscriptenLike {
  wasmMemory?: unknown;
  asm?: { memory?: unknown };
  _malloc?: (bytes: number) => number;
  _free?: (ptr: number) => void;
}

let enabled = true;
const cache = new WeakMap<object, SimdKernels | null>();
const modules = new Map<boolean, object>();

/** Turns the SIMD loops off or on (tests compare them with the JavaScript loops). */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

function create(module: EmscriptenLike): SimdKernels | null {
  const W = (globalThis as { WebAssembly?: WasmRuntime }).WebAssembly;
  const memory = module.wasmMemory ?? module.asm?.memory;
  const malloc = module._malloc;
  const free = module._free;
  if (W === undefined || memory === undefined || !(memory instanceof W.Memory) || typeof malloc !== 'function' || typeof free !== 'function') return null;
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  let compiled = modules.get(shared);
  if (compiled === undefined) {
    compiled = new W.Module(simdKernelsModule(shared));
    modules.set(shared, compiled);
  }
  const instance = new W.Instance(compiled, { env: { memory } });
  const e = instance.exports as unknown as SimdKernelExports;
  let scratchPtr = 0;
  let scratchBytes = 0;
  return {
    transpose: e.transpose,
    moveBlocks: e.moveBlocks,
    colsum: e.colsum,
    bnsums: e.bnsums,
    bnfwd: e.bnfwd,
    f32: (ptr: number, n: number) => new Float32Array(memory.buffer, ptr, n),
    scratch(bytes: number): number {
      if (bytes > scratchBytes) {
        if (scratchPtr !== 0) free.call(module, scratchPtr);
        scratchBytes = Math.max(bytes, 2 * scratchBytes, 4096);
        scratchPtr = malloc.call(module, scratchBytes + 16);
      }
      return (scratchPtr + 15) & ~15;
    },
  };
}

/** The SIMD loops for a wasm backend instance (as tfjs hands it to kernels), or null. */
export function simdFor(backend: object): SimdKernels | null {
  if (!enabled) return null;
  const wasm = (backend as { wasm?: EmscriptenLike }).wasm;
  if (wasm === undefined || wasm === null || typeof wasm !== 'object') return null;
  let k = cache.get(wasm);
  if (k === undefined) {
    try {
      k = create(wasm);
    } catch {
      k = null;
    }
    cache.set(wasm, k);
  }
  return k;
}
