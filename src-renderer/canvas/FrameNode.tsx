import { memo, useState } from 'react';
import type { NodeProps } from '@xyflow/react';
import { getId } from '../../src-shared/graph/records.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import type { FrameFlowNode } from '../editor/view-model.js';

/** The frame behind an expanded block: a header (drag it to move the block; double-click to rename) with collapse. */
function FrameNodeView({ data, selected }: NodeProps<FrameFlowNode>) {
  const store = useEditorStore();
  const group = useEditor((s) => getId(s.doc.groups, data.groupId));
  const [editing, setEditing] = useState(false);
  if (group === undefined) return null;
  return (
    <div className={`frame-node depth-${Math.min(data.depth, 3)}${selected ? ' selected' : ''}`} data-testid="block-frame" data-group={group.id}>
      <div className="frame-header" onDoubleClick={() => setEditing(true)}>
        <button
          type="button"
          className="icon-button nodrag"
          aria-label={`Collapse ${group.label}`}
          title="Collapse into one node"
          onClick={(e) => {
            e.stopPropagation();
            void store.getState().setCollapsed(group.id, true);
          }}
        >
          ▾
        </button>
        {editing ? (
          <input
            className="nodrag frame-rename"
            aria-label="Block name"
            autoFocus
            defaultValue={group.label}
            onBlur={(e) => {
              store.getState().renameGroup(group.id, e.currentTarget.value);
              setEditing(false);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur();
              if (e.key === 'Escape') setEditing(false);
            }}
          />
        ) : (
          <span className="frame-label">{group.label}</span>
        )}
        {group.repeat > 1 && <span className="repeat-badge">×{group.repeat}</span>}
      </div>
    </div>
  );
}

export const FrameNode = memo(FrameNodeView);
