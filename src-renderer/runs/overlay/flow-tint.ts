import type { GraphDocument, NodeId } from '../../../src-shared/graph/document.js';
import { getId, hasId } from '../../../src-shared/graph/records.js';
import { colorFor } from './color-scale.js';
import type { LogDomain } from './color-scale.js';
import { aggregateByNode } from './probe-model.js';
import type { Aggregate, ProbeSnapshot } from './probe-model.js';

/**
 * What the canvas draws for a probe: a tint per node and per edge, badges on residual merges and
 * ReLUs.
 *
 * A node with trainable weights is filled with the colour of its own gradient norm (the mean over
 * a repeated block's copies). A node without weights (ReLU, Add, pooling …) has no gradient norm
 * of its own; it is drawn with a coloured outline only, in the colour of the nearest weighted node
 * upstream of it (breadth-first against the edges, the first input first), and its title says
 * whose gradient that is. An edge takes the colour of its source node (own or inherited), so the
 * flow reads continuously along the network. Nodes with nothing weighted upstream (the input)
 * stay neutral.
 */

export interface NodeTint {
  readonly color: string;
  /** The gradient norm shown. */
  readonly value: number;
  /** The node's own gradient (false: the nearest weighted node upstream's). */
  readonly own: boolean;
  /** Whose gradient norm this is. */
  readonly from: NodeId;
  /** Copies averaged (a node in a repeated block ×N: N; a collapsed block: its layers averaged). */
  readonly copies: number;
  /** A collapsed block's tint (its layers' geometric mean). */
  readonly block?: boolean;
}

export interface OverlayView {
  readonly step: number;
  readonly epoch: number;
  readonly domain: LogDomain | null;
  readonly tints: ReadonlyMap<NodeId, NodeTint>;
  /** ‖F(x)‖/‖x‖ per residual merge (mean over copies). */
  readonly residuals: ReadonlyMap<NodeId, Aggregate>;
  /** Dead-unit fraction per ReLU (mean over copies). */
  readonly dead: ReadonlyMap<NodeId, Aggregate>;
}

/**
 * `runKinds`: the layer kind of every node of the graph the run trained (copies included), when
 * known. A node of the canvas is then shown only where the run had a node of that id and kind, so
 * a run of another network (or of a version since edited) never paints a layer it did not train.
 */
export function overlayView(doc: GraphDocument, snapshot: ProbeSnapshot, domain: LogDomain | null, runKinds: ReadonlyMap<string, string> | null = null): OverlayView {
  const exists = (id: string): boolean => hasId(doc.nodes, id);
  const same = (id: string): boolean => exists(id) && (runKinds === null || runKinds.get(id) === getId(doc.nodes, id)?.kind);
  const keep = <T>(m: Map<string, T>): Map<string, T> => {
    for (const id of [...m.keys()]) if (!same(id)) m.delete(id);
    return m;
  };
  const grads = keep(aggregateByNode(snapshot.nodes, (n) => n.gradNorm, exists));
  const tints = new Map<NodeId, NodeTint>();
  if (domain !== null) {
    for (const [id, a] of grads) {
      if (a.value === null) continue;
      const color = colorFor(a.value, domain);
      if (color !== null) tints.set(id, { color, value: a.value, own: true, from: id, copies: a.copies });
    }
    // Inputs of every node, in port order.
    const inputs = new Map<NodeId, { source: NodeId; port: number }[]>();
    for (const e of Object.values(doc.edges)) {
      const list = inputs.get(e.target) ?? [];
      list.push({ source: e.source, port: e.targetPort });
      inputs.set(e.target, list);
    }
    for (const list of inputs.values()) list.sort((a, b) => a.port - b.port);
    for (const id of Object.keys(doc.nodes)) {
      if (tints.has(id) && tints.get(id)?.own === true) continue;
      if (grads.has(id)) continue; // weighted but not finite: neutral, not borrowed
      const seen = new Set<NodeId>([id]);
      let frontier: NodeId[] = [id];
      let found: NodeTint | undefined;
      while (found === undefined && frontier.length > 0) {
        const next: NodeId[] = [];
        for (const n of frontier) {
          for (const { source } of inputs.get(n) ?? []) {
            if (seen.has(source)) continue;
            seen.add(source);
            const t = tints.get(source);
            if (t !== undefined && t.own) {
              found = t;
              break;
            }
            if (!grads.has(source)) next.push(source);
          }
          if (found !== undefined) break;
        }
        frontier = next;
      }
      if (found !== undefined) tints.set(id, { ...found, own: false });
    }
  }
  return {
    step: snapshot.step,
    epoch: snapshot.epoch,
    domain,
    tints,
    residuals: keep(aggregateByNode(snapshot.residuals, (r) => r.ratio, exists)),
    dead: keep(aggregateByNode(snapshot.activations, (d) => d, exists)),
  };
}

/**
 * A collapsed block's tint: the geometric mean of its weighted members' own gradient norms
 * (nested blocks' members included), in the view's colour scale; undefined when none of its
 * members has one. `from` is the block's id and `copies` the number of layers averaged.
 */
export function blockTint(doc: GraphDocument, view: OverlayView, groupId: string): NodeTint | undefined {
  if (view.domain === null) return undefined;
  const inBlock = (nodeGroup: string | undefined): boolean => {
    const seen = new Set<string>();
    for (let g = nodeGroup; g !== undefined && !seen.has(g); g = getId(doc.groups, g)?.parent) {
      if (g === groupId) return true;
      seen.add(g);
    }
    return false;
  };
  let sum = 0;
  let n = 0;
  for (const node of Object.values(doc.nodes)) {
    const t = view.tints.get(node.id);
    if (t === undefined || !t.own || !(t.value > 0) || !inBlock(node.group)) continue;
    sum += Math.log(t.value);
    n++;
  }
  if (n === 0) return undefined;
  const value = Math.exp(sum / n);
  const color = colorFor(value, view.domain);
  return color === null ? undefined : { color, value, own: true, from: groupId, copies: n, block: true };
}

/** A badge's text for a residual merge: `F/x 0.12`. */
export function residualBadge(ratio: number): string {
  return `F/x ${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}`;
}

/** A badge's text for a ReLU's dead fraction, or null when none is dead (no badge). */
export function deadBadge(fraction: number | null): string | null {
  if (fraction === null || !Number.isFinite(fraction) || fraction <= 0) return null;
  const pct = fraction * 100;
  return `dead ${pct < 1 ? '<1' : Math.round(pct).toString()}%`;
}

/**
 * Whether the canvas shows the network a run trained: the same nodes (a repeated block unrolled
 * as the trainer did) with the same kinds. Positions, labels and params are not compared.
 */
export function sameNetwork(expanded: GraphDocument, runKinds: ReadonlyMap<string, string>): boolean {
  const nodes = Object.values(expanded.nodes);
  if (nodes.length !== runKinds.size) return false;
  return nodes.every((n) => runKinds.get(n.id) === n.kind);
}

/**
 * How many layers of the canvas the run trained too (same id, same kind; a repeated block unrolled
 * as the trainer did). 0: the canvas holds another network, and the run's overlay does not belong
 * on it.
 */
export function sharedLayers(expanded: GraphDocument, runKinds: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const node of Object.values(expanded.nodes)) if (runKinds.get(node.id) === node.kind) n++;
  return n;
}
