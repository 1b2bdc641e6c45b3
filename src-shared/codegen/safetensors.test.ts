import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from './safetensors.js';
import { permute, reshape } from '../layers/lib/code.js';

describe('safetensors', () => {
  it('writes the header length, a JSON header with 8-byte aligned data, then little-endian data', () => {
    const bytes = encodeSafetensors(
      new Map([
        ['a.weight', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }],
        ['a.num_batches_tracked', { shape: [], int64: [7] }],
      ]),
      { format: 'pt' },
    );
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(String.fromCharCode(...bytes.slice(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['a.weight']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header['a.num_batches_tracked']).toEqual({ dtype: 'I64', shape: [], data_offsets: [16, 24] });
    const base = 8 + n;
    expect([0, 1, 2, 3].map((i) => view.getFloat32(base + 4 * i, true))).toEqual([1, 2, 3, 4]);
    expect(view.getBigInt64(base + 16, true)).toBe(7n);
    expect(bytes.length).toBe(base + 24);
  });

  it('refuses a tensor whose data does not fit its shape', () => {
    expect(() => encodeSafetensors(new Map([['x', { shape: [3], data: new Float32Array(2) }]]))).toThrow(/2 values/);
  });
});

describe('weight layouts', () => {
  it('permute is numpy’s transpose: conv kernel [k, k, in, out] → [out, in, k, k]', () => {
    // k = 1, in = 2, out = 3: element (0,0,i,o) = 10·i + o
    const w = { shape: [1, 1, 2, 3], data: Float32Array.from([0, 1, 2, 10, 11, 12]) };
    const t = permute(w, [3, 2, 0, 1]);
    expect(t.shape).toEqual([3, 2, 1, 1]);
    expect([...t.data]).toEqual([0, 10, 1, 11, 2, 12]);
    expect([...permute(permute(w, [3, 2, 0, 1]), [2, 3, 1, 0]).data]).toEqual([...w.data]);
    expect(() => reshape(w, [5])).toThrow();
  });
});
