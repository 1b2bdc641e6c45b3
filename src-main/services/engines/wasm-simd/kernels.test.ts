import { describe, expect, it } from 'vitest';
import { simdKernelsModule } from './kernels.js';
import type { SimdKernelExports } from './kernels.js';

interface WasmRuntime {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const W = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

function instantiate(shared: boolean): { k: SimdKernelExports; f32: Float32Array; i32: Int32Array } {
  const memory = new W.Memory(shared ? { initial: 64, maximum: 256, shared: true } : { initial: 64 });
  const k = new W.Instance(new W.Module(simdKernelsModule(shared)), { env: { memory } }).exports as unknown as SimdKernelExports;
  return { k, f32: new Float32Array(memory.buffer), i32: new Int32Array(memory.buffer) };
}

function fill(a: Float32Array, at: number, n: number, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[at + i] = (s / 4294967296) * 4 - 2;
  }
}

describe('the SIMD kernels module', () => {
  it('validates for shared and unshared memory', () => {
    expect(W.validate(simdKernelsModule(false))).toBe(true);
    expect(W.validate(simdKernelsModule(true))).toBe(true);
  });

  for (const shared of [false, true]) {
    it(`transpose moves every element bit-exactly (${shared ? 'shared' : 'unshared'} memory), 4x4 blocks and ragged edges`, () => {
      const { k, i32 } = instantiate(shared);
      for (const [R, C, pad] of [
        [4, 4, 0],
        [7, 9, 3],
        [32, 16, 0],
        [1, 5, 2],
        [13, 1, 0],
      ] as const) {
        const sS = C + pad;
        const dS = R + pad;
        const src = 1024;
        const dst = 1024 + R * sS + 64;
        for (let i = 0; i < R * sS; i++) i32[src + i] = i * 7 + 3;
        i32.fill(-1, dst, dst + C * dS);
        k.transpose(src * 4, dst * 4, R, C, sS, dS, 1, 0, 0);
        for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) expect(i32[dst + c * dS + r]).toBe(i32[src + r * sS + c]);
        for (let c = 0; c < C; c++) for (let r = R; r < dS; r++) expect(i32[dst + c * dS + r]).toBe(-1); // untouched padding
      }
    });
  }

  it('transpose with a middle axis: [A,B,C] -> [C,B,A]', () => {
    const { k, i32 } = instantiate(true);
    for (const [A, B, C] of [
      [8, 3, 4],
      [5, 7, 6],
      [32, 4, 16],
    ] as const) {
      const src = 2048;
      const dst = src + A * B * C + 64;
      for (let i = 0; i < A * B * C; i++) i32[src + i] = i * 3 + 1;
      k.transpose(src * 4, dst * 4, A, C, B * C, B * A, B, C, A);
      for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) expect(i32[dst + (c * B + b) * A + a]).toBe(i32[src + (a * B + b) * C + c]);
    }
  });

  it('moveBlocks moves E-wide elements (E a multiple of 4 or not)', () => {
    const { k, i32 } = instantiate(true);
    for (const [R, C, E] of [
      [3, 5, 4],
      [4, 2, 16],
      [2, 3, 3],
      [5, 4, 1],
    ] as const) {
      const src = 4096;
      const dst = 4096 + R * C * E + 32;
      for (let i = 0; i < R * C * E; i++) i32[src + i] = i + 11;
      k.moveBlocks(src * 4, dst * 4, R, C, E, C * E, R * E);
      for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) for (let e = 0; e < E; e++) expect(i32[dst + (c * R + r) * E + e]).toBe(i32[src + (r * C + c) * E + e]);
    }
  });

  it('colsum sums [outer, reduced, inner] over the middle axis in float64 (including partial 64-row blocks)', () => {
    const { k, f32 } = instantiate(false);
    for (const [O, Rd, I, scale] of [
      [1, 200, 16, 1],
      [3, 64, 4, 0.5],
      [2, 1, 8, 1],
      [1, 5000, 12, 1 / 5000],
    ] as const) {
      const src = 1024;
      const out = src + O * Rd * I + 16;
      const acc32 = out + O * I + 16;
      const acc64 = acc32 + I + 16; // float index; byte address is ·4 (8-byte aligned)
      fill(f32, src, O * Rd * I, O + Rd + I);
      k.colsum(src * 4, out * 4, O, Rd, I, scale, acc32 * 4, acc64 * 4);
      for (let o = 0; o < O; o++) {
        for (let i = 0; i < I; i++) {
          let s = 0;
          let abs = 0;
          for (let r = 0; r < Rd; r++) {
            s += f32[src + (o * Rd + r) * I + i] as number;
            abs += Math.abs(f32[src + (o * Rd + r) * I + i] as number);
          }
          // Float32 partial sums over 64 rows: error bounded by ~64 ulps of the absolute sum.
          expect(Math.abs((f32[out + o * I + i] as number) - s * scale)).toBeLessThanOrEqual(1e-6 * abs * scale + 1e-7 * Math.abs(s * scale));
        }
      }
    }
  });

  it('bnsums and bnfwd compute BatchNorm’s per-channel sums and affine map', () => {
    const { k, f32 } = instantiate(true);
    const rows = 777;
    const C = 8;
    const x = 1024;
    const dy = x + rows * C;
    const mean = dy + rows * C;
    const out = mean + C;
    const acc32 = out + 2 * C + 4;
    const acc64 = acc32 + 2 * C + 4;
    fill(f32, x, rows * C, 1);
    fill(f32, dy, rows * C, 2);
    fill(f32, mean, C, 3);
    k.bnsums(x * 4, dy * 4, mean * 4, out * 4, rows, C, acc32 * 4, acc64 * 4);
    for (let c = 0; c < C; c++) {
      let s0 = 0;
      let s1 = 0;
      for (let r = 0; r < rows; r++) {
        const d = f32[dy + r * C + c] as number;
        s0 += d;
        s1 += d * ((f32[x + r * C + c] as number) - (f32[mean + c] as number));
      }
      expect(Math.abs((f32[out + c] as number) - s0)).toBeLessThanOrEqual(1e-4);
      expect(Math.abs((f32[out + C + c] as number) - s1)).toBeLessThanOrEqual(1e-4);
    }
    const a = acc64 + 4 * C + 8;
    const beta = a + C;
    const y = beta + C;
    fill(f32, a, C, 4);
    fill(f32, beta, C, 5);
    k.bnfwd(x * 4, y * 4, mean * 4, a * 4, beta * 4, rows, C);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < C; c++) {
        const want = ((f32[x + r * C + c] as number) - (f32[mean + c] as number)) * (f32[a + c] as number) + (f32[beta + c] as number);
        expect(Math.abs((f32[y + r * C + c] as number) - want)).toBeLessThanOrEqual(1e-5);
      }
    }
  });
});

describe('the element-wise loops', () => {
  const ref: Record<string, (a: number, b: number) => number> = { add: (a, b) => a + b, sub: (a, b) => a - b, rsub: (a, b) => b - a, mul: (a, b) => a * b };
  for (const op of ['add', 'sub', 'rsub', 'mul']) {
    it(`ew_${op}: equal shapes, a scalar and a row, float32-exact, vector tails included`, () => {
      const { k, f32 } = instantiate(false);
      const a = 1024;
      const b = 8192;
      const out = 16384;
      for (const n of [1, 3, 4, 13, 64, 1001]) {
        fill(f32, a, n, n);
        fill(f32, b, n, n + 1);
        f32.fill(7, out, out + n + 8);
        k[`ew_${op}_same`]?.(a * 4, b * 4, out * 4, n);
        for (let i = 0; i < n; i++) expect(f32[out + i]).toBe(Math.fround(ref[op]!(f32[a + i]!, f32[b + i]!)));
        expect(f32[out + n]).toBe(7);
        k[`ew_${op}_scalar`]?.(a * 4, b * 4, out * 4, n);
        for (let i = 0; i < n; i++) expect(f32[out + i]).toBe(Math.fround(ref[op]!(f32[a + i]!, f32[b]!)));
        expect(f32[out + n]).toBe(7);
      }
      for (const [rows, c] of [
        [5, 4],
        [3, 16],
        [1, 12],
      ] as const) {
        fill(f32, a, rows * c, rows);
        fill(f32, b, c, c);
        k[`ew_${op}_row`]?.(a * 4, b * 4, out * 4, rows, c);
        for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) expect(f32[out + r * c + j]).toBe(Math.fround(ref[op]!(f32[a + r * c + j]!, f32[b + j]!)));
      }
    });
  }

  it('un_relu and un_square', () => {
    const { k, f32 } = instantiate(true);
    const a = 1024;
    const out = 4096;
    for (const n of [1, 6, 64, 333]) {
      fill(f32, a, n, n);
      f32[a] = NaN;
      k.un_relu?.(a * 4, out * 4, n);
      expect(f32[out]).toBeNaN();
      for (let i = 1; i < n; i++) expect(f32[out + i]).toBe(Math.max(f32[a + i]!, 0));
      k.un_square?.(a * 4, out * 4, n);
      for (let i = 1; i < n; i++) expect(f32[out + i]).toBe(Math.fround(f32[a + i]! * f32[a + i]!));
    }
  });
});

describe('the filter-gradient loop', () => {
  // [N, H, W, Cin, Cout, K, stride, pad]: channel blocks of 4 and 1, 8 and 4 output channels,
  // odd widths (one position left after pairs), strides 1-3, padding 0-2.
  const CASES = [
    [2, 7, 9, 6, 8, 3, 1, 1],
    [2, 8, 8, 5, 4, 3, 2, 1],
    [1, 6, 6, 3, 8, 5, 1, 2],
    [3, 9, 7, 4, 12, 3, 3, 0],
    [1, 5, 5, 8, 16, 1, 1, 0],
  ] as const;
  it('matches a float64 reference over strides, paddings and channel remainders, split into unit ranges', () => {
    const { k, f32, i32 } = instantiate(true);
    for (const [N, H, Wd, Cin, Cout, K, s, p] of CASES) {
      const OH = Math.floor((H + 2 * p - K) / s) + 1;
      const OW = Math.floor((Wd + 2 * p - K) / s) + 1;
      const x = 1024;
      const dy = x + N * H * Wd * Cin + 16;
      const out = dy + N * OH * OW * Cout + 16;
      const tab = out + K * K * Cin * Cout + 16;
      fill(f32, x, N * H * Wd * Cin, N + H + Cin);
      fill(f32, dy, N * OH * OW * Cout, Cout + K);
      for (let kw = 0; kw < K; kw++) {
        i32[tab + 2 * kw] = Math.min(OW, Math.max(0, Math.ceil((p - kw) / s)));
        i32[tab + 2 * kw + 1] = Math.max(0, Math.min(OW, Math.ceil((Wd + p - kw) / s)));
      }
      f32.fill(0, out, out + K * K * Cin * Cout);
      const V = Cout % 8 === 0 ? 2 : 1;
      const nCoB = Cout / (4 * V);
      const nCi4 = Math.floor(Cin / 4);
      const tail = Cin - 4 * nCi4;
      const call = (cib: number, nCiB: number, ciBase: number) => {
        const units = K * K * nCiB * nCoB;
        const half = Math.floor(units / 2);
        for (const [u0, u1] of [
          [0, half],
          [half, units],
        ]) {
          k[`wgrad_${cib}_${V}`]?.(x * 4, dy * 4, out * 4, N, H, Wd, Cin, OH, OW, Cout, K, s, s, 1, 1, p, p, u0 as number, u1 as number, 2, nCiB, ciBase, nCoB, tab * 4);
        }
      };
      if (nCi4 > 0) call(4, nCi4, 0);
      if (tail > 0) call(1, tail, 4 * nCi4);
      let maxErr = 0;
      let maxV = 0;
      for (let kh = 0; kh < K; kh++)
        for (let kw = 0; kw < K; kw++)
          for (let ci = 0; ci < Cin; ci++)
            for (let co = 0; co < Cout; co++) {
              let sum = 0;
              for (let n = 0; n < N; n++)
                for (let oh = 0; oh < OH; oh++)
                  for (let ow = 0; ow < OW; ow++) {
                    const ih = oh * s + kh - p;
                    const iw = ow * s + kw - p;
                    if (ih < 0 || ih >= H || iw < 0 || iw >= Wd) continue;
                    sum += (f32[x + ((n * H + ih) * Wd + iw) * Cin + ci] as number) * (f32[dy + ((n * OH + oh) * OW + ow) * Cout + co] as number);
                  }
              maxErr = Math.max(maxErr, Math.abs(sum - (f32[out + ((kh * K + kw) * Cin + ci) * Cout + co] as number)));
              maxV = Math.max(maxV, Math.abs(sum));
            }
      expect(maxErr / maxV).toBeLessThanOrEqual(1e-5);
    }
  });
});
