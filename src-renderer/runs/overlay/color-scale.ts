/**
 * The gradient overlay's colour scale: log10 of a norm mapped onto a perceptual ramp (viridis,
 * van der Walt & Smith; monotone in lightness, readable for colour-blind people). The ramp's
 * darkest tenth is left out so that the smallest values still stand apart from a dark node.
 */

/** Viridis at 9 even stops (matplotlib's table, sRGB 0–255). */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Where on the ramp the scale starts (0 would be viridis's near-black purple). */
export const RAMP_START = 0.1;

/** A colour on the ramp, t in [0, 1] (clamped), as `rgb(r, g, b)`. */
export function ramp(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i] as readonly [number, number, number];
  const b = VIRIDIS[i + 1] as readonly [number, number, number];
  const c = (k: 0 | 1 | 2): number => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

/** A log10 range [lo, hi] of the values shown. */
export interface LogDomain {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The log10 range of the positive finite values, or null when there is none. A range narrower
 * than half a decade is widened around its middle, so that noise does not sweep the whole ramp.
 */
export function logDomain(values: Iterable<number | null | undefined>): LogDomain | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v) || v <= 0) continue;
    const l = Math.log10(v);
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  if (lo > hi) return null;
  if (hi - lo < 0.5) {
    const mid = (hi + lo) / 2;
    return { lo: mid - 0.25, hi: mid + 0.25 };
  }
  return { lo, hi };
}

/** Position of a value on the scale in [0, 1], or null for a value the scale cannot show (≤ 0, NaN, missing). */
export function scalePosition(value: number | null | undefined, d: LogDomain): number | null {
  if (value === null || value === undefined || !Number.isFinite(value) || value <= 0) return null;
  const t = (Math.log10(value) - d.lo) / (d.hi - d.lo);
  return Math.min(1, Math.max(0, t));
}

/** The colour of a value, or null when it has none. */
export function colorFor(value: number | null | undefined, d: LogDomain): string | null {
  const t = scalePosition(value, d);
  return t === null ? null : ramp(RAMP_START + (1 - RAMP_START) * t);
}

/** Whole decades inside the domain (for the legend's ticks), as exponents. */
export function decadeTicks(d: LogDomain): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(d.lo); e <= Math.floor(d.hi); e++) out.push(e);
  return out;
}

/** A norm as a person reads it: 3 significant digits, exponent form outside [0.01, 1000). */
export function formatNorm(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1000) return Number(v.toPrecision(3)).toString();
  const [m, e] = v.toExponential(2).split('e');
  return `${Number(m).toString()}e${Number(e)}`;
}

/** 10^e as a short label: 1e-3, 0.01, 0.1, 1, 10, 100, 1e3. */
export function formatDecade(e: number): string {
  if (e >= -2 && e <= 2) return Number((10 ** e).toPrecision(1)).toString();
  return `1e${e}`;
}
