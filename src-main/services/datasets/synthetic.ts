import { hashInts, Rng } from './random.js';
import { datasetNormalization } from '../../../src-shared/api/services/datasets.js';
import type { ExampleSource, Task } from './types.js';

/** Shapes a synthetic image can contain; membership test in units of the shape's radius. */
export const SYNTHETIC_SHAPES = ['square', 'circle', 'triangle', 'plus', 'bar', 'column', 'ring', 'diamond', 'cross', 'frame'] as const;

function inside(shape: number, dx: number, dy: number, r: number): boolean {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  switch (shape) {
    case 0: // square
      return ax <= r && ay <= r;
    case 1: // circle
      return dx * dx + dy * dy <= r * r;
    case 2: // triangle, apex up
      return dy >= -r && dy <= r && ax <= (dy + r) / 2;
    case 3: // plus
      return (ax <= r / 3 && ay <= r) || (ay <= r / 3 && ax <= r);
    case 4: // horizontal bar
      return ay <= r / 3 && ax <= r;
    case 5: // vertical bar
      return ax <= r / 3 && ay <= r;
    case 6: {
      // ring
      const d2 = dx * dx + dy * dy;
      return d2 <= r * r && d2 >= 0.36 * r * r;
    }
    case 7: // diamond
      return ax + ay <= r;
    case 8: // diagonal cross
      return Math.abs(ax - ay) <= r / 3 && ax <= r && ay <= r;
    default: {
      // frame (hollow square)
      const m = Math.max(ax, ay);
      return m <= r && m >= 0.6 * r;
    }
  }
}

/** Distinct colours for classes beyond the number of shapes (RGB; grayscale uses brightness). */
const PALETTE: readonly [number, number, number][] = [
  [240, 240, 240],
  [230, 60, 50],
  [60, 200, 70],
  [70, 110, 240],
  [240, 210, 50],
  [200, 70, 220],
];
const GRAY_LEVELS = [250, 170, 110];

export interface SyntheticOptions {
  readonly task?: Task;
  /** [height, width, channels] — the graph's own input shape. */
  readonly shape: readonly [number, number, number];
  /** Classes to tell apart (classification), or mask classes including background (segmentation). */
  readonly classes: number;
  /** Training examples (default 2000) and test examples (default a fifth of that). */
  readonly trainSize?: number;
  readonly testSize?: number;
  readonly seed?: number;
}

/** Most classes the generator can make distinct for this channel count. */
export function maxSyntheticClasses(task: Task, channels: number): number {
  if (task === 'segmentation') return SYNTHETIC_SHAPES.length + 1;
  return SYNTHETIC_SHAPES.length * (channels >= 3 ? PALETTE.length : GRAY_LEVELS.length);
}

function colour(channels: number, variant: number, rng: Rng, out: Float32Array): void {
  for (let k = 0; k < channels; k++) {
    const base = channels >= 3 ? ((PALETTE[variant] as [number, number, number])[k] ?? 128) : (GRAY_LEVELS[variant] as number);
    out[k] = Math.max(0, Math.min(255, base + rng.range(-20, 20)));
  }
}

/**
 * Generated images, deterministic per (seed, part, index), in any input shape:
 * - classification: one shape on a noisy dark background; class k is shape k mod 10 drawn in
 *   colour (or brightness) ⌊k/10⌋, at a random position and size with colour jitter;
 * - segmentation: one to three shapes of the types 1..classes−1; the mask gives each pixel the
 *   class of the topmost shape covering it (0 = background).
 * Nothing is stored: every read draws its examples again.
 */
export function openSynthetic(o: SyntheticOptions): Promise<ExampleSource> {
  const task = o.task ?? 'classification';
  const [h, w, c] = o.shape;
  const seed = o.seed ?? 0;
  const trainSize = o.trainSize ?? 2000;
  const testSize = o.testSize ?? Math.max(1, Math.round(trainSize / 5));
  const problems: string[] = [];
  if (![h, w, c].every((v) => Number.isInteger(v) && v > 0)) problems.push(`shape must be three positive whole numbers, got [${o.shape.join(', ')}]`);
  if (Math.min(h, w) < 4) problems.push(`images must be at least 4x4 to draw shapes, got ${h}x${w}`);
  const minClasses = 2;
  const max = maxSyntheticClasses(task, c);
  if (!Number.isInteger(o.classes) || o.classes < minClasses || o.classes > max) {
    problems.push(`synthetic ${task} makes ${minClasses}–${max} classes for ${c} channel${c === 1 ? '' : 's'}, not ${o.classes}`);
  }
  if (!(Number.isInteger(trainSize) && trainSize > 0 && Number.isInteger(testSize) && testSize >= 0)) problems.push('sizes must be whole numbers');
  if (problems.length > 0) return Promise.reject(new RangeError(problems.join('; ')));

  const seg = task === 'segmentation';
  const per = h * w * c;
  const col = new Float32Array(c);

  function draw(part: 0 | 1, index: number, pixels: Uint8Array, labels: Int32Array): void {
    const rng = new Rng(hashInts(seed, part, index, 0x5e7));
    // Background: dark, with a faint gradient and pixel noise.
    const gx = rng.range(-20, 20) / w;
    const gy = rng.range(-20, 20) / h;
    const base = rng.range(10, 40);
    for (let y = 0, p = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = base + gx * x + gy * y;
        for (let k = 0; k < c; k++, p++) pixels[p] = Math.max(0, Math.min(255, Math.round(v + rng.range(-12, 12))));
      }
    }
    const shapes: { kind: number; variant: number; label: number }[] = [];
    if (seg) {
      const n = rng.int(1, 3);
      for (let i = 0; i < n; i++) {
        const label = rng.int(1, o.classes - 1);
        shapes.push({ kind: label - 1, variant: rng.int(0, (c >= 3 ? PALETTE.length : GRAY_LEVELS.length) - 1), label });
      }
    } else {
      const label = rng.int(0, o.classes - 1);
      shapes.push({ kind: label % SYNTHETIC_SHAPES.length, variant: Math.floor(label / SYNTHETIC_SHAPES.length), label });
      labels[0] = label;
    }
    const m = Math.min(h, w);
    for (const s of shapes) {
      const r = rng.range(seg ? 0.15 : 0.25, seg ? 0.3 : 0.42) * m;
      const cx = rng.range(r, w - r);
      const cy = rng.range(r, h - r);
      colour(c, s.variant, rng, col);
      for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(h - 1, Math.ceil(cy + r + 1)); y++) {
        for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(w - 1, Math.ceil(cx + r + 1)); x++) {
          if (!inside(s.kind, x + 0.5 - cx, y + 0.5 - cy, r)) continue;
          const p = (y * w + x) * c;
          for (let k = 0; k < c; k++) pixels[p + k] = Math.round(col[k] as number);
          if (seg) labels[y * w + x] = s.label;
        }
      }
    }
  }

  const what = seg ? `segmentation masks of ${o.classes - 1} shape kinds + background` : `${o.classes} classes of shapes${o.classes > SYNTHETIC_SHAPES.length ? ' and colours' : ''}`;
  const classNames = seg
    ? ['background', ...SYNTHETIC_SHAPES.slice(0, o.classes - 1)]
    : Array.from({ length: o.classes }, (_, k) => {
        const shape = SYNTHETIC_SHAPES[k % SYNTHETIC_SHAPES.length] as string;
        const v = Math.floor(k / SYNTHETIC_SHAPES.length);
        return v === 0 ? shape : `${shape} (colour ${v})`;
      });
  return Promise.resolve({
    name: seg ? 'synthetic segmentation' : 'synthetic shapes',
    task,
    shape: [h, w, c],
    classes: o.classes,
    classNames,
    ...datasetNormalization('synthetic', c),
    counts: { train: trainSize, test: testSize },
    location: `generated (seed ${seed}): ${what}`,
    read(part, indices, pixels, labels) {
      const lp = seg ? h * w : 1;
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i] as number;
        const count = part === 'train' ? trainSize : testSize;
        if (index >= count) throw new RangeError(`example ${index} is past the end of ${part} (${count})`);
        const lab = labels.subarray(i * lp, (i + 1) * lp);
        lab.fill(0);
        draw(part === 'train' ? 0 : 1, index, pixels.subarray(i * per, (i + 1) * per), lab);
      }
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
}
