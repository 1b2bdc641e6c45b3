import * as tf from '@tensorflow/tfjs';
import type { ShapeAnalysis } from '../../../src-shared/graph/infer.js';
import type { NodeId } from '../../../src-shared/graph/document.js';

/** A residual merge: ‖F‖/‖x‖ is measured on its two inputs. */
export interface ResidualProbe {
  readonly nodeId: NodeId;
  /** Source node of the shortcut input x. */
  readonly shortcut: NodeId;
  /** Source node of the residual branch F. */
  readonly branch: NodeId;
}

export interface ProbePlan {
  readonly residuals: readonly ResidualProbe[];
  /** ReLU nodes (dead-unit fraction). */
  readonly relus: readonly NodeId[];
  /** Every node whose output the probes read, in a fixed order. */
  readonly tensors: readonly NodeId[];
}

/**
 * Which merges are residual and which input is the shortcut x: Gate's port 0 (as the quick fixes
 * decide, src-shared/graph/fixes.ts). For a two-input Add, the input whose source is nearer the
 * network's input — the smaller longest-path depth from it — is x (on a tie, the higher port:
 * Add(F, x) is the usual order). fixes.ts compares topological positions instead; that agrees for
 * identity shortcuts but not when the shortcut passes through its own node (ResNet option A's
 * zero-pad, a 1×1 projection, Scale): such a node may come after the whole residual branch in
 * topological order although it sits one step from the block's input.
 */
export function probePlan(analysis: ShapeAnalysis): ProbePlan {
  const depth = new Map<NodeId, number>();
  for (const id of analysis.order) {
    const ins = analysis.nodes.get(id)?.inputs ?? [];
    depth.set(id, ins.reduce((d, i) => Math.max(d, (depth.get(i.sourceId) ?? 0) + 1), 0));
  }
  const residuals: ResidualProbe[] = [];
  const relus: NodeId[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id);
    if (info === undefined || info.status !== 'ok') continue;
    const kind = info.node.kind;
    if (kind === 'ReLU') relus.push(id);
    if ((kind !== 'Add' && kind !== 'Gate') || info.inputs.length !== 2) continue;
    const [a, b] = info.inputs;
    if (a === undefined || b === undefined) continue;
    if (kind === 'Gate') {
      const [x, f] = a.port === 0 ? [a, b] : [b, a];
      residuals.push({ nodeId: id, shortcut: x.sourceId, branch: f.sourceId });
      continue;
    }
    const pa = depth.get(a.sourceId) ?? Number.MAX_SAFE_INTEGER;
    const pb = depth.get(b.sourceId) ?? Number.MAX_SAFE_INTEGER;
    const aIsShortcut = pa < pb || (pa === pb && a.port > b.port);
    residuals.push({ nodeId: id, shortcut: (aIsShortcut ? a : b).sourceId, branch: (aIsShortcut ? b : a).sourceId });
  }
  const tensors = [...new Set([...residuals.flatMap((r) => [r.shortcut, r.branch]), ...relus])];
  return { residuals, relus, tensors };
}

/** The node a tfjs layer belongs to: its own name, or the longest node name it extends (helper layers: `<name>_pad`). */
export function nodeOfLayer(layerName: string, byLayerName: ReadonlyMap<string, NodeId>): NodeId | undefined {
  const own = byLayerName.get(layerName);
  if (own !== undefined) return own;
  let best: string | undefined;
  for (const name of byLayerName.keys()) {
    if (layerName.startsWith(`${name}_`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : byLayerName.get(best);
}

/** ‖F‖ / ‖x‖ over the whole batch (a scalar tensor; Infinity when x is all zeros). */
export function residualRatio(f: tf.Tensor, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sqrt(tf.sum(tf.square(f))), tf.sqrt(tf.sum(tf.square(x)))) as tf.Scalar);
}

/**
 * Fraction of a ReLU's units that output 0 for every example and position of the batch: channels
 * of a feature map [N,H,W,C], features of a flat tensor [N,F].
 */
export function deadFraction(y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const axes = Array.from({ length: y.rank - 1 }, (_, i) => i);
    const peak = tf.max(y, axes);
    return tf.mean(tf.cast(tf.lessEqual(peak, 0), 'float32')) as tf.Scalar;
  });
}

/** L2 norm of several tensors together (a node's weights, or its gradients). */
export function groupNorm(ts: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => (ts.length === 0 ? tf.scalar(0) : (tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))) as tf.Scalar)));
}
