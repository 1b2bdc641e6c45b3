import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphDocument, NodeId, Position } from './document.js';

export interface LayoutOptions {
  /** Size the canvas draws a node at (layout needs it to avoid overlaps). */
  nodeWidth: number;
  nodeHeight: number;
  /** Gap between layers (left to right) and between nodes in a layer. */
  layerGap: number;
  nodeGap: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 190, nodeHeight: 72, layerGap: 70, nodeGap: 36 };

export interface LayoutResult {
  /** Top-left position of every node (members of a collapsed block get the block's position). */
  positions: Record<NodeId, Position>;
  /** Bounds of every expanded block, for drawing its frame. */
  groups: Record<string, { x: number; y: number; width: number; height: number }>;
}

const elk = new ELK();

/**
 * Layered, left-to-right layout (elkjs) that keeps the main path straight and routes skips
 * around it: long edges get low straightness priority, edges between neighbours high. Collapsed
 * blocks are laid out as one node; expanded blocks as compound nodes with their members inside.
 */
export async function layoutDocument(doc: GraphDocument, opts: Partial<LayoutOptions> = {}): Promise<LayoutResult> {
  const o = { ...DEFAULT_LAYOUT, ...opts };
  const visibleId = (nodeId: NodeId): string => {
    // The outermost collapsed block containing the node stands in for it.
    let g = doc.nodes[nodeId]?.group;
    let stand: string = nodeId;
    const seen = new Set<string>();
    while (g !== undefined && !seen.has(g)) {
      seen.add(g);
      const grp = doc.groups[g];
      if (grp === undefined) break;
      if (grp.collapsed) stand = `group:${g}`;
      g = grp.parent;
    }
    return stand;
  };

  // ELK reads spacing from the node whose children it places: blocks get the same as the root.
  const spacing = {
    'elk.layered.spacing.nodeNodeBetweenLayers': String(o.layerGap),
    'elk.spacing.nodeNode': String(o.nodeGap),
    'elk.layered.spacing.edgeNodeBetweenLayers': '20',
    'elk.spacing.edgeNode': '24',
  };
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'SPLINES',
      ...spacing,
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.crossingMinimization.semiInteractive': 'true',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: [],
    edges: [],
  };
  elkNodes.set('root', root);

  // Expanded blocks become compound nodes (parents first).
  const groupNode = (gid: string): ElkNode => {
    const existing = elkNodes.get(`group:${gid}`);
    if (existing !== undefined) return existing;
    const g = doc.groups[gid];
    const parent = g?.parent !== undefined && doc.groups[g.parent] !== undefined ? groupNode(g.parent) : root;
    const n: ElkNode = g?.collapsed === true
      ? { id: `group:${gid}`, width: o.nodeWidth, height: o.nodeHeight }
      : {
          id: `group:${gid}`,
          layoutOptions: { 'elk.padding': '[top=34,left=16,bottom=16,right=16]', ...spacing },
          children: [],
        };
    (parent.children ??= []).push(n);
    elkNodes.set(n.id, n);
    return n;
  };

  const ids = Object.keys(doc.nodes).sort(byModelOrder(doc));
  for (const id of ids) {
    const v = visibleId(id);
    if (v !== id) {
      const gid = v.slice('group:'.length);
      groupNode(gid);
      continue;
    }
    const node = doc.nodes[id];
    if (node === undefined) continue;
    const parent = node.group !== undefined && doc.groups[node.group] !== undefined ? groupNode(node.group) : root;
    const n: ElkNode = { id, width: o.nodeWidth, height: o.nodeHeight };
    (parent.children ??= []).push(n);
    elkNodes.set(id, n);
  }

  // Edges: between visible stand-ins; drop edges inside one collapsed block.
  const depth = longestPathDepth(doc);
  const seenEdge = new Set<string>();
  for (const e of Object.values(doc.edges)) {
    const s = visibleId(e.source);
    const t = visibleId(e.target);
    if (s === t || !elkNodes.has(s) || !elkNodes.has(t)) continue;
    const key = `${s}->${t}`;
    if (seenEdge.has(key)) continue;
    seenEdge.add(key);
    const span = (depth.get(e.target) ?? 0) - (depth.get(e.source) ?? 0);
    const edge: ElkExtendedEdge = {
      id: e.id,
      sources: [s],
      targets: [t],
      layoutOptions: { 'elk.layered.priority.straightness': span <= 1 ? '10' : '0', 'elk.layered.priority.direction': span <= 1 ? '10' : '1' },
    };
    (root.edges ??= []).push(edge);
  }

  const laid = await elk.layout(root);
  const positions: Record<NodeId, Position> = {};
  const groups: LayoutResult['groups'] = {};
  const walk = (n: ElkNode, ox: number, oy: number): void => {
    for (const c of n.children ?? []) {
      const x = ox + (c.x ?? 0);
      const y = oy + (c.y ?? 0);
      if (c.id.startsWith('group:')) {
        groups[c.id.slice('group:'.length)] = { x, y, width: c.width ?? 0, height: c.height ?? 0 };
      } else {
        positions[c.id] = { x: Math.round(x), y: Math.round(y) };
      }
      walk(c, x, y);
    }
  };
  walk(laid, 0, 0);
  // Members of collapsed blocks sit at their block's position.
  for (const id of ids) {
    if (positions[id] !== undefined) continue;
    const b = groups[visibleId(id).slice('group:'.length)];
    if (b !== undefined) positions[id] = { x: Math.round(b.x), y: Math.round(b.y) };
  }
  return { positions, groups };
}

/** Depth of each node on the longest path from a source (cycles are ignored). */
function longestPathDepth(doc: GraphDocument): Map<string, number> {
  const incoming = new Map<string, string[]>();
  for (const e of Object.values(doc.edges)) {
    const list = incoming.get(e.target) ?? [];
    list.push(e.source);
    incoming.set(e.target, list);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let d = 0;
    for (const s of incoming.get(id) ?? []) d = Math.max(d, visit(s) + 1);
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const id of Object.keys(doc.nodes)) visit(id);
  return depth;
}

/** Keeps the document's own left-to-right order as a tie-break (existing x, then id). */
function byModelOrder(doc: GraphDocument): (a: string, b: string) => number {
  return (a, b) => (doc.nodes[a]?.position.x ?? 0) - (doc.nodes[b]?.position.x ?? 0) || a.localeCompare(b);
}
