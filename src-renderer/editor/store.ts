import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { getLayer, defaultParams } from '../../src-shared/layers/registry.js';
import type { Optimizer } from '../../src-shared/graph/cost.js';
import { composeDiffs, diffDocuments, emptyDiff, isEmptyDiff } from '../../src-shared/graph/diff.js';
import type { GraphDiff } from '../../src-shared/graph/diff.js';
import { emptyDocument } from '../../src-shared/graph/document.js';
import type { EdgeId, GraphDocument, GroupId, InputSpec, NodeId, Position } from '../../src-shared/graph/document.js';
import type { QuickFix } from '../../src-shared/graph/fix-types.js';
import { canRedo, canUndo, createHistory, pushHistory, redo as redoHistory, sealHistory, undo as undoHistory } from '../../src-shared/graph/history.js';
import type { History } from '../../src-shared/graph/history.js';
import { inferShapes, revalidate } from '../../src-shared/graph/infer.js';
import type { ShapeAnalysis } from '../../src-shared/graph/infer.js';
import {
  addNode,
  connect,
  copyFragment,
  disconnect,
  duplicate as duplicateOp,
  group as groupOp,
  insertBetween,
  moveNodes,
  paste as pasteOp,
  removeNodes,
  renameGroup as renameGroupOp,
  sequence,
  setCollapsed as setCollapsedOp,
  setInput as setInputOp,
  setMeta as setMetaOp,
  setRepeat as setRepeatOp,
  ungroup as ungroupOp,
  updateNode,
} from '../../src-shared/graph/ops.js';
import type { Fragment, MetaPatch, OpResult, Step } from '../../src-shared/graph/ops.js';
import { getId } from '../../src-shared/graph/records.js';
import { checkConnection, joinWithMerge } from '../../src-shared/graph/wiring.js';
import type { MergeKind, MergePlace } from '../../src-shared/graph/wiring.js';
import { BLOCK_H, BLOCK_W, FRAME_PAD, LANE_ROOM, LAYER_GAP, LAYER_GAP_TB, NODE_GAP, NODE_H, NODE_W, WRAP_GAP, rectsOverlap } from './geometry.js';
import type { Direction, Rect } from './geometry.js';
import { collapseToDepth } from '../../src-shared/graph/hierarchy.js';

/**
 * The editor's state (zustand, vanilla so it is usable and testable without React): the document,
 * its shape analysis (revalidated incrementally after every edit), the undo history over diffs,
 * the selection and the clipboard. Every change to the document goes through the model's pure
 * operations (src-shared/graph/ops.ts, wiring.ts); the store only sequences them, records their
 * diffs and tells subscribers.
 *
 * From outside (the projects store, autosave): `load(doc)` replaces the document (fresh history)
 * and `onChange((doc, diff, source) => …)` hears every change with its diff.
 */

export interface Selection {
  readonly nodes: ReadonlySet<NodeId>;
  readonly edges: ReadonlySet<EdgeId>;
  /** A selected block (its frame or its collapsed node). */
  readonly group: GroupId | null;
}

export const EMPTY_SELECTION: Selection = Object.freeze({ nodes: new Set<NodeId>(), edges: new Set<EdgeId>(), group: null });

export type ChangeSource = 'edit' | 'undo' | 'redo' | 'load';
/** `diff` is null for a load (the whole document is new). */
export type ChangeListener = (doc: GraphDocument, diff: GraphDiff | null, source: ChangeSource) => void;

export interface PendingMerge {
  readonly source: NodeId;
  readonly target: NodeId;
}

export interface EditorMessage {
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
  readonly at: number;
}

export interface EditOptions {
  readonly label?: string;
  /** Consecutive edits with the same key within a short time fold into one undo step (typing a number). */
  readonly coalesceKey?: string;
  /** What to select after the edit (ids that exist in the new document). */
  readonly select?: Partial<Selection>;
}

export type LayoutFn = (doc: GraphDocument) => Promise<Readonly<Record<NodeId, Position>>>;

export interface EditorState {
  readonly doc: GraphDocument;
  readonly analysis: ShapeAnalysis;
  readonly history: History;
  readonly selection: Selection;
  readonly clipboard: Fragment | null;
  readonly pendingMerge: PendingMerge | null;
  /** The last refused edit or other one-line message for the person. */
  readonly message: EditorMessage | null;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  readonly layoutBusy: boolean;
}

export interface EditorActions {
  /** Replaces the document (fresh history, empty selection). Subscribers hear source 'load'. */
  load(doc: GraphDocument): void;
  /** Lays the document out (auto-layout), then loads it (a new document from a template). */
  loadLaidOut(doc: GraphDocument): Promise<void>;
  /** Replaces the document as one undoable edit (Import). */
  replace(doc: GraphDocument, label?: string): OpResult;
  /** Runs one pure edit; on success records it in the history and tells subscribers. */
  edit(step: Step, options?: EditOptions): OpResult;
  undo(): boolean;
  redo(): boolean;
  canUndo(): boolean;
  canRedo(): boolean;
  /** Ends move coalescing (drag end). */
  sealMoves(): void;
  onChange(listener: ChangeListener): () => void;

  select(sel: Partial<Selection>, mode?: 'replace' | 'add' | 'toggle'): void;
  selectAll(): void;
  clearSelection(): void;

  addLayer(kind: string, position: Position, options?: { connectFrom?: NodeId }): NodeId | null;
  /** Adds a layer after the single selected node (connected from it), or at `fallback` when none is selected. */
  addLayerAtSelection(kind: string, fallback: Position): NodeId | null;
  moveNodes(positions: Readonly<Record<NodeId, Position>>): void;
  moveNodesBy(ids: readonly NodeId[], by: Position): void;
  /** Wires source → target: connects, asks for a merge (pendingMerge) when the target is full, or refuses with the reason. */
  connectNodes(source: NodeId, target: NodeId): 'connected' | 'ask-merge' | 'refused';
  resolveMerge(kind: MergeKind, place?: MergePlace): NodeId | null;
  cancelMerge(): void;
  deleteSelection(): void;
  copy(): void;
  cut(): void;
  paste(): void;
  duplicate(): void;
  groupSelection(label?: string): GroupId | null;
  ungroup(groupId: GroupId): void;
  /** Collapses or expands one block and lays the network out again around it (one undo step). */
  setCollapsed(groupId: GroupId, collapsed: boolean): Promise<void>;
  /** Opens the network to `depth` levels of blocks (0 collapses all, Infinity expands all), laid out again, as one undo step. */
  collapseTo(depth: number): Promise<void>;
  /** Lays the network out left to right or top to bottom (kept in the document), as one undo step. */
  setDirection(direction: Direction): Promise<void>;
  setRepeat(groupId: GroupId, repeat: number): void;
  renameGroup(groupId: GroupId, label: string): void;
  updateParams(nodeId: NodeId, patch: Readonly<Record<string, unknown>>): void;
  renameNode(nodeId: NodeId, label: string | null): void;
  switchMerge(nodeId: NodeId, kind: MergeKind): void;
  setInput(input: InputSpec): void;
  setMeta(patch: MetaPatch): void;
  applyFix(fix: QuickFix): boolean;
  autoLayout(): Promise<boolean>;
  setBatchSize(n: number): void;
  setOptimizer(o: Optimizer): void;
  say(level: EditorMessage['level'], text: string): void;
}

export type EditorStore = StoreApi<EditorState & EditorActions>;

export interface EditorOptions {
  readonly doc?: GraphDocument;
  /** Clock for history coalescing (ms). */
  readonly now?: () => number;
  /** Auto-layout; by default elkjs (src-shared/graph/layout.ts), loaded on first use. */
  readonly layout?: LayoutFn;
}

const COALESCE_MS = 1500;
const STEP_X = NODE_W + LAYER_GAP;

/** Width ÷ height a long network aims at when its chain wraps (a landscape window). */
export const LAYOUT_ASPECT = 1.6;

/** The canvas's layout (src-shared/graph/layout.ts, elkjs inside) with the canvas's sizes, in the document's direction. */
async function elkLayout(doc: GraphDocument): Promise<Readonly<Record<NodeId, Position>>> {
  const { layoutDocument } = await import('../../src-shared/graph/layout.js');
  const direction = doc.meta.view?.direction ?? 'LR';
  const r = await layoutDocument(doc, {
    nodeWidth: NODE_W,
    nodeHeight: NODE_H,
    blockWidth: BLOCK_W,
    blockHeight: BLOCK_H,
    layerGap: direction === 'TB' ? LAYER_GAP_TB : LAYER_GAP,
    nodeGap: NODE_GAP,
    direction,
    aspect: LAYOUT_ASPECT,
    framePad: FRAME_PAD,
    laneRoom: LANE_ROOM,
    wrapGap: WRAP_GAP,
    // Wrap once a chain is wider than a window shows at a readable zoom (about 6 layers).
    minWrap: 1600,
  });
  return r.positions;
}

function pruneSelection(sel: Selection, doc: GraphDocument): Selection {
  const nodes = [...sel.nodes].filter((id) => getId(doc.nodes, id) !== undefined);
  const edges = [...sel.edges].filter((id) => getId(doc.edges, id) !== undefined);
  const group = sel.group !== null && getId(doc.groups, sel.group) !== undefined ? sel.group : null;
  if (nodes.length === sel.nodes.size && edges.length === sel.edges.size && group === sel.group) return sel;
  return { nodes: new Set(nodes), edges: new Set(edges), group };
}

/** Every node of a block, nested blocks included. */
function membersOf(doc: GraphDocument, groupId: GroupId): NodeId[] {
  const inside = (g: GroupId | undefined): boolean => {
    const seen = new Set<GroupId>();
    for (let cur = g; cur !== undefined && !seen.has(cur); cur = getId(doc.groups, cur)?.parent) {
      if (cur === groupId) return true;
      seen.add(cur);
    }
    return false;
  };
  return Object.values(doc.nodes)
    .filter((n) => inside(n.group))
    .map((n) => n.id);
}

/** A free spot for a new node near `p` (stepping down until no node overlaps). */
function freeSpot(doc: GraphDocument, p: Position): Position {
  const rect = (x: number, y: number): Rect => ({ x, y, width: NODE_W, height: NODE_H });
  let y = p.y;
  for (let tries = 0; tries < 50; tries++) {
    const r = rect(p.x, y);
    if (!Object.values(doc.nodes).some((n) => rectsOverlap(r, rect(n.position.x, n.position.y)))) return { x: p.x, y };
    y += NODE_H + NODE_GAP;
  }
  return { x: p.x, y };
}

export function createEditorStore(options: EditorOptions = {}): EditorStore {
  const now = options.now ?? (() => Date.now());
  const layout = options.layout ?? elkLayout;
  const listeners = new Set<ChangeListener>();
  let lastCoalesce: { key: string; time: number; entryCount: number } | null = null;
  let pasteCount = 0;
  const initial = options.doc ?? emptyDocument();

  const store = createStore<EditorState & EditorActions>()((set, get) => {
    const emit = (doc: GraphDocument, diff: GraphDiff | null, source: ChangeSource): void => {
      for (const l of [...listeners]) {
        try {
          l(doc, diff, source);
        } catch (e) {
          console.error('skipwire: an onChange listener failed', e);
        }
      }
    };

    const say = (level: EditorMessage['level'], text: string): void => set({ message: { level, text, at: now() } });

    const commit = (r: OpResult, opts: EditOptions = {}): OpResult => {
      if (!r.ok) {
        say('error', r.error.message);
        return r;
      }
      if (isEmptyDiff(r.diff)) {
        if (opts.select !== undefined) get().select(opts.select);
        return r;
      }
      const s = get();
      const time = now();
      let history: History;
      const key = opts.coalesceKey;
      const last = s.history.past[s.history.past.length - 1];
      if (key !== undefined && lastCoalesce !== null && lastCoalesce.key === key && time - lastCoalesce.time <= COALESCE_MS && last !== undefined && lastCoalesce.entryCount === s.history.past.length && last.sealed !== true) {
        const squashed = composeDiffs(last.diff, r.diff);
        const past = s.history.past.slice(0, -1);
        history = isEmptyDiff(squashed) ? { ...s.history, past, future: [] } : { ...s.history, past: [...past, { ...last, diff: squashed, time }], future: [] };
      } else {
        history = pushHistory(s.history, r.diff, { time, ...(opts.label === undefined ? {} : { label: opts.label }), ...(key === undefined ? {} : { coalesce: false }) });
      }
      lastCoalesce = key === undefined ? null : { key, time, entryCount: history.past.length };
      const analysis = revalidate(s.analysis, r.doc, r.diff);
      let selection = pruneSelection(s.selection, r.doc);
      if (opts.select !== undefined) {
        selection = pruneSelection(
          { nodes: opts.select.nodes ?? new Set(), edges: opts.select.edges ?? new Set(), group: opts.select.group ?? null },
          r.doc,
        );
      }
      set({ doc: r.doc, analysis, history, selection });
      emit(r.doc, r.diff, 'edit');
      return r;
    };

    const edit = (step: Step, opts?: EditOptions): OpResult => commit(step(get().doc), opts);

    const single = (): NodeId | null => {
      const sel = get().selection;
      if (sel.nodes.size !== 1) return null;
      return [...sel.nodes][0] ?? null;
    };

    /** Nodes the selection stands for: selected nodes plus every member of a selected block. */
    const selectedNodeIds = (): NodeId[] => {
      const { selection, doc } = get();
      const ids = new Set(selection.nodes);
      if (selection.group !== null) for (const id of membersOf(doc, selection.group)) ids.add(id);
      return [...ids];
    };

    /**
     * Runs an edit that changes what is visible (collapse, expand, direction) and lays the result
     * out again, as ONE undo step; the canvas says it is busy meanwhile. If the document changed
     * while the layout ran, the edit is applied without moving anything.
     */
    const relaidEdit = async (step: Step, label: string, select: Partial<Selection>): Promise<void> => {
      const before = get().doc;
      const r = step(before);
      if (!r.ok) {
        say('error', r.error.message);
        return;
      }
      if (r.doc === before) return;
      set({ layoutBusy: true });
      try {
        let positions: Readonly<Record<NodeId, Position>> = {};
        try {
          positions = await layout(r.doc);
        } catch (e) {
          say('warning', `Auto-layout failed, kept the positions: ${e instanceof Error ? e.message : String(e)}`);
        }
        const stale = get().doc !== before;
        edit((d) => sequence(d, [step, (x) => moveNodes(x, { positions: stale ? {} : onlyKnown(x, positions) })]), { label, select });
      } finally {
        set({ layoutBusy: false });
      }
    };

    return {
      doc: initial,
      analysis: inferShapes(initial),
      history: createHistory(),
      selection: EMPTY_SELECTION,
      clipboard: null,
      pendingMerge: null,
      message: null,
      batchSize: 128,
      optimizer: 'momentum',
      layoutBusy: false,

      load(doc) {
        lastCoalesce = null;
        set({ doc, analysis: inferShapes(doc), history: createHistory(), selection: EMPTY_SELECTION, pendingMerge: null });
        emit(doc, null, 'load');
      },

      async loadLaidOut(doc) {
        set({ layoutBusy: true });
        let laid = doc;
        try {
          const positions = await layout(doc);
          const r = moveNodes(doc, { positions: onlyKnown(doc, positions) });
          if (r.ok) laid = r.doc;
        } catch (e) {
          say('warning', `Auto-layout failed, kept the template's positions: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          set({ layoutBusy: false });
        }
        get().load(laid);
      },

      replace(doc, label = 'Import') {
        const current = get().doc;
        const diff = diffDocuments(current, doc);
        return commit({ ok: true, doc, diff }, { label, select: {} });
      },

      edit,

      undo() {
        const s = get();
        const step = undoHistory(s.history, s.doc);
        if (step === undefined) return false;
        lastCoalesce = null;
        set({ doc: step.doc, history: step.history, analysis: revalidate(s.analysis, step.doc, step.diff), selection: pruneSelection(s.selection, step.doc), pendingMerge: null });
        emit(step.doc, step.diff, 'undo');
        return true;
      },

      redo() {
        const s = get();
        const step = redoHistory(s.history, s.doc);
        if (step === undefined) return false;
        lastCoalesce = null;
        set({ doc: step.doc, history: step.history, analysis: revalidate(s.analysis, step.doc, step.diff), selection: pruneSelection(s.selection, step.doc), pendingMerge: null });
        emit(step.doc, step.diff, 'redo');
        return true;
      },

      canUndo: () => canUndo(get().history),
      canRedo: () => canRedo(get().history),

      sealMoves() {
        const h = get().history;
        const sealed = sealHistory(h);
        if (sealed !== h) set({ history: sealed });
      },

      onChange(listener) {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },

      select(sel, mode = 'replace') {
        const cur = get().selection;
        const nodes = sel.nodes ?? new Set<NodeId>();
        const edges = sel.edges ?? new Set<EdgeId>();
        let next: Selection;
        if (mode === 'replace') next = { nodes: new Set(nodes), edges: new Set(edges), group: sel.group ?? null };
        else if (mode === 'add') next = { nodes: new Set([...cur.nodes, ...nodes]), edges: new Set([...cur.edges, ...edges]), group: sel.group ?? cur.group };
        else {
          const n = new Set(cur.nodes);
          for (const id of nodes) if (!n.delete(id)) n.add(id);
          const e = new Set(cur.edges);
          for (const id of edges) if (!e.delete(id)) e.add(id);
          next = { nodes: n, edges: e, group: sel.group !== undefined && sel.group === cur.group ? null : (sel.group ?? cur.group) };
        }
        set({ selection: pruneSelection(next, get().doc) });
      },

      selectAll() {
        const doc = get().doc;
        set({ selection: { nodes: new Set(Object.keys(doc.nodes)), edges: new Set(), group: null } });
      },

      clearSelection() {
        if (get().selection !== EMPTY_SELECTION) set({ selection: EMPTY_SELECTION });
      },

      addLayer(kind, position, opts = {}) {
        const def = getLayer(kind);
        if (def === undefined) {
          say('error', `unknown layer kind "${kind}"`);
          return null;
        }
        let id: NodeId | null = null;
        const from = opts.connectFrom;
        const steps: Step[] = [
          (d) => {
            const r = addNode(d, { kind, params: defaultParams(kind), position });
            if (r.ok) id = r.nodeId;
            return r;
          },
        ];
        if (from !== undefined) {
          steps.push((d) => {
            if (id === null) return { ok: true, doc: d, diff: emptyDiff() };
            const check = checkConnection(d, from, id);
            return check.ok && check.action === 'connect' ? connect(d, { source: from, target: id, targetPort: check.port }) : { ok: true, doc: d, diff: emptyDiff() };
          });
        }
        const r = edit((d) => sequence(d, steps), { label: `Add ${def.label}` });
        if (!r.ok || id === null) return null;
        get().select({ nodes: new Set([id]) });
        return id;
      },

      addLayerAtSelection(kind, fallback) {
        const def = getLayer(kind);
        const sel = single();
        const { doc, analysis } = get();
        const anchor = sel === null ? undefined : getId(doc.nodes, sel);
        if (def === undefined || anchor === undefined) return get().addLayer(kind, freeSpot(doc, fallback));
        const outs = analysis.index.outgoing.get(anchor.id) ?? [];
        const only = outs.length === 1 ? outs[0] : undefined;
        if (only !== undefined && def.arity.max !== 0 && def.arity.min <= 1) {
          // Insert into the chain: the anchor's single consumer moves right to make room.
          const right = Object.values(doc.nodes)
            .filter((n) => n.position.x > anchor.position.x)
            .map((n) => n.id);
          let id: NodeId | null = null;
          const r = edit(
            (d) =>
              sequence(d, [
                (x) => moveNodes(x, { ids: right, by: { x: STEP_X, y: 0 } }),
                (x) => {
                  const ins = insertBetween(x, { edgeId: only.id, kind, params: defaultParams(kind), position: { x: anchor.position.x + STEP_X, y: anchor.position.y } });
                  if (ins.ok) id = ins.nodeId;
                  return ins;
                },
              ]),
            { label: `Add ${def.label}` },
          );
          if (!r.ok || id === null) return null;
          get().select({ nodes: new Set([id]) });
          return id;
        }
        const spot = freeSpot(doc, { x: anchor.position.x + STEP_X, y: anchor.position.y });
        return get().addLayer(kind, spot, def.arity.max === 0 ? {} : { connectFrom: anchor.id });
      },

      moveNodes(positions) {
        commit(moveNodes(get().doc, { positions }), { label: 'Move' });
      },

      moveNodesBy(ids, by) {
        if (ids.length === 0 || (by.x === 0 && by.y === 0)) return;
        commit(moveNodes(get().doc, { ids, by }), { label: 'Move' });
      },

      connectNodes(source, target) {
        const { doc, analysis } = get();
        const check = checkConnection(doc, source, target, analysis.index);
        if (!check.ok) {
          say('error', `Cannot connect: ${check.reason}`);
          return 'refused';
        }
        if (check.action === 'merge') {
          set({ pendingMerge: { source, target } });
          return 'ask-merge';
        }
        const r = edit((d) => connect(d, { source, target, targetPort: check.port }), { label: 'Connect' });
        return r.ok ? 'connected' : 'refused';
      },

      resolveMerge(kind, place = 'after') {
        const pending = get().pendingMerge;
        set({ pendingMerge: null });
        if (pending === null) return null;
        const doc = get().doc;
        const t = getId(doc.nodes, pending.target);
        if (t === undefined) return null;
        const right = Object.values(doc.nodes)
          .filter((n) => (place === 'after' ? n.position.x > t.position.x : n.position.x >= t.position.x))
          .map((n) => n.id);
        const position = place === 'after' ? { x: t.position.x + STEP_X, y: t.position.y } : { x: t.position.x, y: t.position.y };
        const r = joinWithMerge(doc, { source: pending.source, target: pending.target, kind, place, position, makeRoom: { ids: right, by: { x: STEP_X, y: 0 } } });
        const done = commit(r, { label: kind === 'Add' ? 'Join with Add' : 'Join with Concat' });
        if (!done.ok || !r.ok) return null;
        get().select({ nodes: new Set([r.mergeId]) });
        return r.mergeId;
      },

      cancelMerge() {
        set({ pendingMerge: null });
      },

      deleteSelection() {
        const { selection, doc } = get();
        const nodes = selectedNodeIds();
        const gone = new Set(nodes);
        const edges = [...selection.edges].filter((id) => {
          const e = getId(doc.edges, id);
          return e !== undefined && !gone.has(e.source) && !gone.has(e.target);
        });
        const steps: Step[] = [];
        if (edges.length > 0) steps.push((d) => disconnect(d, { edgeIds: edges }));
        if (nodes.length > 0) steps.push((d) => removeNodes(d, { ids: nodes }));
        if (steps.length === 0) return;
        edit((d) => sequence(d, steps), { label: 'Delete', select: {} });
      },

      copy() {
        const ids = selectedNodeIds();
        if (ids.length === 0) return;
        pasteCount = 0;
        set({ clipboard: copyFragment(get().doc, ids) });
      },

      cut() {
        get().copy();
        get().deleteSelection();
      },

      paste() {
        const fragment = get().clipboard;
        if (fragment === null) return;
        pasteCount++;
        const r = pasteOp(get().doc, { fragment, offset: { x: 40 * pasteCount, y: (NODE_H + NODE_GAP) * pasteCount } });
        if (!r.ok) {
          say('error', r.error.message);
          return;
        }
        commit(r, { label: 'Paste', select: { nodes: new Set(Object.values(r.nodeIds)) } });
      },

      duplicate() {
        const ids = selectedNodeIds();
        if (ids.length === 0) return;
        const r = duplicateOp(get().doc, { nodeIds: ids, offset: { x: 40, y: NODE_H + NODE_GAP } });
        if (!r.ok) {
          say('error', r.error.message);
          return;
        }
        commit(r, { label: 'Duplicate', select: { nodes: new Set(Object.values(r.nodeIds)) } });
      },

      groupSelection(label) {
        const { selection, doc } = get();
        const nodeIds = [...selection.nodes];
        if (nodeIds.length === 0) {
          say('info', 'Select the layers to group into a block first.');
          return null;
        }
        const n = Object.keys(doc.groups).length + 1;
        const r = groupOp(doc, { nodeIds, label: label ?? `Block ${n}` });
        if (!r.ok) {
          say('error', r.error.message);
          return null;
        }
        commit(r, { label: 'Group', select: { group: r.groupId } });
        return r.groupId;
      },

      ungroup(groupId) {
        edit((d) => ungroupOp(d, { groupId }), { label: 'Ungroup', select: { nodes: new Set(membersOf(get().doc, groupId)) } });
      },

      async setCollapsed(groupId, collapsed) {
        const r = setCollapsedOp(get().doc, { groupId, collapsed });
        if (!r.ok) {
          say('error', r.error.message);
          return;
        }
        await relaidEdit((d) => setCollapsedOp(d, { groupId, collapsed }), collapsed ? 'Collapse' : 'Expand', { group: groupId });
      },

      async collapseTo(depth) {
        const label = depth === Infinity ? 'Expand all' : depth === 0 ? 'Collapse all' : `Collapse to depth ${depth}`;
        if (Object.keys(get().doc.groups).length === 0) {
          say('info', 'This network has no blocks: select layers and Group them (Ctrl/Cmd+G) to make one.');
          return;
        }
        await relaidEdit((d) => collapseToDepth(d, depth), label, {});
      },

      async setDirection(direction) {
        await relaidEdit((d) => setMetaOp(d, { view: { direction } }), direction === 'TB' ? 'Lay out top to bottom' : 'Lay out left to right', {});
      },

      setRepeat(groupId, repeat) {
        edit((d) => setRepeatOp(d, { groupId, repeat }), { label: 'Repeat', coalesceKey: `repeat:${groupId}` });
      },

      renameGroup(groupId, label) {
        edit((d) => renameGroupOp(d, { groupId, label }), { label: 'Rename block', coalesceKey: `rename-group:${groupId}` });
      },

      updateParams(nodeId, patch) {
        edit((d) => updateNode(d, { id: nodeId, params: patch }), { label: 'Edit params', coalesceKey: `params:${nodeId}:${Object.keys(patch).sort().join(',')}` });
      },

      renameNode(nodeId, label) {
        edit((d) => updateNode(d, { id: nodeId, label: label === null || label.trim() === '' ? null : label }), { label: 'Rename', coalesceKey: `rename:${nodeId}` });
      },

      switchMerge(nodeId, kind) {
        edit((d) => updateNode(d, { id: nodeId, kind }), { label: `Switch to ${kind}` });
      },

      setInput(input) {
        edit((d) => setInputOp(d, input), { label: 'Input size', coalesceKey: 'input' });
      },

      setMeta(patch) {
        edit((d) => setMetaOp(d, patch), { label: 'Document', coalesceKey: `meta:${Object.keys(patch).sort().join(',')}` });
      },

      applyFix(fix) {
        let r: OpResult;
        try {
          r = fix.apply(get().doc);
        } catch (e) {
          say('error', `The fix “${fix.label}” failed: ${e instanceof Error ? e.message : String(e)}`);
          return false;
        }
        const added = r.ok ? Object.keys(r.diff.nodes.added) : [];
        return commit(r, { label: fix.label, ...(added.length > 0 ? { select: { nodes: new Set(added) } } : {}) }).ok;
      },

      async autoLayout() {
        const before = get().doc;
        if (Object.keys(before.nodes).length === 0) return false;
        set({ layoutBusy: true });
        try {
          const positions = await layout(before);
          if (get().doc !== before) return false;
          return edit((d) => moveNodes(d, { positions: onlyKnown(d, positions) }), { label: 'Auto-layout' }).ok;
        } catch (e) {
          say('error', `Auto-layout failed: ${e instanceof Error ? e.message : String(e)}`);
          return false;
        } finally {
          set({ layoutBusy: false });
        }
      },

      setBatchSize(n) {
        if (Number.isFinite(n) && n >= 1) set({ batchSize: Math.min(1_000_000, Math.floor(n)) });
      },

      setOptimizer(o) {
        set({ optimizer: o });
      },

      say,
    };
  });
  return store;
}

function onlyKnown(doc: GraphDocument, positions: Readonly<Record<NodeId, Position>>): Record<NodeId, Position> {
  const out: Record<NodeId, Position> = {};
  for (const [id, p] of Object.entries(positions)) {
    const n = getId(doc.nodes, id);
    if (n !== undefined && (n.position.x !== p.x || n.position.y !== p.y)) out[id] = p;
  }
  return out;
}
