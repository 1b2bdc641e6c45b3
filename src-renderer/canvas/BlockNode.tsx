import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import { blockSummaries } from '../../src-shared/graph/blocks.js';
import { formatCount } from '../../src-shared/graph/cost.js';
import { getId } from '../../src-shared/graph/records.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { formatShape } from '../editor/format.js';
import type { BlockFlowNode } from '../editor/view-model.js';
import { gradTintProps } from '../runs/overlay/NodeOverlay.js';
import { useBlockTint } from '../runs/overlay/overlay-state.js';

/** A collapsed block: one node standing for all its members (their edges attach to it). */
function BlockNodeView({ data, selected }: NodeProps<BlockFlowNode>) {
  const store = useEditorStore();
  const group = useEditor((s) => getId(s.doc.groups, data.groupId));
  const summary = useEditor((s) => blockSummaries(s.analysis).get(data.groupId));
  const grad = gradTintProps(useBlockTint(data.groupId));
  if (group === undefined) return null;
  const layers = summary?.members.length ?? 0;
  const errors = summary?.errors ?? 0;
  return (
    <div
      className={`block-node${selected ? ' selected' : ''}${errors > 0 ? ' has-error' : ''}${grad.className}`}
      style={grad.style}
      title={grad.title.join('\n') || undefined}
      data-testid="block-node"
      data-group={group.id}
      data-grad={grad.data}
    >
      <Handle type="target" position={Position.Left} id="in" isConnectable={false} className="handle-in" />
      <div className="ln-head">
        <button
          type="button"
          className="icon-button nodrag"
          aria-label={`Expand ${group.label}`}
          title="Expand"
          onClick={(e) => {
            e.stopPropagation();
            void store.getState().setCollapsed(group.id, false);
          }}
        >
          ▸
        </button>
        <span className="ln-kind">{group.label}</span>
        {group.repeat > 1 && <span className="repeat-badge">×{group.repeat}</span>}
        {errors > 0 && (
          <span className="ln-badge error" aria-label={`${errors} error${errors === 1 ? '' : 's'}`}>
            !{errors > 1 ? errors : ''}
          </span>
        )}
      </div>
      <div className="ln-detail">
        <div className="ln-summary">
          {layers} layer{layers === 1 ? '' : 's'} (collapsed)
        </div>
        <div className="ln-foot">
          <span className="ln-shape">{formatShape(summary?.outputShape ?? null)}</span>
          <span className="ln-params">{summary !== undefined && summary.params > 0 ? `${formatCount(summary.params)} params` : ''}</span>
        </div>
        <div className="ln-flops">{selected && summary !== undefined ? `${formatCount(summary.flops)} FLOPs` : '\u00a0'}</div>
      </div>
      <Handle type="source" position={Position.Right} id="out" className="handle-out" />
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);
