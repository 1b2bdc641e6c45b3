import { describe, expect, it } from 'vitest';
import { collectSamples, decodeSampleBytes, SAMPLE_MAX_SIDE, sampleImage, sampleMask, sampleStep } from './samples.js';
import type { SamplePrediction } from '../../../src-shared/api/services/training.js';

/** Normalizes 8-bit pixels as the datasets do: (p/255 − mean)/std per channel, in float32. */
function normalize(pixels: Uint8Array, c: number, mean: number[], std: number[]): Float32Array {
  return Float32Array.from(pixels, (p, i) => (p / 255 - (mean[i % c] ?? 0)) / (std[i % c] ?? 1));
}

describe('sample images', () => {
  it('turn normalized RGB floats back into the exact 8-bit pixels', () => {
    const h = 5;
    const w = 4;
    const c = 3;
    const pixels = Uint8Array.from({ length: 2 * h * w * c }, (_, i) => (i * 37 + 11) % 256);
    const mean = [0.49, 0.48, 0.45];
    const std = [0.25, 0.24, 0.26];
    const x = normalize(pixels, c, mean, std);
    const img = sampleImage(x, 1, [h, w, c], { mean, std });
    expect(img).toMatchObject({ width: w, height: h, channels: 3 });
    expect([...decodeSampleBytes(img.data)]).toEqual([...pixels.subarray(h * w * c)]);
  });

  it('grey images keep one channel; without the normalization each channel is stretched over 0–255', () => {
    const pixels = Uint8Array.from([10, 20, 30, 40, 50, 60]);
    const x = normalize(pixels, 1, [0.3], [0.4]);
    const exact = sampleImage(x, 0, [2, 3, 1], { mean: [0.3], std: [0.4] });
    expect(exact.channels).toBe(1);
    expect([...decodeSampleBytes(exact.data)]).toEqual([10, 20, 30, 40, 50, 60]);
    const stretched = decodeSampleBytes(sampleImage(x, 0, [2, 3, 1], undefined).data);
    expect([...stretched]).toEqual([0, 51, 102, 153, 204, 255]);
  });

  it(`subsample images and masks larger than ${SAMPLE_MAX_SIDE} pixels (nearest), keeping them aligned`, () => {
    const h = 200;
    const w = 100;
    expect(sampleStep(h, w)).toBe(3);
    const pixels = Uint8Array.from({ length: h * w }, (_, i) => Math.floor(i / w) % 256);
    const img = sampleImage(normalize(pixels, 1, [0], [1]), 0, [h, w, 1], { mean: [0], std: [1] });
    expect(img).toMatchObject({ width: 34, height: 67 });
    const bytes = decodeSampleBytes(img.data);
    expect(bytes[0]).toBe(0);
    expect(bytes[34]).toBe(3); // second row = source row 3
    const labels = Int32Array.from({ length: h * w }, (_, i) => (Math.floor(i / w) >= 100 ? 2 : 1));
    const mask = sampleMask(labels, 0, h, w);
    expect(mask).toMatchObject({ width: 34, height: 67 });
    const m = decodeSampleBytes(mask.data);
    expect(m[33 * 34]).toBe(1); // source row 99
    expect(m[34 * 34]).toBe(2); // source row 102
  });
});

describe('collectSamples', () => {
  it('takes classification examples until the limit, with their position in the split', () => {
    const into: SamplePrediction[] = [];
    const size = 4;
    const x = new Float32Array(size * 2 * 2 * 1).fill(0.5);
    const batch = { x, xShape: [size, 2, 2, 1] as const, labels: Int32Array.from([0, 1, 2, 3]), predicted: [0, 2, 2, 1], confidence: [0.9, 0.4, 0.8, 0.6], size };
    expect(collectSamples(into, batch, 0, 'classification', { mean: [0], std: [1] }, 6)).toBe(4);
    expect(collectSamples(into, batch, 4, 'classification', { mean: [0], std: [1] }, 6)).toBe(2);
    expect(into.map((s) => [s.index, s.trueLabel, s.predictedLabel, s.confidence])).toEqual([
      [0, 0, 0, 0.9],
      [1, 1, 2, 0.4],
      [2, 2, 2, 0.8],
      [3, 3, 1, 0.6],
      [4, 0, 0, 0.9],
      [5, 1, 2, 0.4],
    ]);
    expect(collectSamples(into, batch, 8, 'classification', undefined, 6)).toBe(0);
  });

  it('gives segmentation examples true and predicted masks and the mean confidence', () => {
    const into: SamplePrediction[] = [];
    const batch = {
      x: new Float32Array(2 * 2 * 2 * 3),
      xShape: [2, 2, 2, 3] as const,
      labels: Int32Array.from([0, 1, 1, 0, 2, 2, 0, 0]),
      predicted: Int32Array.from([0, 1, 0, 0, 2, 1, 0, 0]),
      confidence: Float32Array.from([1, 1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]),
      size: 2,
    };
    collectSamples(into, batch, 10, 'segmentation', undefined, 16);
    expect(into).toHaveLength(2);
    const [a, b] = into;
    expect(a).toMatchObject({ index: 10, trueLabel: null, predictedLabel: null, confidence: 0.75 });
    expect([...decodeSampleBytes(a?.trueMask?.data ?? '')]).toEqual([0, 1, 1, 0]);
    expect([...decodeSampleBytes(a?.predictedMask?.data ?? '')]).toEqual([0, 1, 0, 0]);
    expect(b?.confidence).toBe(0.25);
    expect([...decodeSampleBytes(b?.predictedMask?.data ?? '')]).toEqual([2, 1, 0, 0]);
  });
});
