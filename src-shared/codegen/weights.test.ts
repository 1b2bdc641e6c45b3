import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../graph/compile.js';
import { emitTsWeights, tsWeightsModule } from './ts-weights.js';
import { matchWeights, weightsOf, WeightsMismatch } from './weights.js';
import type { WeightSet } from './weights.js';
import { repeatedGraph } from './test-graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('matchWeights: given weights must fit the model', () => {
  it('takes every layer with weights in the model’s order; refuses a missing layer, a missing tensor or another shape, naming the layer', () => {
    const compiled = compileGraph(tf, repeatedGraph());
    try {
      const ws = weightsOf(compiled.model);
      const matched = matchWeights(compiled.model, ws);
      expect(matched.map((m) => m.layer)).toEqual(compiled.model.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
      const [first] = matched;
      if (first === undefined) throw new Error('no layer with weights');
      const without = new Map(ws);
      without.delete(first.layer);
      expect(() => matchWeights(compiled.model, without)).toThrow(new WeightsMismatch(`the weights have none for layer "${first.layer}"`));
      const short: WeightSet = new Map([...ws].map(([k, v]) => [k, k === first.layer ? v.slice(1) : v]));
      expect(() => matchWeights(compiled.model, short)).toThrow(/tensors for layer/);
      const reshaped: WeightSet = new Map([...ws].map(([k, v]) => [k, k === first.layer ? v.map((t, i) => (i === 0 ? { shape: [t.data.length], data: t.data } : t)) : v]));
      expect(() => matchWeights(compiled.model, reshaped)).toThrow(new RegExp(`weight 0 of layer "${first.layer}" is \\[\\d+\\] in the weights but \\[`));
    } finally {
      compiled.model.dispose();
    }
  });
});

describe('TypeScript weights (weights.bin + trained.ts)', () => {
  it('writes every tensor as little-endian float32, layer after layer, and a manifest in the same order', () => {
    const layers = [
      { layer: 'conv', tensors: [{ shape: [1, 1, 1, 2], data: Float32Array.from([1.5, -2]) }, { shape: [2], data: Float32Array.from([0.25, 3]) }] },
      { layer: 'dense__r2', tensors: [{ shape: [1], data: Float32Array.from([-0.5]) }] },
    ];
    const [mod, bin] = emitTsWeights('net.ts', layers, { from: 'run 1, epoch 2' });
    if (mod === undefined || bin === undefined || !('bytes' in bin) || !('content' in mod)) throw new Error('files');
    expect([mod.name, bin.name]).toEqual(['trained.ts', 'weights.bin']);
    const view = new DataView(bin.bytes.buffer, bin.bytes.byteOffset, bin.bytes.byteLength);
    expect(Array.from({ length: 5 }, (_, i) => view.getFloat32(i * 4, true))).toEqual([1.5, -2, 0.25, 3, -0.5]);
    expect(mod.content).toContain("  { layer: 'conv', shapes: [[1, 1, 1, 2], [2]] },\n  { layer: 'dense__r2', shapes: [[1]] },");
    expect(mod.content).toContain('export const weightCount = 5;');
    expect(mod.content).toContain("import { buildModel } from './net.js';");
    expect(mod.content).toContain('exported by Skipwire (run 1, epoch 2)');
    expect(tsWeightsModule('trained.ts')).toBe('trained_weights.ts');
  });
});
