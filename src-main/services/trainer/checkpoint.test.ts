import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';

const data = {
  epoch: 3,
  step: 120,
  optimizerStep: 120,
  weights: [
    { key: 'conv#0', shape: [3, 3, 1, 2], values: Float32Array.from({ length: 18 }, (_, i) => i / 7) },
    { key: 'bn#2', shape: [2], values: Float32Array.of(-1.5, 2.25) },
  ],
  slots: [{ key: 'conv#0@0', shape: [3, 3, 1, 2], values: Float32Array.from({ length: 18 }, (_, i) => -i) }],
};

describe('checkpoint blobs', () => {
  it('round-trip exactly, also from a Buffer that starts at an odd offset (as SQLite returns)', () => {
    const bytes = encodeCheckpoint(data);
    expect(decodeCheckpoint(bytes)).toEqual(data);
    const shifted = Buffer.alloc(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeCheckpoint(shifted.subarray(3))).toEqual(data);
  });

  it('refuse what is not a checkpoint, or one cut short, or a tensor whose size disagrees with its shape', () => {
    expect(() => decodeCheckpoint(new Uint8Array(4))).toThrow(/not a checkpoint/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello world, not a checkpoint'))).toThrow(/bad magic/);
    const bytes = encodeCheckpoint(data);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8))).toThrow(/cut short/);
    expect(() => encodeCheckpoint({ ...data, weights: [{ key: 'x', shape: [2, 2], values: new Float32Array(3) }] })).toThrow(/3 values for shape \[2, 2\]/);
  });
});
