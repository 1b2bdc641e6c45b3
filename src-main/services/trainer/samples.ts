import type { SampleImage, SampleMask, SamplePrediction } from '../../../src-shared/api/services/training.js';

/**
 * Sample predictions of the final evaluation, as small images: the batches' normalized floats
 * turned back into 8-bit pixels, masks as one byte per pixel, base64 in JSON. Pure functions of
 * arrays (the loop collects the model's outputs; tests check these directly).
 */

/** Images larger than this on their longer side are subsampled (nearest) to at most it. */
export const SAMPLE_MAX_SIDE = 96;

export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** The subsampling step that brings the longer side to at most SAMPLE_MAX_SIDE. */
export function sampleStep(height: number, width: number): number {
  return Math.max(1, Math.ceil(Math.max(height, width) / SAMPLE_MAX_SIDE));
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * One example of an NHWC batch back to pixels: pixel = (x·std + mean)·255, rounded and clamped.
 * Without the dataset's normalization, each channel is stretched over 0–255 (min to max).
 * Channels other than 1 and 3 keep the first (grey).
 */
export function sampleImage(x: Float32Array, index: number, shape: readonly [number, number, number], norm: Normalization | undefined): SampleImage {
  const [h, w, c] = shape;
  const step = sampleStep(h, w);
  const oh = Math.ceil(h / step);
  const ow = Math.ceil(w / step);
  const outC = c === 3 ? 3 : 1;
  const base = index * h * w * c;
  const scale = new Float64Array(outC);
  const offset = new Float64Array(outC);
  for (let k = 0; k < outC; k++) {
    if (norm !== undefined) {
      const std = norm.std[k] ?? norm.std[0] ?? 1;
      const mean = norm.mean[k] ?? norm.mean[0] ?? 0;
      scale[k] = std * 255;
      offset[k] = mean * 255;
    } else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = 0; p < h * w; p++) {
        const v = x[base + p * c + k] ?? 0;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const sc = hi > lo ? 255 / (hi - lo) : 0;
      scale[k] = sc;
      offset[k] = -lo * sc;
    }
  }
  const out = new Uint8Array(oh * ow * outC);
  let o = 0;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const p = base + (i * step * w + j * step) * c;
      for (let k = 0; k < outC; k++) {
        const v = (x[p + k] ?? 0) * (scale[k] ?? 0) + (offset[k] ?? 0);
        out[o++] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width: ow, height: oh, channels: outC === 3 ? 3 : 1, data: toBase64(out) };
}

/** One example's H×W class indices (from a batch of masks) as a mask, subsampled like its image. */
export function sampleMask(labels: ArrayLike<number>, index: number, height: number, width: number): SampleMask {
  const step = sampleStep(height, width);
  const oh = Math.ceil(height / step);
  const ow = Math.ceil(width / step);
  const out = new Uint8Array(oh * ow);
  const base = index * height * width;
  let o = 0;
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) out[o++] = Math.max(0, Math.min(255, labels[base + i * step * width + j * step] ?? 0));
  return { width: ow, height: oh, data: toBase64(out) };
}

/** Decodes a sample's bytes (images and masks). */
export function decodeSampleBytes(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

export interface SampleBatch {
  readonly x: Float32Array;
  readonly xShape: readonly [number, number, number, number];
  /** Class per example (classification) or H×W per example (segmentation). */
  readonly labels: Int32Array;
  /** The model's class per example, or per pixel. */
  readonly predicted: ArrayLike<number>;
  /** The probability of the predicted class per example, or per pixel. */
  readonly confidence: ArrayLike<number>;
  readonly size: number;
}

/**
 * Appends examples of a batch to `into` until it holds `max`; `offset` is the batch's first
 * example's position in the split. Returns the examples taken.
 */
export function collectSamples(
  into: SamplePrediction[],
  b: SampleBatch,
  offset: number,
  task: 'classification' | 'segmentation',
  norm: Normalization | undefined,
  max: number,
): number {
  const [, h, w, c] = b.xShape;
  let taken = 0;
  for (let i = 0; i < b.size && into.length < max; i++, taken++) {
    const image = sampleImage(b.x, i, [h, w, c], norm);
    if (task === 'classification') {
      const conf = Number(b.confidence[i]);
      into.push({
        index: offset + i,
        image,
        trueLabel: b.labels[i] ?? 0,
        predictedLabel: Number(b.predicted[i] ?? 0),
        confidence: Number.isFinite(conf) ? conf : null,
      });
    } else {
      let sum = 0;
      for (let p = 0; p < h * w; p++) sum += Number(b.confidence[i * h * w + p] ?? 0);
      const conf = sum / (h * w);
      into.push({
        index: offset + i,
        image,
        trueLabel: null,
        predictedLabel: null,
        confidence: Number.isFinite(conf) ? conf : null,
        trueMask: sampleMask(b.labels, i, h, w),
        predictedMask: sampleMask(b.predicted, i, h, w),
      });
    }
  }
  return taken;
}
