import type { LayerCategory, LayerDef } from './types.js';
import { input } from './input.js';
import { conv2d } from './conv2d.js';
import { convTranspose2d } from './conv-transpose2d.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';
import { batchNorm } from './batch-norm.js';
import { groupNorm } from './group-norm.js';
import { relu } from './relu.js';
import { leakyRelu } from './leaky-relu.js';
import { elu } from './elu.js';
import { gelu } from './gelu.js';
import { silu } from './silu.js';
import { sigmoid } from './sigmoid.js';
import { tanh } from './tanh.js';
import { softmax } from './softmax.js';
import { maxPool } from './max-pool.js';
import { avgPool } from './avg-pool.js';
import { globalAvgPool } from './global-avg-pool.js';
import { flatten } from './flatten.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { add } from './add.js';
import { concat } from './concat.js';
import { multiply } from './multiply.js';
import { scale } from './scale.js';
import { gate } from './gate.js';
import { shortcutDropout } from './shortcut-dropout.js';
import { upsample } from './upsample.js';
import { crop } from './crop.js';
import { pad } from './pad.js';
import { identity } from './identity.js';
import { classificationHead } from './classification-head.js';
import { segmentationHead } from './segmentation-head.js';
import { regressionHead } from './regression-head.js';

/**
 * Every layer kind, one line each (in palette order). The canvas palette, the validator, the
 * compiler and the code generators all look kinds up here; a new kind is one file plus one line
 * below (and its import), and the contract test (registry.test.ts) then checks it like every other.
 */
const ALL = [
  input,
  conv2d,
  convTranspose2d,
  depthwiseConv2d,
  batchNorm,
  groupNorm,
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
  sigmoid,
  tanh,
  softmax,
  maxPool,
  avgPool,
  globalAvgPool,
  flatten,
  dense,
  dropout,
  add,
  concat,
  multiply,
  scale,
  gate,
  shortcutDropout,
  upsample,
  crop,
  pad,
  identity,
  classificationHead,
  segmentationHead,
  regressionHead,
] as const;

/** A layer definition with its params erased (what lookups return). */
export type AnyLayerDef = LayerDef<Record<string, unknown>>;

/** The kinds' names as a type: 'Input' | 'Conv2D' | … */
export type LayerKind = (typeof ALL)[number]['kind'];

export const layerDefs: readonly AnyLayerDef[] = ALL;

const byKind: ReadonlyMap<string, AnyLayerDef> = new Map(layerDefs.map((d) => [d.kind, d]));

/** The layer definition of `kind`, or undefined for an unknown kind. */
export function getLayer(kind: string): AnyLayerDef | undefined {
  return byKind.get(kind);
}

/** The layer definition of `kind`; throws for an unknown kind (use where the kind was validated). */
export function requireLayer(kind: string): AnyLayerDef {
  const def = byKind.get(kind);
  if (!def) throw new Error(`unknown layer kind "${kind}"`);
  return def;
}

export const layerKinds: readonly string[] = layerDefs.map((d) => d.kind);

/** Kinds grouped by palette category, in registry order. */
export function layersByCategory(): ReadonlyMap<LayerCategory, readonly AnyLayerDef[]> {
  const m = new Map<LayerCategory, AnyLayerDef[]>();
  for (const d of layerDefs) {
    const list = m.get(d.category);
    if (list) list.push(d);
    else m.set(d.category, [d]);
  }
  return m;
}

/** The defaults of `kind`'s params (`params.parse({})`). */
export function defaultParams(kind: string): Record<string, unknown> {
  return requireLayer(kind).params.parse({});
}
