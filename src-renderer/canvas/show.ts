import { getViewportForBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import { visibleOwner } from '../../src-shared/graph/blocks.js';
import { NODE_H } from '../editor/geometry.js';
import type { EditorStore } from '../editor/store.js';
import type { FlowNode, ShapeFlowEdge } from '../editor/view-model.js';

/** How the view fits a network: a little air around it, never magnified beyond 1.2. */
export const FIT = { padding: 0.06, maxZoom: 1.2 } as const;
/** Below this zoom a network is shown from its input at a readable zoom rather than whole. */
export const READABLE_ZOOM = 0.3;
const START_ZOOM = 0.8;

/**
 * Shows the network after it is loaded or laid out: the selection when there is one, else the
 * whole network when it fits at a readable zoom, else its beginning (from the input) at a readable
 * zoom — a 1,000-layer network fitted whole would be a speck.
 */
export function useShowNetwork(store: EditorStore): () => void {
  const flow = useReactFlow<FlowNode, ShapeFlowEdge>();
  const rf = useStoreApi<FlowNode, ShapeFlowEdge>();
  return () => {
    setTimeout(() => {
      const nodes = flow.getNodes();
      if (nodes.length === 0) return;
      const s = store.getState();
      const selected = [...s.selection.nodes];
      if (s.selection.group !== null) selected.push(`frame:${s.selection.group}`, `block:${s.selection.group}`);
      const present = selected.filter((id) => flow.getNode(id) !== undefined).map((id) => ({ id }));
      if (present.length > 0) {
        void flow.fitView({ ...FIT, nodes: present });
        return;
      }
      const { width, height } = rf.getState();
      const fit = getViewportForBounds(flow.getNodesBounds(nodes), width, height, 0.02, FIT.maxZoom, FIT.padding);
      if (fit.zoom >= READABLE_ZOOM) {
        void flow.setViewport(fit);
        return;
      }
      const first = s.analysis.order[0];
      const owner = first === undefined ? undefined : visibleOwner(s.doc, first);
      const node = owner === undefined ? undefined : flow.getNode(owner.kind === 'block' ? `block:${owner.id}` : owner.id);
      const p = node?.position ?? nodes[0]?.position ?? { x: 0, y: 0 };
      void flow.setViewport({ x: 40 - p.x * START_ZOOM, y: height / 2 - (p.y + NODE_H / 2) * START_ZOOM, zoom: START_ZOOM });
    }, 30);
  };
}
