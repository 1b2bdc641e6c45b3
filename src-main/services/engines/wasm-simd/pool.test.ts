import { afterAll, describe, expect, it } from 'vitest';
import { simdKernelsModule } from './kernels.js';
import { MAX_SHARES, startSimdPool } from './pool.js';
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
const pool: SimdPool = startSimdPool(module, memory, ['bnfwd', 'colsum', 'ew_add_same'], local, 3);
afterAll(() => pool.close());

async function helpersStarted(): Promise<void> {
  for (let i = 0; i < 200 && pool.ready() < 2; i++) await new Promise((r) => setTimeout(r, 25));
}

/** bnfwd over `rows` rows of C=4 with mean 0, scale 2, offset 1: out = 2x + 1. */
function share(src: number, dst: number, rows: number, params: number): number[] {
  return [src * 4, dst * 4, params * 4, (params + 4) * 4, (params + 8) * 4, rows, 4];
}

describe('the SIMD helper threads', () => {
  it('run every share over the shared memory and return when all are done', async () => {
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

  it('report a trap in any thread as an error and keep working', async () => {
    await helpersStarted();
    const outOfBounds = share(1 << 26, 1 << 26, 16, 16); // 256 MiB: past the 16 MiB maximum
    // Whichever thread claims the bad share traps: this one (the trap itself) or a helper (named).
    for (let i = 0; i < 5; i++) expect(() => pool.run('bnfwd', [share(1024, 65536, 4, 16), outOfBounds])).toThrow(/out of bounds|bnfwd failed in a helper thread/);
    expect(() => pool.run('bnfwd', [outOfBounds])).toThrow(/out of bounds/);
    const f32 = new Float32Array(memory.buffer);
    f32[1024] = 5;
    pool.run('bnfwd', [share(1024, 65536, 1, 16), share(1024, 65540, 1, 16)]);
    expect(f32[65536]).toBe(11);
    expect(f32[65540]).toBe(11);
  });

  it('run more shares than threads, each exactly once, call after call (shares are claimed, not assigned)', async () => {
    await helpersStarted();
    const f32 = new Float32Array(memory.buffer);
    const acc = 131072; // float index: 512 KiB in
    const ones = acc + 4096;
    const n = 4000;
    f32.fill(0, acc, acc + n);
    f32.fill(1, ones, ones + n);
    // 20 shares of 200 floats: acc += 1 in place. A share run twice, or skipped, shows in the count.
    const shares = Array.from({ length: 20 }, (_, i) => [4 * (acc + 200 * i), 4 * ones, 4 * (acc + 200 * i), 200]);
    const rounds = 1500;
    for (let r = 0; r < rounds; r++) {
      if (r % 500 === 250) await new Promise((res) => setTimeout(res, 30)); // some calls find the helpers asleep
      pool.run('ew_add_same', shares);
    }
    for (let i = 0; i < n; i++) expect(f32[acc + i]).toBe(rounds);
  });

  it('refuse unknown functions, too many shares, and shares with different argument counts', () => {
    expect(() => pool.run('transpose', [[]])).toThrow(/no function transpose/);
    expect(() => pool.run('bnfwd', Array.from({ length: MAX_SHARES + 1 }, () => [0]))).toThrow(/257 shares for bnfwd \(at most 256\)/);
    expect(() => pool.run('bnfwd', [[1, 2], [1]])).toThrow(/differ in their argument count/);
  });
});
