import { availableParallelism } from 'node:os';

/**
 * Whether this runtime can run tfjs-backend-wasm's threaded SIMD build, and with how many threads.
 * No tfjs import here: the engine probe uses it without loading any backend.
 */

/** WebAssembly as Node has it (the ES lib typings we compile with do not declare it). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: unknown; module: unknown }>;
}

/** wasm-feature-detect's threads probe (shared memory + atomics), as tfjs uses in browsers. */
const THREADS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]);
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/** Threads the machine offers (logical CPUs, which is what a worker thread can run on). */
export function defaultWasmThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Why this runtime cannot run the threaded build, or null when it can. */
export function threadedWasmUnsupported(): string | null {
  const W = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (W === undefined) return 'no WebAssembly';
  if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer';
  try {
    if (!W.validate(SIMD_PROBE)) return 'no WebAssembly SIMD';
    if (!W.validate(THREADS_PROBE)) return 'no WebAssembly threads';
  } catch (err) {
    return `WebAssembly feature test failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

