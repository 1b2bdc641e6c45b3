import { afterAll, describe, expect, it } from 'vitest';
import { simdKernelsModule } from './kernels.js';
import { startSimdPool } from './pool.js';
import type { SimdPool } from './pool.js';

interface WasmRuntime {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
}
const W = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

const memory = new W.Memory({ initial: 64, maximum: 256, shared: true });
const module = new W.Module(simdKernelsModule(true));
const local = new W.Instance(module, { env: { memory } }).exports;
const pool: SimdPool = startSimdPool(module, memory, ['bnfwd', 'colsum'], local, 3);
afterAll(() => pool.close());

async function helpersStarted(): Promise<void> {
  for (let i = 0; i < 200 && pool.ready() < 2; i++) await new Promise((r) => setTimeout(r, 25));
}

/** bnfwd over `rows` rows of C=4 with mean 0, scale 2, offset 1: out = 2x + 1. */
function share(src: number, dst: number, rows: number, params: number): number[] {
  return [src * 4, dst * 4, params * 4, (params + 4) * 4, (params + 8) * 4, rows, 4];
}

describe('the SIMD helper threads', () => {
  it('run each share on its own thread over the shared memory and return when all are done', async () => {
    await helpersStarted();
    expect(pool.threads).toBe(3);
    expect(pool.ready()).toBe(2);
    const f32 = new Float32Array(memory.buffer);
    const params = 16;
    f32.set([0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1], params);
    const src = 1024;
    const dst = 65536;
    const rows = 3000; // per share
    for (let i = 0; i < 3 * rows * 4; i++) f32[src + i] = i % 97;
    for (let round = 0; round < 50; round++) {
      f32.fill(-1, dst, dst + 3 * rows * 4);
      pool.run('bnfwd', [0, 1, 2].map((t) => share(src + t * rows * 4, dst + t * rows * 4, rows, params)));
      // Every element written by the time run returns, by whichever thread.
      for (let i = 0; i < 3 * rows * 4; i += 7) expect(f32[dst + i]).toBe(2 * (i % 97) + 1);
      expect(f32[dst + 3 * rows * 4 - 1]).toBe(2 * ((3 * rows * 4 - 1) % 97) + 1);
    }
  });

  it('hand work to helpers that have gone to sleep (after polling for a while) as well as to polling ones', async () => {
    await helpersStarted();
    const f32 = new Float32Array(memory.buffer);
    f32.set([0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1], 16);
    const rows = 100;
    for (const pause of [0, 50, 0, 120]) {
      await new Promise((r) => setTimeout(r, pause)); // longer than the polling period: the helpers sleep
      for (let i = 0; i < 3 * rows * 4; i++) f32[1024 + i] = (i + pause) % 89;
      f32.fill(-1, 65536, 65536 + 3 * rows * 4);
      pool.run('bnfwd', [0, 1, 2].map((t) => share(1024 + t * rows * 4, 65536 + t * rows * 4, rows, 16)));
      for (let i = 0; i < 3 * rows * 4; i++) expect(f32[65536 + i]).toBe(2 * ((i + pause) % 89) + 1);
    }
  });

  it('report a trap in a helper thread as an error and keep working', async () => {
    await helpersStarted();
    const outOfBounds = share(1 << 26, 1 << 26, 16, 16); // 256 MiB: past the 16 MiB maximum
    expect(() => pool.run('bnfwd', [share(1024, 65536, 4, 16), outOfBounds])).toThrow(/bnfwd failed in a helper thread/);
    expect(() => pool.run('bnfwd', [outOfBounds])).toThrow(/out of bounds/);
    const f32 = new Float32Array(memory.buffer);
    f32[1024] = 5;
    pool.run('bnfwd', [share(1024, 65536, 1, 16), share(1024, 65540, 1, 16)]);
    expect(f32[65536]).toBe(11);
    expect(f32[65540]).toBe(11);
  });

  it('refuse unknown functions and more shares than threads', () => {
    expect(() => pool.run('transpose', [[]])).toThrow(/no function transpose/);
    expect(() => pool.run('bnfwd', [[], [], [], []])).toThrow(/4 shares for 3 threads/);
  });
});
