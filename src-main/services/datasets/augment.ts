import type { Rng } from './random.js';

/**
 * In-place augmentation of one example (8-bit HWC pixels and, for segmentation, its H×W mask):
 * random crop after `pad` pixels of zero padding on each side, and a horizontal flip with
 * probability 1/2 when `flip`. The same random draw moves the image and its mask.
 * `scratch` must hold at least H×W×C bytes (and `maskScratch` H×W entries when a mask is given).
 */
export function augmentExample(
  rng: Rng,
  h: number,
  w: number,
  c: number,
  pixels: Uint8Array,
  pad: number,
  flip: boolean,
  scratch: Uint8Array,
  mask?: Int32Array,
  maskScratch?: Int32Array,
): void {
  const dy = pad > 0 ? rng.int(-pad, pad) : 0;
  const dx = pad > 0 ? rng.int(-pad, pad) : 0;
  const mirror = flip && rng.next() < 0.5;
  if (dy === 0 && dx === 0 && !mirror) return;
  scratch.fill(0, 0, h * w * c);
  if (mask !== undefined && maskScratch !== undefined) maskScratch.fill(0, 0, h * w);
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const cx = mirror ? w - 1 - x : x;
      const sx = cx + dx;
      if (sx < 0 || sx >= w) continue;
      const d = (y * w + x) * c;
      const s = (sy * w + sx) * c;
      for (let k = 0; k < c; k++) scratch[d + k] = pixels[s + k] as number;
      if (mask !== undefined && maskScratch !== undefined) maskScratch[y * w + x] = mask[sy * w + sx] as number;
    }
  }
  pixels.set(scratch.subarray(0, h * w * c));
  if (mask !== undefined && maskScratch !== undefined) mask.set(maskScratch.subarray(0, h * w));
}

/** Class indices → one-hot rows (for trainers that want them on the JS side). */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i] as number;
    if (k < 0 || k >= classes || !Number.isInteger(k)) throw new RangeError(`label ${k} at ${i} is not a class index in [0, ${classes})`);
    out[i * classes + k] = 1;
  }
  return out;
}
