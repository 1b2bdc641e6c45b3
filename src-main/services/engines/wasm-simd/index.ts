import { simdKernelsModule } from './kernels.js';
import type { SimdKernelExports } from './kernels.js';
import { startSimdPool } from './pool.js';
import type { SimdPool } from './pool.js';

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
  /** An Int32Array over `n` ints of the backend's memory at byte address `ptr`. */
  i32(ptr: number, n: number): Int32Array;
  /** Threads `parallel` spreads shares over (the backend's own count when its memory is shared, else 1). */
  readonly threads: number;
  /**
   * Calls export `name` once per share of arguments, each on whichever thread claims it (pool.ts;
   * there may be more shares than threads), and returns when all are done; with one thread the
   * shares run one after another.
   */
  parallel(name: keyof SimdKernelExports & string, shares: readonly (readonly number[])[]): void;
}

/**
 * Elements below which one thread does a pass over memory alone. The pool's helper polls for work
 * between calls (pool.ts), so handing it a share costs about a microsecond; from ~32K floats
 * (~5 µs of work for one thread) two threads are faster (measured: bench/pool.ts).
 */
export const PARALLEL_MIN = 1 << 15;

/**
 * `parts` contiguous ranges [from, to) of `total` items cut at multiples of `unit` (fewer when
 * there are fewer units; at least one).
 */
export function threadRanges(total: number, unit: number, parts: number): [number, number][] {
  const units = Math.ceil(total / unit);
  const n = Math.max(1, Math.min(parts, units));
  return Array.from({ length: n }, (_, t) => [Math.min(total, Math.floor((units * t) / n) * unit), Math.min(total, Math.floor((units * (t + 1)) / n) * unit)]);
}

/** Threads for a pass over `elements` floats: all of them from PARALLEL_MIN up, else one. */
export function threadsFor(simd: { readonly threads: number }, elements: number): number {
  return elements >= PARALLEL_MIN ? simd.threads : 1;
}

/**
 * Copies `cols` 4-byte columns of `rows` rows from src (row stride sS elements; 0 repeats one row)
 * to dst (row stride dS), rows split over the threads from PARALLEL_MIN elements up.
 */
export function copyRowsOverThreads(simd: Pick<SimdKernels, 'threads' | 'parallel'>, src: number, dst: number, rows: number, cols: number, sS: number, dS: number): void {
  if (rows === 0 || cols === 0) return;
  simd.parallel(
    'copyRows',
    threadRanges(rows, 1, threadsFor(simd, rows * cols)).map(([r0, r1]) => [src + 4 * r0 * sS, dst + 4 * r0 * dS, r1 - r0, cols, sS, dS]),
  );
}

/**
 * out[k] = scale · Σ_t partial_t[k] for k < n, the partials being n floats at each of `addresses`
 * (the per-thread sums a reduction split over the threads leaves in scratch memory).
 */
export function sumPartials(simd: Pick<SimdKernels, 'f32'>, addresses: readonly number[], n: number, out: { [k: number]: number }, scale = 1): void {
  const partial = addresses.map((a) => simd.f32(a, n));
  for (let k = 0; k < n; k++) {
    let sum = 0;
    for (const p of partial) sum += p[k] as number;
    out[k] = sum * scale;
  }
}

/** WebAssembly as Node has it (the ES lib typings we compile with do not declare it). */
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
}

interface EmscriptenLike {
  wasmMemory?: unknown;
  tfjs?: { getThreadsCount?: () => number };
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
  const exported = instance.exports;
  const wanted = shared ? (module.tfjs?.getThreadsCount?.() ?? 1) : 1;
  const pool: SimdPool | null = wanted > 1 ? startSimdPool(compiled, memory, Object.keys(exported).filter((n) => typeof exported[n] === 'function'), exported, wanted) : null;
  let scratchPtr = 0;
  let scratchBytes = 0;
  return {
    transpose: e.transpose,
    moveBlocks: e.moveBlocks,
    colsum: e.colsum,
    bnsums: e.bnsums,
    bnfwd: e.bnfwd,
    bnbwd: e.bnbwd,
    copyRows: e.copyRows,
    f32: (ptr: number, n: number) => new Float32Array(memory.buffer, ptr, n),
    i32: (ptr: number, n: number) => new Int32Array(memory.buffer, ptr, n),
    threads: pool?.threads ?? 1,
    parallel(name, shares) {
      if (pool !== null && shares.length > 1) {
        pool.run(name, shares);
        return;
      }
      const fn = exported[name];
      if (typeof fn !== 'function') throw new Error(`SIMD kernels: no function ${name}`);
      for (const args of shares) (fn as (...a: number[]) => void)(...args);
    },
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
