import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import { formatCount } from '../../src-shared/graph/cost.js';
import { getId } from '../../src-shared/graph/records.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { formatShape } from '../editor/format.js';
import type { BlockFlowNode } from '../editor/view-model.js';
import { gradTintProps } from '../runs/overlay/NodeOverlay.js';
import { useBlockTint } from '../runs/overlay/overlay-state.js';
import { JOIN_GLYPH, blockCard } from './block-card.js';
import { useDirection } from './direction.js';

/**
 * A collapsed block: one node standing for all its members (their edges attach to it). It reads as
 * what it is: name and ×N, the joins of its skips (⊕ add, ⧺ concat), shape in → out, its units or
 * layers, params and FLOPs. Expand with the chevron or a double-click.
 */
function BlockNodeView({ data, selected }: NodeProps<BlockFlowNode>) {
  const store = useEditorStore();
  const group = useEditor((s) => getId(s.doc.groups, data.groupId));
  const card = useEditor((s) => blockCard(s.analysis, data.groupId));
  const dir = useDirection();
  const grad = gradTintProps(useBlockTint(data.groupId));
  if (group === undefined) return null;
  const errors = card?.errors ?? 0;
  const joins = card?.joins ?? [];
  const count = card === null ? '' : card.units > 0 ? `${card.units} unit${card.units === 1 ? '' : 's'} · ${card.layers} layers` : `${card.layers} layer${card.layers === 1 ? '' : 's'}`;
  const cost = card === null ? '' : `${card.params > 0 ? `${formatCount(card.params)} params · ` : ''}${formatCount(card.flops)} FLOPs`;
  const io = card === null ? '' : `${formatShape(card.inShape)} → ${formatShape(card.outShape)}`;
  const title = [`Block “${group.label}” (collapsed): ${count}`, io, cost, ...joins.map((j) => `skips join by ${JOIN_GLYPH[j].words}`), 'Double-click or ▸ to expand', ...grad.title].join('\n');
  return (
    <div
      className={`block-node${selected ? ' selected' : ''}${errors > 0 ? ' has-error' : ''}${grad.className}`}
      style={grad.style}
      title={title}
      data-testid="block-node"
      data-group={group.id}
      data-grad={grad.data}
    >
      <Handle type="target" position={dir === 'TB' ? Position.Top : Position.Left} id="in" isConnectable={false} className="handle-in" />
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
        {joins.map((j) => (
          <span key={j} className={`join-glyph join-${j}`} aria-label={JOIN_GLYPH[j].words} data-testid="block-join">
            {JOIN_GLYPH[j].glyph}
          </span>
        ))}
        {errors > 0 && (
          <span className="ln-badge error" aria-label={`${errors} error${errors === 1 ? '' : 's'}`}>
            !{errors > 1 ? errors : ''}
          </span>
        )}
      </div>
      <div className="ln-detail">
        <div className="ln-io" data-testid="block-io">
          {io}
        </div>
        <div className="ln-summary" data-testid="block-count">
          {count}
        </div>
        <div className="ln-flops" data-testid="block-cost">
          {cost}
        </div>
      </div>
      <Handle type="source" position={dir === 'TB' ? Position.Bottom : Position.Right} id="out" className="handle-out" />
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);
