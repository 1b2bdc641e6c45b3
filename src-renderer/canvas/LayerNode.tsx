import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import { formatCount } from '../../src-shared/graph/cost.js';
import { nodeName } from '../../src-shared/graph/diagnostics.js';
import { getId } from '../../src-shared/graph/records.js';
import { getLayer } from '../../src-shared/layers/registry.js';
import { useEditor } from '../editor/context.js';
import { formatShape } from '../editor/format.js';
import type { LayerFlowNode } from '../editor/view-model.js';
import { HealthBadges, gradTintProps } from '../runs/overlay/NodeOverlay.js';
import { useNodeTint } from '../runs/overlay/overlay-state.js';
import { useDirection } from './direction.js';

/**
 * One layer on the canvas: kind, name, key params (`3×3, 64, /2`), output shape, params — and
 * FLOPs while selected — with a badge for its errors. Reads its own record and analysis from the
 * store, so an edit elsewhere does not re-render it.
 */
function LayerNodeView({ id, selected }: NodeProps<LayerFlowNode>) {
  const node = useEditor((s) => getId(s.doc.nodes, id));
  const info = useEditor((s) => s.analysis.nodes.get(id));
  const tint = useNodeTint(id);
  const dir = useDirection();
  if (node === undefined) return null;
  const def = getLayer(node.kind);
  const category = (def?.category ?? 'Utility').toLowerCase();
  let summary = '';
  if (def !== undefined && info?.params !== undefined) {
    try {
      summary = def.summary(info.params);
    } catch {
      summary = '';
    }
  }
  const diagnostics = info?.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const takesInput = def === undefined || def.arity.max !== 0;
  const shape = info?.shape ?? null;
  const cost = info?.cost ?? null;
  const name = nodeName(node);
  const grad = gradTintProps(tint);
  const title = [`${def?.label ?? node.kind} “${name}”`, ...diagnostics.map((d) => d.message), ...grad.title].join('\n');
  return (
    <div
      className={`layer-node cat-${category}${selected ? ' selected' : ''}${errors.length > 0 ? ' has-error' : ''}${info?.status === 'blocked' ? ' blocked' : ''}${grad.className}`}
      data-testid="layer-node"
      data-kind={node.kind}
      title={title}
      style={grad.style}
      data-grad={grad.data}
    >
      {takesInput && <Handle type="target" position={dir === 'TB' ? Position.Top : Position.Left} id="in" className="handle-in" />}
      <div className="ln-head">
        <span className="ln-kind">{def?.label ?? node.kind}</span>
        <span className="ln-name">{name}</span>
        <HealthBadges id={id} />
        {errors.length > 0 ? (
          <span className="ln-badge error" data-testid="node-error-badge" aria-label={`${errors.length} error${errors.length === 1 ? '' : 's'}`}>
            !{errors.length > 1 ? errors.length : ''}
          </span>
        ) : warnings.length > 0 ? (
          <span className="ln-badge warning" aria-label={`${warnings.length} warning${warnings.length === 1 ? '' : 's'}`}>
            ▲
          </span>
        ) : null}
      </div>
      <div className="ln-detail">
        <div className="ln-summary">{summary === '' ? '\u00a0' : summary}</div>
        <div className="ln-foot">
          <span className="ln-shape" data-testid="node-shape">
            {shape === null ? (info?.status === 'error' ? '✕ no shape' : '?') : formatShape(shape)}
          </span>
          <span className="ln-params">{cost !== null && cost.params > 0 ? `${formatCount(cost.params)} params` : ''}</span>
        </div>
        <div className="ln-flops" data-testid="node-flops">
          {selected && cost !== null ? `${formatCount(cost.flops)} FLOPs · ${formatCount(cost.activations)} act.` : '\u00a0'}
        </div>
      </div>
      <Handle type="source" position={dir === 'TB' ? Position.Bottom : Position.Right} id="out" className="handle-out" />
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
