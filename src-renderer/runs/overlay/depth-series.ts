import { depthOrder } from './probe-model.js';
import type { ProbeSnapshot } from './probe-model.js';

/**
 * The gradient-by-depth picture of a run: one point per weighted layer (each copy of a repeated
 * block its own point), in the graph's depth order, for the first probe (the start of training)
 * and the latest. Vanishing gradients show as a curve falling towards the input (left).
 */
export interface DepthSeries {
  /** Trainer ids (copies included), shallow to deep. */
  readonly ids: readonly string[];
  readonly first: readonly (number | null)[];
  readonly latest: readonly (number | null)[];
  readonly firstStep: number | null;
  readonly latestStep: number | null;
}

const positive = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) || v <= 0 ? null : v);

/** `include`: which trainer ids to plot (default all). */
export function depthSeries(history: readonly ProbeSnapshot[], order: readonly string[] | null, include: (id: string) => boolean = () => true): DepthSeries {
  const first = history[0];
  const latest = history[history.length - 1];
  if (first === undefined || latest === undefined) return { ids: [], first: [], latest: [], firstStep: null, latestStep: null };
  const ids = depthOrder(new Set([...first.nodes.keys(), ...latest.nodes.keys()]), order).filter(include);
  return {
    ids,
    first: ids.map((id) => positive(first.nodes.get(id)?.gradNorm)),
    latest: ids.map((id) => positive(latest.nodes.get(id)?.gradNorm)),
    firstStep: first.step,
    latestStep: latest === first ? null : latest.step,
  };
}

/**
 * How much the gradient norm shrinks from the deepest to the shallowest layer of a series, in
 * decades (log10 of the median of the deepest quarter over the median of the shallowest quarter),
 * or null with fewer than 4 finite points. About 0: gradients reach the first layers; 2: a
 * hundredfold smaller there.
 */
export function vanishingDecades(values: readonly (number | null)[]): number | null {
  const pts = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null);
  if (pts.length < 4) return null;
  const q = Math.max(1, Math.floor(pts.length / 4));
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const shallow = median(pts.slice(0, q).map((p) => p.v));
  const deep = median(pts.slice(pts.length - q).map((p) => p.v));
  return Math.log10(deep / shallow);
}
