import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { Background, BackgroundVariant, Controls, Panel, ReactFlow, useReactFlow, useStore } from '@xyflow/react';
import type { Connection, EdgeChange, FinalConnectionState, NodeChange, OnConnectStartParams, XYPosition } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { ancestry, blockSummaries } from '../../src-shared/graph/blocks.js';
import type { NodeId, Position } from '../../src-shared/graph/document.js';
import { getId } from '../../src-shared/graph/records.js';
import { checkConnection } from '../../src-shared/graph/wiring.js';
import { getLayer } from '../../src-shared/layers/registry.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { NODE_H, NODE_W } from '../editor/geometry.js';
import { createViewModel, groupOfFlowNode } from '../editor/view-model.js';
import type { FlowNode, ShapeFlowEdge } from '../editor/view-model.js';
import { edgeTypes, nodeTypes } from './flow-types.js';
import { MergePrompt } from './MergePrompt.js';
import { Overview } from './Overview.js';
import { minZoomFor, useShowNetwork } from './show.js';
import { zoomedOutSelector } from './lod.js';
import { GradientOverlay } from '../runs/overlay/GradientOverlay.js';
import { HierarchyBar } from './HierarchyBar.js';

/** The MIME type a palette item carries while it is dragged onto the canvas. */
export const LAYER_MIME = 'application/x-skipwire-layer';

/** Nodes beyond which the canvas renders only what is on screen. */
const VISIBLE_ONLY_ABOVE = 150;

interface Hint {
  readonly level: 'error' | 'info';
  readonly text: string;
}

/** The flow-node id under a screen point (a layer or collapsed block), or null. */
function flowNodeAt(x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    const node = el.closest('.react-flow__node');
    if (node instanceof HTMLElement && !node.classList.contains('react-flow__node-frame')) return node.dataset.id ?? null;
  }
  return null;
}

function pointOf(e: MouseEvent | TouchEvent): { x: number; y: number } | null {
  if ('clientX' in e) return { x: e.clientX, y: e.clientY };
  const t = e.changedTouches[0];
  return t === undefined ? null : { x: t.clientX, y: t.clientY };
}

export function Canvas() {
  const store = useEditorStore();
  const flow = useReactFlow<FlowNode, ShapeFlowEdge>();
  const { doc, analysis, selection } = useEditor(useShallow((s) => ({ doc: s.doc, analysis: s.analysis, selection: s.selection })));
  const [viewModel] = useState(createViewModel);
  const view = useMemo(() => viewModel({ doc, analysis, selection }), [viewModel, doc, analysis, selection]);
  const [hint, setHint] = useState<Hint | null>(null);
  const connecting = useRef<{ source: string; done: boolean } | null>(null);
  // Zoomed out, nearly everything is on screen: culling would cost more than it saves.
  const zoomedOut = useStore(zoomedOutSelector);
  const large = view.nodes.length > VISIBLE_ONLY_ABOVE && !zoomedOut;
  // Zoom out as far as the network needs: the limit follows its extent and the canvas's size.
  const paneW = useStore((s) => s.width);
  const paneH = useStore((s) => s.height);
  const bounds = useMemo(() => {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of view.nodes) {
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + (n.width ?? NODE_W));
      y1 = Math.max(y1, n.position.y + (n.height ?? NODE_H));
    }
    return x0 === Infinity ? { x: 0, y: 0, width: 0, height: 0 } : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }, [view.nodes]);
  const minZoom = minZoomFor(bounds, paneW, paneH);

  const showNetwork = useShowNetwork(store);
  // A loaded document is shown whole when it fits at a readable zoom, else from its input.
  useEffect(
    () =>
      store.getState().onChange((_doc, _diff, source) => {
        if (source === 'load') showNetwork();
      }),
    [store, showNetwork],
  );

  /** The document node a connection starts from: a layer, or the node a collapsed block outputs from. */
  const sourceNodeOf = useCallback(
    (flowId: string): NodeId | null => {
      const g = groupOfFlowNode(flowId);
      if (g === null) return flowId;
      const s = blockSummaries(store.getState().analysis).get(g);
      return s?.outputs[0]?.source ?? s?.members[s.members.length - 1] ?? null;
    },
    [store],
  );

  /**
   * While a drag is on, where the dragged flow nodes are drawn (flow id → position); the document
   * is edited once, when the drag ends (one undo step). Per pointer move the canvas then only
   * redraws what moves: no edit, no re-analysis, no autosave, no re-render of panels that read the
   * document.
   */
  const [dragging, setDragging] = useState<ReadonlyMap<string, XYPosition> | null>(null);
  const dragRef = useRef<Map<string, XYPosition> | null>(null);
  const shown = useMemo(() => {
    if (dragging === null || dragging.size === 0) return view.nodes;
    return view.nodes.map((n) => {
      const p = dragging.get(n.id);
      return p === undefined ? n : { ...n, position: p };
    });
  }, [view.nodes, dragging]);

  /** Flow nodes drawn inside an expanded block (its frame moves them along). */
  const insideFrame = useCallback(
    (g: string): FlowNode[] => {
      const s = store.getState();
      const within = (group: string | undefined): boolean => ancestry(s.doc, group).includes(g);
      return view.nodes.filter((n) => {
        if (n.type === 'layer') return within(getId(s.doc.nodes, n.id)?.group);
        const other = groupOfFlowNode(n.id);
        return other !== null && other !== g && within(getId(s.doc.groups, other)?.parent);
      });
    },
    [store, view],
  );

  /** Commits the dragged positions: layers move; a block's or frame's members move by its offset. */
  const commitDrag = useCallback(
    (moved: ReadonlyMap<string, XYPosition>) => {
      const s = store.getState();
      const positions: Record<NodeId, Position> = {};
      for (const [id, p] of moved) {
        const g = groupOfFlowNode(id);
        if (g === null) {
          if (getId(s.doc.nodes, id) !== undefined && !(id in positions)) positions[id] = { x: Math.round(p.x), y: Math.round(p.y) };
          continue;
        }
        // A dragged frame's contents are in `moved` themselves (its layers, and its blocks handled here).
        if (!id.startsWith('block:')) continue;
        const current = view.nodes.find((n) => n.id === id);
        if (current === undefined) continue;
        const dx = Math.round(p.x - current.position.x);
        const dy = Math.round(p.y - current.position.y);
        if (dx === 0 && dy === 0) continue;
        for (const m of blockSummaries(s.analysis).get(g)?.members ?? []) {
          const n = getId(s.doc.nodes, m);
          if (n !== undefined) positions[m] = { x: n.position.x + dx, y: n.position.y + dy };
        }
      }
      if (Object.keys(positions).length > 0) s.moveNodes(positions);
      s.sealMoves();
    },
    [store, view],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const s = store.getState();
      let drag: Map<string, XYPosition> | null = null;
      let ended = false;
      let nodes: Set<NodeId> | null = null;
      let group: string | null | undefined;
      for (const c of changes) {
        if (c.type === 'position') {
          if (c.position !== undefined) {
            drag ??= new Map(dragRef.current ?? []);
            const current = view.nodes.find((n) => n.id === c.id);
            const before = drag.get(c.id) ?? current?.position;
            drag.set(c.id, c.position);
            // A frame carries what is drawn inside it.
            if (c.id.startsWith('frame:') && before !== undefined) {
              const dx = c.position.x - before.x;
              const dy = c.position.y - before.y;
              for (const n of insideFrame(c.id.slice('frame:'.length))) {
                const p = drag.get(n.id) ?? n.position;
                drag.set(n.id, { x: p.x + dx, y: p.y + dy });
              }
            }
          }
          if (c.dragging === false) ended = true;
        } else if (c.type === 'select') {
          const g = groupOfFlowNode(c.id);
          if (g === null) {
            nodes ??= new Set(s.selection.nodes);
            if (c.selected) nodes.add(c.id);
            else nodes.delete(c.id);
          } else if (c.selected) group = g;
          else if (group === undefined && s.selection.group === g) group = null;
        }
      }
      if (drag !== null) {
        dragRef.current = drag;
        if (!ended) setDragging(drag);
      }
      if (ended) {
        const moved = dragRef.current;
        dragRef.current = null;
        if (moved !== null) commitDrag(moved);
        setDragging(null);
      }
      if (nodes !== null || group !== undefined) {
        const cur = store.getState().selection;
        s.select({ nodes: nodes ?? cur.nodes, edges: cur.edges, group: group === undefined ? cur.group : group }, 'replace');
      }
    },
    [store, view, insideFrame, commitDrag],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<ShapeFlowEdge>[]) => {
      const s = store.getState();
      let edges: Set<string> | null = null;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        edges ??= new Set(s.selection.edges);
        if (c.selected) edges.add(c.id);
        else edges.delete(c.id);
      }
      if (edges !== null) {
        const cur = s.selection;
        s.select({ nodes: cur.nodes, edges, group: cur.group }, 'replace');
      }
    },
    [store],
  );

  const isValidConnection = useCallback(
    (c: ShapeFlowEdge | Connection): boolean => {
      const s = store.getState();
      if (groupOfFlowNode(c.target) !== null) {
        setHint({ level: 'error', text: 'Expand the block to wire into one of its layers.' });
        return false;
      }
      const source = sourceNodeOf(c.source);
      if (source === null) return false;
      const check = checkConnection(s.doc, source, c.target, s.analysis.index);
      if (!check.ok) {
        setHint({ level: 'error', text: `Can’t connect: ${check.reason}` });
        return false;
      }
      const target = getId(s.doc.nodes, c.target);
      setHint(
        check.action === 'merge'
          ? { level: 'info', text: `“${target?.label ?? c.target}” already has its input: release to join with Add or Concat.` }
          : { level: 'info', text: `Connect to ${getLayer(target?.kind ?? '')?.label ?? 'layer'} “${target?.label ?? c.target}”.` },
      );
      return true;
    },
    [store, sourceNodeOf],
  );

  const onConnectStart = useCallback((_e: MouseEvent | TouchEvent, p: OnConnectStartParams) => {
    connecting.current = p.nodeId === null ? null : { source: p.nodeId, done: false };
    setHint(null);
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (connecting.current !== null) connecting.current.done = true;
      const source = sourceNodeOf(c.source);
      if (source !== null) store.getState().connectNodes(source, c.target);
    },
    [store, sourceNodeOf],
  );

  const onConnectEnd = useCallback(
    (e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const started = connecting.current;
      connecting.current = null;
      setHint(null);
      if (started === null || started.done) return;
      // Dropped on a layer's body rather than on its input handle: wire it all the same.
      const at = pointOf(e);
      const target = state.toNode?.id ?? (at === null ? null : flowNodeAt(at.x, at.y));
      if (target === null || target === started.source || groupOfFlowNode(target) !== null) return;
      const source = sourceNodeOf(started.source);
      if (source !== null) store.getState().connectNodes(source, target);
    },
    [store, sourceNodeOf],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(LAYER_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(LAYER_MIME);
      if (kind === '') return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.getState().addLayer(kind, { x: Math.round(p.x - NODE_W / 2), y: Math.round(p.y - NODE_H / 2) });
    },
    [flow, store],
  );

  const onNodeDoubleClick = useCallback(
    (_e: unknown, node: FlowNode) => {
      if (node.type === 'block') void store.getState().setCollapsed(node.data.groupId, false);
    },
    [store],
  );

  const empty = Object.keys(doc.nodes).length === 0;
  return (
    <div className={`canvas${zoomedOut ? ' lod' : ''}`} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowNode, ShapeFlowEdge>
        nodes={shown}
        edges={view.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDoubleClick={onNodeDoubleClick}
        deleteKeyCode={null}
        multiSelectionKeyCode={['Control', 'Meta', 'Shift']}
        selectionKeyCode="Shift"
        elevateNodesOnSelect={false}
        onlyRenderVisibleElements={large}
        minZoom={minZoom}
        maxZoom={2.5}
        connectionRadius={28}
        proOptions={{ hideAttribution: false }}
        aria-label="Network canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls position="bottom-left" />
        <Panel position="bottom-right">
          <Overview nodes={view.nodes} doc={doc} />
        </Panel>
        <Panel position="top-left">
          <GradientOverlay />
        </Panel>
        <Panel position="top-right">
          <HierarchyBar />
        </Panel>
      </ReactFlow>
      {empty && (
        <div className="empty-state" data-testid="empty-editor">
          <h2>An empty network</h2>
          <p>Drag layers here from the palette (or press Enter on one), or start from a template.</p>
        </div>
      )}
      {hint !== null && (
        <div className={`connect-hint ${hint.level}`} role="status" data-testid="connect-hint">
          {hint.text}
        </div>
      )}
      <MergePrompt />
    </div>
  );
}
