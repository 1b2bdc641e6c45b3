import type { OnnxPrintContext, PyTensor, WeightTensor } from '../printers.js';
import type { Shape } from '../types.js';

/**
 * Helpers the kinds' code printers share (not a kind itself): literals for TypeScript and Python,
 * TensorFlow's 'same' padding arithmetic, NHWC → NCHW shapes and weight permutations.
 */

// ---- literals ----

/** A number as a literal both TypeScript and Python read back exactly (shortest round-trip form). */
export function numLit(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot print ${n} as a literal`);
  return Object.is(n, -0) ? '0' : String(n);
}

/** A TypeScript literal: strings quoted and escaped, arrays and plain values as written. */
export function tsLit(v: string | number | boolean | readonly (string | number | boolean)[]): string {
  if (typeof v === 'string') return tsString(v);
  if (typeof v === 'number') return numLit(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `[${v.map((x) => tsLit(x)).join(', ')}]`;
}

/** A single-quoted TypeScript string literal (every character that could end or bend it escaped). */
export function tsString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** `{ name: <expr>, filters: 16, … }`: the name is an expression already; the rest are literals (undefined skipped). */
export function tsConfig(name: string, fields: Readonly<Record<string, string | number | boolean | readonly (string | number | boolean)[] | undefined>>): string {
  const parts = [`name: ${name}`];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}: ${tsLit(v)}`);
  return `{ ${parts.join(', ')} }`;
}

/** `apply(layer, x)` or `apply(layer, [a, b])`: the generated module's helper that applies a layer. */
export function tsApply(layer: string, inputs: readonly string[]): string {
  return `apply(${layer}, ${inputs.length === 1 ? (inputs[0] ?? '') : `[${inputs.join(', ')}]`})`;
}

/** A Python literal. */
export function pyLit(v: string | number | boolean | readonly number[]): string {
  if (typeof v === 'string') return pyString(v);
  if (typeof v === 'number') return numLit(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return v.length === 1 ? `(${numLit(v[0] ?? 0)},)` : `(${v.map(numLit).join(', ')})`;
}

/** A single-quoted Python string literal with every special character escaped. */
export function pyString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** `name(a, b, key=value)`: Python call with positional and keyword arguments (undefined keywords skipped). */
export function pyCall(fn: string, args: readonly string[], kwargs: Readonly<Record<string, string | number | boolean | readonly number[] | undefined>> = {}): string {
  const parts = [...args];
  for (const [k, v] of Object.entries(kwargs)) if (v !== undefined) parts.push(`${k}=${typeof v === 'string' ? v : pyLit(v)}`);
  return `${fn}(${parts.join(', ')})`;
}

// ---- shapes and padding ----

/** The PyTorch / ONNX shape (batch axis left out): [H, W, C] → [C, H, W]; [F] stays. */
export function chw(shape: Shape): number[] {
  if (shape.length === 3) return [shape[2] ?? 0, shape[0] ?? 0, shape[1] ?? 0];
  return [...shape];
}

/** Is this a feature map [H, W, C] (as opposed to flat features [F])? */
export function isSpatial(shape: Shape | undefined): boolean {
  return shape !== undefined && shape.length === 3;
}

/**
 * TensorFlow's 'same' padding along one axis: total = max((⌈n/s⌉ − 1)·s + d·(k − 1) + 1 − n, 0),
 * split with the smaller half first — the extra pixel goes to the bottom / right.
 */
export function samePads(n: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * PyTorch helper: TF 'same' padding computed from the tensor's size at run time (the odd pixel at
 * the bottom/right), for strided windows, whose pads depend on the input size: the module then
 * runs at any size, as tfjs does.
 */
export const PAD_SAME_PY = {
  name: 'pad_same',
  source: `def pad_same(x, kernel, stride, dilation=1, value=0.0):
    """TF 'same' padding for x's size: (out − 1)·stride + dilation·(kernel − 1) + 1 − size pixels, the odd one at the bottom/right."""
    pads = []
    for size in (x.shape[3], x.shape[2]):
        total = max((-(-size // stride) - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)`,
} as const;

/** Padding of a windowed op as [top, bottom, left, right] (explicit, valid or TF 'same'). */
export function windowPads(input: Shape, kernel: number, stride: number, padding: 'same' | 'valid' | number, dilation = 1): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding === 'valid') return [0, 0, 0, 0];
  const [t, b] = samePads(input[0] ?? 0, kernel, stride, dilation);
  const [l, r] = samePads(input[1] ?? 0, kernel, stride, dilation);
  return [t, b, l, r];
}

// ---- weights ----

/** The tensor `w` with its axes permuted: result axis i is input axis perm[i] (numpy's transpose). */
export function permute(w: WeightTensor, perm: readonly number[]): WeightTensor {
  const shape = w.shape;
  const rank = shape.length;
  if (perm.length !== rank) throw new Error(`permute: rank ${rank} vs ${perm.length} axes`);
  const outShape = perm.map((p) => shape[p] ?? 0);
  const inStrides: number[] = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  const strides = perm.map((p) => inStrides[p] ?? 0);
  const out = new Float32Array(w.data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += (idx[i] ?? 0) * (strides[i] ?? 0);
    out[o] = w.data[src] ?? 0;
    for (let i = rank - 1; i >= 0; i--) {
      const v = (idx[i] ?? 0) + 1;
      if (v < (outShape[i] ?? 0)) {
        idx[i] = v;
        break;
      }
      idx[i] = 0;
    }
  }
  return { shape: outShape, data: out };
}

/** The same data under another shape (same element count). */
export function reshape(w: WeightTensor, shape: readonly number[]): WeightTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== w.data.length) throw new Error(`reshape: ${w.data.length} elements into [${shape.join(',')}]`);
  return { shape, data: w.data };
}

/** The i-th weight of a layer, which must exist. */
export function weight(ws: readonly WeightTensor[], i: number, what: string): WeightTensor {
  const w = ws[i];
  if (w === undefined) throw new Error(`missing weight ${i} (${what})`);
  return w;
}

/** Conv kernel tfjs [k, k, in, out] → PyTorch / ONNX [out, in, k, k]. */
export function convKernelToOihw(w: WeightTensor): WeightTensor {
  return permute(w, [3, 2, 0, 1]);
}

/** state_dict entries of a conv-like module: `weight` (converted) and `bias` when the layer has one. */
export function pyConvWeights(ws: readonly WeightTensor[], convert: (w: WeightTensor) => WeightTensor, bias: boolean): Record<string, PyTensor> {
  const out: Record<string, PyTensor> = { weight: convert(weight(ws, 0, 'kernel')) };
  if (bias) out.bias = weight(ws, 1, 'bias');
  return out;
}

// ---- ONNX ----

/** `[N, …shape]` helper for node shapes: the printer gives shapes without the batch axis. */
export function onnxShape(shape: Shape): number[] {
  return chw(shape);
}

/** Adds a Conv node (kernel already [out, in/g, k, k]) with explicit pads; returns its output. */
export function onnxConv(
  ctx: OnnxPrintContext,
  x: string,
  kernel: WeightTensor,
  bias: WeightTensor | null,
  o: { kernel: number; stride: number; dilation: number; groups: number; pads: readonly [number, number, number, number]; out: Shape },
): string {
  const inputs = [x, ctx.floats('weight', kernel.shape, kernel.data)];
  if (bias) inputs.push(ctx.floats('bias', bias.shape, bias.data));
  const [t, b, l, r] = o.pads;
  return ctx.node('Conv', inputs, chw(o.out), {
    kernel_shape: { ints: [o.kernel, o.kernel] },
    strides: { ints: [o.stride, o.stride] },
    dilations: { ints: [o.dilation, o.dilation] },
    group: { i: o.groups },
    pads: { ints: [t, l, b, r] },
  });
}
