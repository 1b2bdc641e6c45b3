import type { MetricPoint } from '../../../src-shared/api/services/projects.js';
import type { ProbeEvent } from '../../../src-shared/api/services/training.js';

/**
 * Probes of a run as the overlay and the health panel read them: one snapshot per probed step,
 * keyed by the ids the trainer used (copies of a repeated block are `<id>__r<k>`), from live
 * `training.probe` events or from the stored metrics (`grad_norm/<node>`, …). Pure functions only.
 */

export interface NodeProbe {
  readonly gradNorm: number | null;
  readonly weightNorm: number | null;
}

export interface ResidualProbe {
  readonly ratio: number | null;
  /** Which input is the shortcut x and which the branch F (live probes only; stored metrics keep the ratio). */
  readonly shortcut: string | null;
  readonly branch: string | null;
}

export interface ProbeSnapshot {
  readonly step: number;
  readonly epoch: number;
  /** Nodes with trainable weights, in the order the trainer sent them. */
  readonly nodes: ReadonlyMap<string, NodeProbe>;
  readonly residuals: ReadonlyMap<string, ResidualProbe>;
  /** ReLU id → fraction of dead units. */
  readonly activations: ReadonlyMap<string, number | null>;
}

export function snapshotOfEvent(e: ProbeEvent): ProbeSnapshot {
  return {
    step: e.step,
    epoch: e.epoch,
    nodes: new Map(e.nodes.map((n) => [n.nodeId, { gradNorm: n.gradNorm, weightNorm: n.weightNorm }])),
    residuals: new Map(e.residuals.map((r) => [r.nodeId, { ratio: r.ratio, shortcut: r.shortcut, branch: r.branch }])),
    activations: new Map(e.activations.map((a) => [a.nodeId, a.deadFraction])),
  };
}

export const PROBE_PREFIXES = ['grad_norm/', 'weight_norm/', 'residual_ratio/', 'dead_relu/'] as const;

/** Whether a stored metric is one of the probes'. */
export function isProbeMetric(name: string): boolean {
  return PROBE_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Snapshots from stored metric samples (any order; other metrics are ignored), by step. Names
 * the store shortened (`~hash`, ids over ~90 characters) keep their short form and match no node.
 */
export function snapshotsOfMetrics(points: readonly MetricPoint[]): ProbeSnapshot[] {
  interface Building {
    epoch: number;
    nodes: Map<string, { gradNorm: number | null; weightNorm: number | null }>;
    residuals: Map<string, ResidualProbe>;
    activations: Map<string, number | null>;
  }
  const bySteps = new Map<number, Building>();
  const at = (p: MetricPoint): Building => {
    let b = bySteps.get(p.step);
    if (b === undefined) {
      b = { epoch: p.epoch, nodes: new Map(), residuals: new Map(), activations: new Map() };
      bySteps.set(p.step, b);
    }
    return b;
  };
  for (const p of points) {
    const slash = p.name.indexOf('/');
    if (slash < 0) continue;
    const prefix = p.name.slice(0, slash);
    const id = p.name.slice(slash + 1);
    if (id === '') continue;
    switch (prefix) {
      case 'grad_norm':
      case 'weight_norm': {
        const b = at(p);
        const cur = b.nodes.get(id) ?? { gradNorm: null, weightNorm: null };
        b.nodes.set(id, prefix === 'grad_norm' ? { ...cur, gradNorm: p.value } : { ...cur, weightNorm: p.value });
        break;
      }
      case 'residual_ratio':
        at(p).residuals.set(id, { ratio: p.value, shortcut: null, branch: null });
        break;
      case 'dead_relu':
        at(p).activations.set(id, p.value);
        break;
    }
  }
  return [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([step, b]) => ({ step, ...b }));
}

/**
 * Adds snapshots to a history sorted by step (one per step: a later one for the same step replaces
 * it, keeping what the stored form lacks — the shortcut and branch of a merge). At most `cap`
 * are kept: the first one (the start of training) and the newest.
 */
export function mergeSnapshots(history: readonly ProbeSnapshot[], added: readonly ProbeSnapshot[], cap = 1000): ProbeSnapshot[] {
  if (added.length === 0) return history as ProbeSnapshot[];
  const byStep = new Map<number, ProbeSnapshot>();
  for (const s of history) byStep.set(s.step, s);
  for (const s of added) {
    const old = byStep.get(s.step);
    byStep.set(s.step, old === undefined ? s : combine(old, s));
  }
  const out = [...byStep.values()].sort((a, b) => a.step - b.step);
  if (out.length <= cap) return out;
  return [out[0] as ProbeSnapshot, ...out.slice(out.length - cap + 1)];
}

function combine(old: ProbeSnapshot, s: ProbeSnapshot): ProbeSnapshot {
  const residuals = new Map(s.residuals);
  for (const [id, r] of residuals) {
    const o = old.residuals.get(id);
    if (r.shortcut === null && o !== undefined && o.shortcut !== null) residuals.set(id, { ...r, shortcut: o.shortcut, branch: o.branch });
  }
  return { ...s, residuals };
}

const COPY = /^(.+?)(?:__r\d+(?:_\d+)?)+$/;

/**
 * The document node a trainer id stands for: a repeated block's copy `<id>__r<k>` (nested:
 * `<id>__r<k>__r<j>`, or `_2`… when the plain name was taken) belongs to `<id>`. An id the
 * document has itself is its own.
 */
export function baseNodeId(id: string, exists?: (id: string) => boolean): string {
  if (exists?.(id) === true) return id;
  const m = COPY.exec(id);
  return m?.[1] ?? id;
}

export interface Aggregate {
  /** Mean of the copies' finite values; null when none is finite. */
  readonly value: number | null;
  /** Copies measured (1 for a node not in a repeated block). */
  readonly copies: number;
  /** Per copy, in the trainer's order. */
  readonly perCopy: readonly { readonly id: string; readonly value: number | null }[];
}

/** Values by document node: the copies of a repeated block averaged (each copy kept). */
export function aggregateByNode<T>(
  entries: ReadonlyMap<string, T>,
  pick: (t: T) => number | null,
  exists?: (id: string) => boolean,
): Map<string, Aggregate> {
  const groups = new Map<string, { id: string; value: number | null }[]>();
  for (const [id, t] of entries) {
    const base = baseNodeId(id, exists);
    const list = groups.get(base) ?? [];
    list.push({ id, value: pick(t) });
    groups.set(base, list);
  }
  const out = new Map<string, Aggregate>();
  for (const [base, perCopy] of groups) {
    let sum = 0;
    let n = 0;
    for (const c of perCopy)
      if (c.value !== null && Number.isFinite(c.value)) {
        sum += c.value;
        n++;
      }
    out.set(base, { value: n === 0 ? null : sum / n, copies: perCopy.length, perCopy });
  }
  return out;
}

/** Every gradient norm of every snapshot (for a colour scale that holds still while a run goes on). */
export function* allGradNorms(history: readonly ProbeSnapshot[]): Generator<number | null> {
  for (const s of history) for (const n of s.nodes.values()) yield n.gradNorm;
}

/**
 * Ordering of the measured nodes by depth: their position in `order` (the unrolled graph's
 * topological order) where it has them, the rest after, in the trainer's order.
 */
export function depthOrder(ids: Iterable<string>, order: readonly string[] | null): string[] {
  const list = [...ids];
  if (order === null) return list;
  const pos = new Map(order.map((id, i) => [id, i]));
  return list
    .map((id, i) => ({ id, i, p: pos.get(id) ?? order.length + i }))
    .sort((a, b) => a.p - b.p)
    .map((x) => x.id);
}

/** Trend of a series of values: the latest minus the value `back` snapshots earlier (null when either is missing). */
export function trendOf(values: readonly (number | null)[], back = 5): number | null {
  if (values.length < 2) return null;
  const last = values[values.length - 1];
  const prev = values[Math.max(0, values.length - 1 - back)];
  if (last === null || last === undefined || prev === null || prev === undefined || !Number.isFinite(last) || !Number.isFinite(prev)) return null;
  return last - prev;
}
