/**
 * What handing work to the SIMD helper threads costs: an element-wise ReLU over n floats split in
 * two shares (this thread and one helper) against the whole of it on this thread, for growing n,
 * back to back and with 30 µs of other work between calls (as between a training step's kernels).
 * The break-even n is what PARALLEL_MIN in wasm-simd/index.ts is set from. Prints only.
 *
 *   node bench/run.mjs bench/pool.ts
 */
import { simdKernelsModule } from '../src-main/services/engines/wasm-simd/kernels.js';
import { startSimdPool } from '../src-main/services/engines/wasm-simd/pool.js';

interface WasmRuntime {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
}
const W = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
const memory = new W.Memory({ initial: 256, maximum: 1024, shared: true });
const module = new W.Module(simdKernelsModule(true));
const local = new W.Instance(module, { env: { memory } }).exports;
const relu = local.un_relu as (src: number, dst: number, n: number) => void;
const pool = startSimdPool(module, memory, ['un_relu'], local, 2);
while (pool.ready() < 1) await new Promise((r) => setTimeout(r, 10));

const us = (ms: number, reps: number) => ((1000 * ms) / reps).toFixed(1).padStart(7);
console.log(`${'floats'.padStart(9)} ${'2 threads'.padStart(10)} ${'1 thread'.padStart(9)} ${'2 after a gap'.padStart(14)}  (µs per call)`);
for (const n of [16, 4096, 16384, 32768, 65536, 262144, 1 << 20]) {
  const src = 1024;
  const dst = src + 8 * n;
  const shares = [
    [src, dst, n / 2],
    [src + 2 * n, dst + 2 * n, n / 2],
  ];
  const reps = n > 100_000 ? 300 : 3000;
  for (let i = 0; i < 100; i++) pool.run('un_relu', shares);
  let t0 = performance.now();
  for (let i = 0; i < reps; i++) pool.run('un_relu', shares);
  const two = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < reps; i++) relu(src, dst, n);
  const one = performance.now() - t0;
  let gaps = 0;
  for (let i = 0; i < reps; i++) {
    const g0 = performance.now();
    while (performance.now() - g0 < 0.03);
    const c0 = performance.now();
    pool.run('un_relu', shares);
    gaps += performance.now() - c0;
  }
  console.log(`${String(n).padStart(9)} ${us(two, reps)}    ${us(one, reps)}   ${us(gaps, reps)}`);
}
pool.close();
process.exit(0);
