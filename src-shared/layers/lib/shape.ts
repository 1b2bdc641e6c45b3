import { z } from 'zod';
import type { InferResult, LayerIssue, Shape } from '../types.js';

/**
 * Helpers shared by the layer kinds (not a kind itself): shape arithmetic, issue wording, param
 * schema pieces. Shapes are NHWC without the batch axis: [H, W, C] or [F].
 */

/** `[16,16,32]` — the form every message uses. */
export function fmtShape(shape: Shape | null | undefined): string {
  return shape ? `[${shape.join(',')}]` : '[?]';
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Channels (last axis) of a shape; 0 for an empty shape. */
export function channels(shape: Shape): number {
  return shape[shape.length - 1] ?? 0;
}

export function ok(shape: Shape): InferResult {
  return { ok: true, shape };
}

export function fail(code: string, message: string, port?: number | readonly number[]): InferResult {
  const issue: LayerIssue = { code, message };
  if (typeof port === 'number') issue.port = port;
  else if (port) {
    issue.ports = port;
    if (port[0] !== undefined) issue.port = port[0];
  }
  return { ok: false, issue };
}

/** The placeholder a message uses for input `port` (replaced by its shape and source). */
export function inp(port: number): string {
  return `{${port}}`;
}

/**
 * Replaces `{i}` placeholders in a layer issue's message. Without a `describe` function an input
 * reads as its shape and port: `[16,16,32] (input 0)`.
 */
export function renderIssue(message: string, inputs: readonly (Shape | null)[], describe?: (port: number) => string): string {
  return message.replace(/\{(\d+)\}/g, (_m, d: string) => {
    const port = Number(d);
    return describe ? describe(port) : `${fmtShape(inputs[port])} (input ${port})`;
  });
}

/** Requires input `port` to be a feature map [H, W, C]. */
export function needSpatial(inputs: readonly Shape[], port = 0): InferResult | null {
  const s = inputs[port];
  if (!s || s.length !== 3) {
    return fail('expects-feature-map', `expects a feature map [H,W,C]; got ${inp(port)}`, port);
  }
  return null;
}

/** Requires input `port` to be flat features [F]. */
export function needFlat(inputs: readonly Shape[], port = 0): InferResult | null {
  const s = inputs[port];
  if (!s || s.length !== 1) {
    return fail('expects-flat', `expects flat features [F]; got ${inp(port)} — insert GlobalAvgPool or Flatten before it`, port);
  }
  return null;
}

export type Padding = 'same' | 'valid' | number;

/**
 * Output length of a convolution / pooling window along one axis (TensorFlow rules):
 * same: ceil(n / s); valid: floor((n − d(k−1) − 1) / s) + 1; explicit p: as valid on n + 2p.
 */
export function convOut(n: number, kernel: number, stride: number, padding: Padding, dilation = 1): number {
  if (padding === 'same') return Math.ceil(n / stride);
  const padded = padding === 'valid' ? n : n + 2 * padding;
  const span = dilation * (kernel - 1) + 1;
  return Math.floor((padded - span) / stride) + 1;
}

/** Spatial output of a windowed op on [H, W, ·], or an issue when the window does not fit. */
export function windowOut(
  input: Shape,
  kernel: number,
  stride: number,
  padding: Padding,
  dilation = 1,
): { ok: true; h: number; w: number } | { ok: false; result: InferResult } {
  const [h0 = 0, w0 = 0] = input;
  const h = convOut(h0, kernel, stride, padding, dilation);
  const w = convOut(w0, kernel, stride, padding, dilation);
  if (h < 1 || w < 1) {
    const span = dilation * (kernel - 1) + 1;
    const what = dilation > 1 ? `${kernel}×${kernel} (dilated to ${span}×${span})` : `${kernel}×${kernel}`;
    const pad = padding === 'same' ? 'same' : padding === 'valid' ? 'valid' : `explicit ${padding}`;
    return {
      ok: false,
      result: fail('window-too-large', `window ${what} does not fit input ${inp(0)} with ${pad} padding — use padding same or a smaller kernel`, 0),
    };
  }
  return { ok: true, h, w };
}

/** Describes padding for a node face: `same`, `valid`, `p1`. */
export function fmtPadding(p: Padding): string {
  return typeof p === 'number' ? `p${p}` : p;
}

// ---- param schema pieces (zod 4: `.default(v)` returns v as is when the key is absent) ----

export const int = (min: number, max: number, def: number) => z.number().int().min(min).max(max).default(def);
export const num = (min: number, max: number, def: number) => z.number().min(min).max(max).default(def);
export const bool = (def: boolean) => z.boolean().default(def);
/** same / valid / an explicit zero padding on every side. */
export const paddingSchema = (def: Padding) => z.union([z.enum(['same', 'valid']), z.number().int().min(0).max(64)]).default(def);
/** same / valid only (layers tfjs cannot pad explicitly). */
export const samePadding = (def: 'same' | 'valid') => z.enum(['same', 'valid']).default(def);

export const paddingOptions = { same: 'same (keep size at stride 1)', valid: 'valid (no padding)' } as const;
