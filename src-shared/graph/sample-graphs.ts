import { CURRENT_SCHEMA_VERSION } from './document.js';
import type { EdgeId, GraphDocument, GraphEdge, GraphNode, InputSpec, NodeId } from './document.js';
import { newRecords } from './records.js';

/**
 * Small hand-built documents for tests and benches of the shape engine (not the templates, which
 * live in src-shared/templates): a builder, a CIFAR ResNet with option-A shortcuts, and a chain of
 * residual blocks of any size.
 */

export interface GraphBuilder {
  /** Adds a node; its id is `id` or `<kind lower-cased>_<n>`. */
  add(kind: string, params?: Record<string, unknown>, opts?: { id?: NodeId; label?: string }): NodeId;
  /** Connects `source` to input `port` of `target`. */
  connect(source: NodeId, target: NodeId, port?: number): EdgeId;
  /** Adds the layers one after another from `from`; returns the last id. */
  chain(from: NodeId, ...layers: readonly (readonly [kind: string, params?: Record<string, unknown>, label?: string])[]): NodeId;
}

export function buildGraph(input: InputSpec, fill: (b: GraphBuilder) => void, name = 'test'): GraphDocument {
  const nodes = newRecords<GraphNode>();
  const edges = newRecords<GraphEdge>();
  let n = 0;
  let e = 0;
  const b: GraphBuilder = {
    add(kind, params = {}, opts = {}) {
      const id = opts.id ?? `${kind.toLowerCase()}_${++n}`;
      const node: GraphNode = { id, kind, params, position: { x: n * 10, y: 0 } };
      if (opts.label !== undefined) node.label = opts.label;
      nodes[id] = node;
      return id;
    },
    connect(source, target, port = 0) {
      const id = `e${++e}`;
      edges[id] = { id, source, target, targetPort: port };
      return id;
    },
    chain(from, ...layers) {
      let last = from;
      for (const [kind, params, label] of layers) {
        const id = b.add(kind, params ?? {}, label !== undefined ? { label } : {});
        b.connect(last, id);
        last = id;
      }
      return last;
    },
  };
  fill(b);
  return { schemaVersion: CURRENT_SCHEMA_VERSION, meta: { name }, input, nodes, edges, groups: newRecords() };
}

/** One post-activation basic block (conv-BN-ReLU-conv-BN, add, ReLU), option-A shortcut when the size changes. */
function basicBlock(b: GraphBuilder, x: NodeId, cin: number, cout: number, stride: number, tag: string): NodeId {
  const f = b.chain(
    x,
    ['Conv2D', { filters: cout, kernel: 3, stride }, `${tag}_conv1`],
    ['BatchNorm', {}, `${tag}_bn1`],
    ['ReLU', {}, `${tag}_relu1`],
    ['Conv2D', { filters: cout, kernel: 3 }, `${tag}_conv2`],
    ['BatchNorm', {}, `${tag}_bn2`],
  );
  let shortcut = x;
  if (stride !== 1 || cin !== cout) {
    // option A: subsample by 2 (a 1×1 max pool, stride 2) and zero-pad the new channels
    const extra = (cout - cin) / 2;
    shortcut = b.chain(x, ['MaxPool', { pool: 1, stride }, `${tag}_sub`], ['Pad', { top: 0, bottom: 0, left: 0, right: 0, channelsBefore: extra, channelsAfter: extra }, `${tag}_pad`]);
  }
  const sum = b.add('Add', {}, { label: `${tag}_add` });
  b.connect(f, sum, 0);
  b.connect(shortcut, sum, 1);
  return b.chain(sum, ['ReLU', {}, `${tag}_out`]);
}

/**
 * The CIFAR ResNet of He et al. 2015 (§4.2): depth 6n + 2, three stages of n basic blocks with 16,
 * 32, 64 filters, option-A (parameter-free) shortcuts, global average pool, 10-way classifier.
 * ResNet-20 (n = 3) has 269,722 trainable parameters ("0.27M").
 */
export function cifarResNet(n: number, input: InputSpec = { height: 32, width: 32, channels: 3 }): GraphDocument {
  return buildGraph(input, (b) => {
    const x = b.add('Input', {}, { id: 'input' });
    let h = b.chain(x, ['Conv2D', { filters: 16, kernel: 3 }, 'conv1'], ['BatchNorm', {}, 'bn1'], ['ReLU', {}, 'relu1']);
    let cin = 16;
    for (const [stage, cout] of [16, 32, 64].entries()) {
      for (let i = 0; i < n; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        h = basicBlock(b, h, cin, cout, stride, `s${stage + 1}b${i + 1}`);
        cin = cout;
      }
    }
    b.chain(h, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 10 }, 'head']);
  }, `ResNet-${6 * n + 2}`);
}

/** A network of about `nodes` nodes (residual blocks of 7 nodes on a small input), for benches and property tests. */
export function largeResidualChain(nodes: number, input: InputSpec = { height: 16, width: 16, channels: 8 }): GraphDocument {
  const blocks = Math.max(1, Math.round((nodes - 4) / 7));
  return buildGraph(input, (b) => {
    let h = b.chain(b.add('Input', {}, { id: 'input' }), ['Conv2D', { filters: 8, kernel: 3 }, 'stem']);
    for (let i = 0; i < blocks; i++) h = basicBlock(b, h, 8, 8, 1, `b${i}`);
    b.chain(h, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 10 }, 'head']);
  }, `chain-${nodes}`);
}
