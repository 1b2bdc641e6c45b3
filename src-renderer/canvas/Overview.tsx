import { memo, useMemo, useRef } from 'react';
import type { PointerEvent } from 'react';
import { useReactFlow, useStore } from '@xyflow/react';
import type { ReactFlowState } from '@xyflow/react';
import { getId } from '../../src-shared/graph/records.js';
import { getLayer } from '../../src-shared/layers/registry.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import type { FlowNode } from '../editor/view-model.js';

const W = 200;
const H = 120;
const CATEGORY_COLOR: Readonly<Record<string, string>> = {
  Input: '#8b95a5',
  Convolution: '#5b8def',
  Normalization: '#2bb3a3',
  Activation: '#e5a13a',
  Pooling: '#9a7be0',
  Merge: '#e0657a',
  Resize: '#4fb0d8',
  Regularization: '#a3a3a3',
  Dense: '#c07a4f',
  Output: '#3fae5a',
  Utility: '#8b95a5',
};

interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The network drawn once per edit, in a fixed frame: panning never redraws it. */
const OverviewNodes = memo(function OverviewNodes({ nodes, doc, bounds }: { nodes: readonly FlowNode[]; doc: GraphDocument; bounds: Bounds }) {
  return (
    <svg className="overview-nodes" width={W} height={H} viewBox={`${bounds.x} ${bounds.y} ${bounds.width} ${bounds.height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      {nodes.map((n) => {
        if (n.type === 'frame') return null;
        const kind = n.type === 'layer' ? (getId(doc.nodes, n.id)?.kind ?? '') : '';
        const fill = n.type === 'block' ? '#7a869a' : (CATEGORY_COLOR[getLayer(kind)?.category ?? 'Utility'] ?? '#8b95a5');
        return <rect key={n.id} x={n.position.x} y={n.position.y} width={n.width ?? 0} height={n.height ?? 0} rx={6} fill={fill} />;
      })}
    </svg>
  );
});

const viewportSelector = (s: ReactFlowState): string => `${s.transform[0]}|${s.transform[1]}|${s.transform[2]}|${s.width}|${s.height}`;

/**
 * The minimap: every node as a coloured box in a fixed frame, with the visible area outlined.
 * Click or drag in it to move the view there. Unlike a minimap that re-fits itself around the
 * viewport on every pan, the boxes are drawn once per edit, so panning a 1,000-node network stays
 * fluid.
 */
export function Overview({ nodes, doc }: { nodes: readonly FlowNode[]; doc: GraphDocument }) {
  const flow = useReactFlow();
  const bounds = useMemo<Bounds>(() => {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of nodes) {
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + (n.width ?? 0));
      y1 = Math.max(y1, n.position.y + (n.height ?? 0));
    }
    if (x0 === Infinity) return { x: 0, y: 0, width: 1000, height: 600 };
    const pad = Math.max(x1 - x0, y1 - y0) * 0.05 + 40;
    return { x: x0 - pad, y: y0 - pad, width: x1 - x0 + 2 * pad, height: y1 - y0 + 2 * pad };
  }, [nodes]);
  const view = useStore(viewportSelector);
  const [tx = 0, ty = 0, zoom = 1, width = 0, height = 0] = view.split('|').map(Number);
  // The frame's scale (preserveAspectRatio meet) and offsets.
  const scale = Math.min(W / bounds.width, H / bounds.height);
  const ox = (W - bounds.width * scale) / 2;
  const oy = (H - bounds.height * scale) / 2;
  const vx = (-tx / zoom - bounds.x) * scale + ox;
  const vy = (-ty / zoom - bounds.y) * scale + oy;
  const vw = (width / zoom) * scale;
  const vh = (height / zoom) * scale;
  const dragging = useRef(false);
  const moveTo = (e: PointerEvent<HTMLDivElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const fx = (e.clientX - r.left - ox) / scale + bounds.x;
    const fy = (e.clientY - r.top - oy) / scale + bounds.y;
    void flow.setCenter(fx, fy, { zoom });
  };
  if (nodes.length === 0) return null;
  return (
    <div
      className="overview nopan nowheel"
      data-testid="minimap"
      role="img"
      aria-label="Minimap: click or drag to move the view"
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        moveTo(e);
      }}
      onPointerMove={(e) => dragging.current && moveTo(e)}
      onPointerUp={() => (dragging.current = false)}
    >
      <OverviewNodes nodes={nodes} doc={doc} bounds={bounds} />
      <svg className="overview-view" width={W} height={H} aria-hidden="true">
        <path d={`M0 0 H${W} V${H} H0 Z M${vx} ${vy} v${vh} h${vw} v${-vh} Z`} fillRule="evenodd" className="overview-mask" />
        <rect x={vx} y={vy} width={vw} height={vh} className="overview-frame" />
      </svg>
    </div>
  );
}
