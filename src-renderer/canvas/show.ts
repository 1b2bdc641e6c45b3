import { getViewportForBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import type { FitViewOptions, Rect } from '@xyflow/react';

/** A fit's padding per side (what fitView and getViewportForBounds take). */
type Padding = NonNullable<FitViewOptions['padding']>;
import { visibleOwner } from '../../src-shared/graph/blocks.js';
import { NODE_H } from '../editor/geometry.js';
import type { EditorStore } from '../editor/store.js';
import type { FlowNode, ShapeFlowEdge } from '../editor/view-model.js';

/** How the view fits a network: a little air around it, never magnified beyond 1.2. */
export const FIT = { padding: 0.06, maxZoom: 1.2 } as const;
/** Below this zoom a network is shown from its input at a readable zoom rather than whole. */
export const READABLE_ZOOM = 0.3;
const START_ZOOM = 0.8;
/** Air around a fitted network, in pixels. */
const AIR = 24;

/** Panels that float over the canvas's right side (the Runs dock, version history). */
const OVERLAYS = '.runs-dock, .history-panel';

/**
 * Padding that keeps a fitted network clear of the panels floating over the canvas: the part of
 * the canvas an open Runs dock or history panel covers is left out on that side.
 */
export function fitPadding(): Padding {
  const canvas = typeof document === 'undefined' ? null : document.querySelector('[data-testid="canvas"]');
  let right = 0;
  if (canvas !== null) {
    const c = canvas.getBoundingClientRect();
    for (const el of document.querySelectorAll(OVERLAYS)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.bottom <= c.top || r.top >= c.bottom) continue;
      if (r.left < c.right && r.right > c.left) right = Math.max(right, c.right - Math.max(r.left, c.left));
    }
    right = Math.min(right, c.width * 0.8);
  }
  return { top: `${AIR}px`, left: `${AIR}px`, bottom: `${AIR}px`, right: `${AIR + Math.round(right)}px` };
}

/** Options for fitView: the panels' room and the largest zoom; `nodes` limits it to them. */
export function fitOptions(nodes?: { id: string }[]): FitViewOptions<FlowNode> {
  return { padding: fitPadding(), maxZoom: FIT.maxZoom, ...(nodes !== undefined && nodes.length > 0 ? { nodes } : {}) };
}

/**
 * The smallest zoom the canvas allows: enough to see the whole network with room to spare, at any
 * size (a 1,000-layer network is never stuck half out of view with "−" greyed).
 */
export function minZoomFor(bounds: Rect, width: number, height: number): number {
  if (bounds.width <= 0 || bounds.height <= 0 || width <= 0 || height <= 0) return 0.05;
  const fit = Math.min(width / bounds.width, height / bounds.height);
  return Math.max(0.002, Math.min(0.05, fit / 2));
}

/**
 * Shows the network after it is loaded or laid out: the selection when there is one, else the
 * whole network when it fits at a readable zoom, else its beginning (from the input) at a readable
 * zoom — a 1,000-layer network fitted whole would be a speck. An empty canvas goes back to the
 * origin at 100 %.
 */
export function useShowNetwork(store: EditorStore): () => void {
  const flow = useReactFlow<FlowNode, ShapeFlowEdge>();
  const rf = useStoreApi<FlowNode, ShapeFlowEdge>();
  return () => {
    setTimeout(() => {
      const nodes = flow.getNodes();
      if (nodes.length === 0) {
        void flow.setViewport({ x: 0, y: 0, zoom: 1 });
        return;
      }
      const s = store.getState();
      const selected = [...s.selection.nodes];
      if (s.selection.group !== null) selected.push(`frame:${s.selection.group}`, `block:${s.selection.group}`);
      const present = selected.filter((id) => flow.getNode(id) !== undefined).map((id) => ({ id }));
      if (present.length > 0) {
        void flow.fitView(fitOptions(present));
        return;
      }
      const { width, height } = rf.getState();
      const fit = getViewportForBounds(flow.getNodesBounds(nodes), width, height, 0.002, FIT.maxZoom, fitPadding());
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
