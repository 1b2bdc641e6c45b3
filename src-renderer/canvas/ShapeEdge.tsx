import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath } from '@xyflow/react';
import type { EdgeProps } from '@xyflow/react';
import { getId } from '../../src-shared/graph/records.js';
import { useEditor } from '../editor/context.js';
import { formatShape } from '../editor/format.js';
import { skipPath } from '../editor/geometry.js';
import type { ShapeFlowEdge } from '../editor/view-model.js';
import { useNodeTint } from '../runs/overlay/overlay-state.js';

/**
 * An edge labelled with the tensor shape it carries. Main-path edges are curves; skips run along a
 * lane above the nodes they bypass (long skips across resolutions dashed, in their own colour);
 * edges named by an error are red.
 */
function ShapeEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, interactionWidth }: EdgeProps<ShapeFlowEdge>) {
  const edgeId = data?.edgeId ?? id;
  const shape = useEditor((s) => {
    const e = getId(s.doc.edges, edgeId);
    return e === undefined ? null : (s.analysis.nodes.get(e.source)?.shape ?? null);
  });
  // Gradient-flow overlay: the edge takes its source layer's colour.
  const tint = useNodeTint(useEditor((s) => getId(s.doc.edges, edgeId)?.source));
  const role = data?.role ?? 'main';
  let path: string;
  let labelX: number;
  let labelY: number;
  if (data !== undefined && data.lane !== null) {
    const dir = data.dir;
    // A skip's lane stays clear of both ends (across the flow); a wrapping edge's lane is between rows.
    const lane = data.wrap ? data.lane : dir === 'TB' ? Math.min(data.lane, sourceX - 30, targetX - 30) : Math.min(data.lane, sourceY - 30, targetY - 30);
    ({ path, labelX, labelY } = skipPath(sourceX, sourceY, targetX, targetY, lane, 8, dir, data.wrap ? data.drop : null));
  } else {
    [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  }
  const count = data?.count ?? 1;
  return (
    <>
      <BaseEdge id={id} path={path} interactionWidth={interactionWidth ?? 20} style={tint === undefined ? undefined : { stroke: tint.color, strokeWidth: 2.6 }} />
      <EdgeLabelRenderer>
        <div
          className={`edge-label role-${role}${data?.error === true ? ' error' : ''}${selected === true ? ' selected' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`edge-label-${edgeId}`}
          title={role === 'long-skip' ? 'long skip (across resolutions)' : role === 'skip' ? 'skip connection' : undefined}
        >
          {formatShape(shape)}
          {count > 1 ? <span className="edge-count"> ×{count}</span> : null}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
