import { repeatFactors } from './repeat.js';
import { numel } from '../layers/lib/shape.js';
import type { AnyLayerDef } from '../layers/registry.js';
import type { Shape } from '../layers/types.js';
import type { NodeId } from './document.js';
import type { NodeInfo, ShapeAnalysis } from './infer.js';

/**
 * Cost of a network: parameters, FLOPs and activation memory per node and in total, and an
 * estimate of the memory training takes.
 *
 * Conventions (each layer kind counts its own; see its file):
 * - `params` are TRAINABLE parameters, what papers report (ResNet-20 = 0.27M, counting BatchNorm's
 *   gamma and beta). `nonTrainable` are the other weights (BatchNorm's moving mean and variance);
 *   `totalParams` = params + nonTrainable = what tfjs `model.countParams()` reports.
 * - `flops` are MULTIPLY-ADDS for one example (the papers' "FLOPs": ResNet-50 ≈ 3.8 G): the
 *   contractions of Conv / Dense / the Gate's 1×1 conv (bias adds not counted), plus one per
 *   element for element-wise arithmetic (BatchNorm/GroupNorm's folded affine, Scale, the n − 1
 *   adds of Add / Multiply, the Gate's mixing) and the window sums of average pooling.
 *   Activations, max pooling, reshapes, dropout and padding count 0.
 * - activation memory: every node's output, float32 (4 bytes per element), per example.
 */

export const BYTES_PER_FLOAT32 = 4;

export interface NodeCost {
  /** Trainable parameters. */
  readonly params: number;
  /** Non-trainable weights (BatchNorm moving statistics). */
  readonly nonTrainable: number;
  /** Multiply-adds for one example. */
  readonly flops: number;
  /** Elements of the node's output for one example. */
  readonly activations: number;
  /** Bytes of the node's output for one example (float32). */
  readonly activationBytes: number;
}

export interface CostTotals {
  readonly params: number;
  readonly nonTrainable: number;
  /** params + nonTrainable (tfjs `countParams()`). */
  readonly totalParams: number;
  readonly flops: number;
  readonly activations: number;
  readonly activationBytes: number;
}

export interface CostReport {
  /** Per node with a shape (nodes without one have no cost; see `unknown`). */
  readonly nodes: ReadonlyMap<NodeId, NodeCost>;
  readonly totals: CostTotals;
  /** Nodes whose cost is unknown because they have no shape (errors, blocked): totals leave them out. */
  readonly unknown: readonly NodeId[];
}

/** The cost of a node of kind `def` with these inputs, output and parsed params (the shape engine calls it once per inferred node). */
export function computeCost(def: AnyLayerDef, inputs: readonly Shape[], output: Shape, params: Readonly<Record<string, unknown>>): NodeCost {
  const c = def.cost(inputs, output, params);
  const activations = numel(output);
  return { params: c.params, nonTrainable: c.nonTrainable ?? 0, flops: c.flops, activations, activationBytes: activations * BYTES_PER_FLOAT32 };
}

/** The cost of one inferred node, or null when it has no shape. */
export function nodeCost(info: NodeInfo): NodeCost | null {
  return info.cost;
}

const reportCache = new WeakMap<ShapeAnalysis, CostReport>();

/** Per-node costs and totals of an analysis (memoized per analysis). */
export function costReport(analysis: ShapeAnalysis): CostReport {
  const hit = reportCache.get(analysis);
  if (hit) return hit;
  const nodes = new Map<NodeId, NodeCost>();
  const unknown: NodeId[] = [];
  let params = 0;
  let nonTrainable = 0;
  let flops = 0;
  let activations = 0;
  // A node inside a block repeated ×N runs N times (repeat.ts): its costs count N times in the totals.
  const factors = repeatFactors(analysis.doc);
  const add = (id: NodeId): void => {
    const info = analysis.nodes.get(id);
    const c = info ? nodeCost(info) : null;
    if (!c) {
      unknown.push(id);
      return;
    }
    nodes.set(id, c);
    const f = factors.get(id) ?? 1;
    params += c.params * f;
    nonTrainable += c.nonTrainable * f;
    flops += c.flops * f;
    activations += c.activations * f;
  };
  for (const id of analysis.order) add(id);
  for (const id of analysis.blocked) add(id);
  const report: CostReport = {
    nodes,
    unknown,
    totals: { params, nonTrainable, totalParams: params + nonTrainable, flops, activations, activationBytes: activations * BYTES_PER_FLOAT32 },
  };
  reportCache.set(analysis, report);
  return report;
}

export type Optimizer = 'sgd' | 'momentum' | 'adam';

/** Optimizer state per trainable parameter: SGD none, momentum one velocity, Adam two moments. */
export const OPTIMIZER_STATE: Readonly<Record<Optimizer, number>> = { sgd: 0, momentum: 1, adam: 2 };

export interface TrainingMemoryOptions {
  readonly batchSize: number;
  readonly optimizer: Optimizer;
}

export interface TrainingMemory {
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  /** All weights (trainable and not), float32. */
  readonly paramsBytes: number;
  /** One gradient per trainable parameter. */
  readonly gradientsBytes: number;
  /** Optimizer state: 0× (SGD), 1× (momentum), 2× (Adam) the trainable parameters. */
  readonly optimizerBytes: number;
  /** Every node's output for the whole batch, kept for the backward pass. */
  readonly activationsBytes: number;
  readonly totalBytes: number;
}

/**
 * Training-memory estimate in bytes (float32): params + gradients + optimizer state + the
 * activations kept for backward (every node's output × batch size). It is an estimate: frameworks
 * free or fuse some activations (ReLU in place, views), and add workspace and the input pipeline.
 */
export function trainingMemory(source: CostReport | ShapeAnalysis, options: TrainingMemoryOptions): TrainingMemory {
  const report = 'totals' in source ? source : costReport(source);
  const batch = Math.max(0, Math.floor(options.batchSize));
  const t = report.totals;
  const paramsBytes = t.totalParams * BYTES_PER_FLOAT32;
  const gradientsBytes = t.params * BYTES_PER_FLOAT32;
  const optimizerBytes = OPTIMIZER_STATE[options.optimizer] * t.params * BYTES_PER_FLOAT32;
  const activationsBytes = t.activationBytes * batch;
  return {
    batchSize: batch,
    optimizer: options.optimizer,
    paramsBytes,
    gradientsBytes,
    optimizerBytes,
    activationsBytes,
    totalBytes: paramsBytes + gradientsBytes + optimizerBytes + activationsBytes,
  };
}

// ---- formatting for node faces, tables and the CLI ----

/** 269722 → `0.27M`, 36_479_194 → `36.5M`, 1234 → `1.23k`, 650 → `650`. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  const fmt = (v: number, unit: string): string => `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${unit}`;
  if (abs >= 1e9) return fmt(n / 1e9, 'G');
  if (abs >= 1e5) return fmt(n / 1e6, 'M'); // papers write 0.27M, not 270k
  if (abs >= 1e3) return fmt(n / 1e3, 'k');
  return `${n}`;
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `3.20 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}
