import { useEffect, useMemo, useState } from 'react';
import { Background, BackgroundVariant, Controls, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { EditorProvider, useEditor } from '../editor/context.js';
import { createEditorStore } from '../editor/store.js';
import { createViewModel } from '../editor/view-model.js';
import type { FlowNode, ShapeFlowEdge } from '../editor/view-model.js';
import { FIT } from './show.js';
import { edgeTypes, nodeTypes } from './flow-types.js';
import { needsLayout } from './needs-layout.js';


function Flow({ label }: { label: string }) {
  const flow = useReactFlow<FlowNode, ShapeFlowEdge>();
  const { doc, analysis, selection } = useEditor(useShallow((s) => ({ doc: s.doc, analysis: s.analysis, selection: s.selection })));
  const [viewModel] = useState(createViewModel);
  const view = useMemo(() => viewModel({ doc, analysis, selection }), [viewModel, doc, analysis, selection]);
  // Fit again once the layout (if any) has moved the layers.
  useEffect(() => {
    const t = setTimeout(() => void flow.fitView(FIT), 50);
    return () => clearTimeout(t);
  }, [flow, doc]);
  return (
    <ReactFlow<FlowNode, ShapeFlowEdge>
      nodes={view.nodes}
      edges={view.edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      deleteKeyCode={null}
      fitView
      fitViewOptions={FIT}
      minZoom={0.05}
      maxZoom={2.5}
      proOptions={{ hideAttribution: true }}
      aria-label={label}
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
      <Controls position="bottom-left" showInteractive={false} />
    </ReactFlow>
  );
}

/**
 * A network drawn as the editor draws it (shapes on the edges, blocks, the gradient tint of the
 * focused run), but read-only: its own editor store and React Flow instance, so nothing here
 * reaches the open network. Used for the graph version a run trained.
 */
export function ReadOnlyCanvas({ doc, label = 'Network (read-only)' }: { doc: GraphDocument; label?: string }) {
  const store = useMemo(() => createEditorStore({ doc }), [doc]);
  useEffect(() => {
    if (needsLayout(doc)) void store.getState().autoLayout();
  }, [store, doc]);
  return (
    <div className="readonly-canvas" data-testid="readonly-canvas">
      <EditorProvider store={store}>
        <ReactFlowProvider>
          <Flow label={label} />
        </ReactFlowProvider>
      </EditorProvider>
    </div>
  );
}
