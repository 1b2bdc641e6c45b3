/**
 * Pure pieces of the evaluation view: the confusion matrix as cells with their share of the true
 * class (the heat), hover text, the classes most confused, and decoding of the sample images and
 * masks the trainer sends (uint8, base64) into RGBA pixels for a <canvas>.
 */

export interface ConfusionCell {
  readonly t: number;
  readonly p: number;
  readonly count: number;
  /** count / examples of the true class (0 when the class has none). */
  readonly share: number;
}

export interface ConfusionGrid {
  readonly size: number;
  readonly cells: readonly ConfusionCell[];
  readonly rowTotals: readonly number[];
  readonly total: number;
}

export function confusionGrid(confusion: readonly (readonly number[])[]): ConfusionGrid {
  const size = confusion.length;
  const rowTotals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const cells: ConfusionCell[] = [];
  for (let t = 0; t < size; t++) {
    for (let p = 0; p < size; p++) {
      const count = confusion[t]?.[p] ?? 0;
      const total = rowTotals[t] ?? 0;
      cells.push({ t, p, count, share: total === 0 ? 0 : count / total });
    }
  }
  return { size, cells, rowTotals, total: rowTotals.reduce((a, b) => a + b, 0) };
}

export function className(names: readonly string[], k: number): string {
  return names[k] ?? `class ${k}`;
}

/** The hover text of a cell: `true cat predicted as dog: 12` (and its share of the true class). */
export function cellTitle(names: readonly string[], c: ConfusionCell, unit: 'examples' | 'pixels'): string {
  const share = c.count === 0 ? '' : ` (${Math.round(c.share * 1000) / 10}% of true ${className(names, c.t)})`;
  return `true ${className(names, c.t)} predicted as ${className(names, c.p)}: ${c.count.toLocaleString('en-US')}${unit === 'pixels' ? ' pixels' : ''}${share}`;
}

/** The largest off-diagonal cells (most frequent confusions), at most `n`, biggest first. */
export function topConfusions(grid: ConfusionGrid, n = 3): ConfusionCell[] {
  return grid.cells
    .filter((c) => c.t !== c.p && c.count > 0)
    .sort((a, b) => b.count - a.count || a.t - b.t || a.p - b.p)
    .slice(0, n);
}

/** A fraction as a percentage with one decimal, or — for null. */
export function formatPercent(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`;
}

/** base64 to bytes (atob is in browsers and in Node ≥ 16). */
export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface Pixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major. */
  readonly rgba: Uint8ClampedArray;
}

/**
 * An image (1 gray or 3 interleaved channels) as RGBA; a located one-line error when its data do
 * not hold width × height × channels bytes.
 */
export function imagePixels(img: { width: number; height: number; channels: 1 | 3; data: string }): Pixels | { error: string } {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(img.data);
  } catch {
    return { error: 'image data is not base64' };
  }
  const n = img.width * img.height;
  if (bytes.length !== n * img.channels) return { error: `image data hold ${bytes.length} bytes, expected ${img.width}×${img.height}×${img.channels} = ${n * img.channels}` };
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const r = bytes[i * img.channels] as number;
    rgba[i * 4] = r;
    rgba[i * 4 + 1] = img.channels === 3 ? (bytes[i * 3 + 1] as number) : r;
    rgba[i * 4 + 2] = img.channels === 3 ? (bytes[i * 3 + 2] as number) : r;
    rgba[i * 4 + 3] = 255;
  }
  return { width: img.width, height: img.height, rgba };
}

/** Distinct colours for mask classes (class 0, usually background, is dark). */
const MASK_COLORS: readonly (readonly [number, number, number])[] = [
  [30, 30, 36],
  [253, 231, 37],
  [53, 183, 121],
  [49, 104, 142],
  [230, 97, 1],
  [178, 24, 43],
  [153, 112, 171],
  [140, 200, 255],
  [255, 160, 200],
  [160, 160, 160],
];

export function maskColor(k: number): readonly [number, number, number] {
  return MASK_COLORS[k % MASK_COLORS.length] as readonly [number, number, number];
}

/** A mask (one class per pixel) as RGBA in the class colours. */
export function maskPixels(mask: { width: number; height: number; data: string }): Pixels | { error: string } {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(mask.data);
  } catch {
    return { error: 'mask data is not base64' };
  }
  const n = mask.width * mask.height;
  if (bytes.length !== n) return { error: `mask data hold ${bytes.length} bytes, expected ${mask.width}×${mask.height} = ${n}` };
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = maskColor(bytes[i] as number);
    rgba[i * 4] = r;
    rgba[i * 4 + 1] = g;
    rgba[i * 4 + 2] = b;
    rgba[i * 4 + 3] = 255;
  }
  return { width: mask.width, height: mask.height, rgba };
}
