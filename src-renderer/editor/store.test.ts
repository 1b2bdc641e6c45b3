import { describe, expect, it } from 'vitest';
import { applyDiff } from '../../src-shared/graph/diff.js';
import type { GraphDiff } from '../../src-shared/graph/diff.js';
import { emptyDocument } from '../../src-shared/graph/document.js';
import type { GraphDocument, NodeId, Position } from '../../src-shared/graph/document.js';
import { fixesFor } from '../../src-shared/graph/fixes.js';
import { diagnosticsOf, inferShapes } from '../../src-shared/graph/infer.js';
import { cifarResNet } from '../../src-shared/graph/sample-graphs.js';
import { createEditorStore } from './store.js';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import { NODE_H, NODE_W, rectsOverlap } from './geometry.js';
import type { ChangeSource, EditorStore } from './store.js';

function clock(): { now: () => number; tick: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, tick: (ms) => (t += ms) };
}

/** A store with Input → Conv2D → BatchNorm → ReLU → Conv2D built through its own actions. */
function chain(store: EditorStore): NodeId[] {
  const s = store.getState();
  const ids = ['Input', 'Conv2D', 'BatchNorm', 'ReLU', 'Conv2D'].map((k, i) => s.addLayer(k, { x: i * 300, y: 0 }) ?? '');
  for (let i = 0; i + 1 < ids.length; i++) expect(s.connectNodes(ids[i] ?? '', ids[i + 1] ?? '')).toBe('connected');
  return ids;
}

const stubLayout = (doc: GraphDocument): Promise<Record<NodeId, Position>> => {
  const out: Record<NodeId, Position> = {};
  inferShapes(doc).order.forEach((id, i) => (out[id] = { x: i * 300, y: 0 }));
  return Promise.resolve(out);
};

describe('editor store', () => {
  it('adds and wires layers through the model; the analysis follows every edit', () => {
    const store = createEditorStore();
    const ids = chain(store);
    expect(ids).toEqual(['input_1', 'conv2d_1', 'batchnorm_1', 'relu_1', 'conv2d_2']);
    const a = store.getState().analysis;
    expect(a.nodes.get('conv2d_2')?.shape).toEqual([32, 32, 64]);
    expect(a).toEqual(expect.objectContaining({ doc: store.getState().doc }));
    store.getState().updateParams('conv2d_1', { filters: 16 });
    expect(store.getState().analysis.nodes.get('relu_1')?.shape).toEqual([32, 32, 16]);
    // The analysis is the incremental one, and equals a full pass.
    expect([...store.getState().analysis.nodes.entries()].map(([id, i]) => [id, i.shape])).toEqual(
      [...inferShapes(store.getState().doc).nodes.entries()].map(([id, i]) => [id, i.shape]),
    );
  });

  it('undoes back to the empty document and redoes forward, one step per edit', () => {
    const store = createEditorStore();
    chain(store);
    const full = store.getState().doc;
    let steps = 0;
    while (store.getState().undo()) steps++;
    expect(steps).toBe(9);
    expect(Object.keys(store.getState().doc.nodes)).toHaveLength(0);
    expect(store.getState().canUndo()).toBe(false);
    while (store.getState().redo()) steps--;
    expect(steps).toBe(0);
    expect(store.getState().doc).toEqual(full);
  });

  it('folds typing into one field into one undo step, but not edits far apart or of other fields', () => {
    const c = clock();
    const store = createEditorStore({ now: c.now });
    chain(store);
    const before = store.getState().history.past.length;
    for (const f of [1, 12, 128]) {
      store.getState().updateParams('conv2d_1', { filters: f });
      c.tick(200);
    }
    expect(store.getState().history.past.length).toBe(before + 1);
    store.getState().updateParams('conv2d_1', { stride: 2 });
    expect(store.getState().history.past.length).toBe(before + 2);
    c.tick(5_000);
    store.getState().updateParams('conv2d_1', { stride: 1 });
    expect(store.getState().history.past.length).toBe(before + 3);
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().doc.nodes.conv2d_1?.params.filters).toBe(128);
    store.getState().undo();
    expect(store.getState().doc.nodes.conv2d_1?.params.filters).toBe(64);
  });

  it('tells onChange subscribers every change with its diff (load: null)', () => {
    const store = createEditorStore();
    const heard: [ChangeSource, GraphDiff | null, GraphDocument][] = [];
    const off = store.getState().onChange((doc, diff, source) => heard.push([source, diff, doc]));
    const before = store.getState().doc;
    store.getState().addLayer('Input', { x: 0, y: 0 });
    store.getState().undo();
    store.getState().redo();
    store.getState().load(emptyDocument('other'));
    off();
    store.getState().addLayer('ReLU', { x: 0, y: 0 });
    expect(heard.map(([s]) => s)).toEqual(['edit', 'undo', 'redo', 'load']);
    const [, diff, doc] = heard[0] ?? [];
    expect(diff !== null && diff !== undefined && applyDiff(before, diff)).toEqual(doc);
    expect(heard[3]?.[1]).toBeNull();
    expect(store.getState().canUndo()).toBe(true); // the ReLU after the load
  });

  it('asks Add or Concat when the target already has its input, and joins after it', () => {
    const store = createEditorStore({ doc: emptyDocument('t', { height: 32, width: 32, channels: 64 }) });
    chain(store);
    const s = store.getState();
    expect(s.connectNodes('input_1', 'conv2d_2')).toBe('ask-merge');
    expect(store.getState().pendingMerge).toEqual({ source: 'input_1', target: 'conv2d_2' });
    const add = store.getState().resolveMerge('Add');
    expect(add).toBe('add_1');
    const a = store.getState().analysis;
    expect(a.nodes.get('add_1')?.shape).toEqual([32, 32, 64]);
    expect(store.getState().selection.nodes).toEqual(new Set(['add_1']));
    // stride 2 on the residual branch: the Add names both shapes, and the projection fix resolves it.
    store.getState().updateParams('conv2d_1', { stride: 2 });
    const d = diagnosticsOf(store.getState().analysis).find((x) => x.code === 'merge-shape-mismatch');
    expect(d?.message).toContain('[16,16,64]');
    expect(d?.message).toContain('[32,32,64]');
    const fix = d === undefined ? undefined : fixesFor(store.getState().analysis, d).find((f) => f.id === 'insert-projection');
    expect(fix).toBeDefined();
    if (fix === undefined) return;
    expect(store.getState().applyFix(fix)).toBe(true);
    expect(diagnosticsOf(store.getState().analysis).filter((x) => x.severity === 'error')).toEqual([]);
    // the merge can be switched later
    store.getState().switchMerge('add_1', 'Concat');
    expect(store.getState().analysis.nodes.get('add_1')?.shape).toEqual([16, 16, 128]);
  });

  it('refuses cycles and inputs into an Input with a one-line reason, changing nothing', () => {
    const store = createEditorStore();
    chain(store);
    const doc = store.getState().doc;
    expect(store.getState().connectNodes('conv2d_2', 'conv2d_1')).toBe('refused');
    expect(store.getState().message?.text).toMatch(/^Cannot connect: would make a cycle: /);
    expect(store.getState().connectNodes('relu_1', 'input_1')).toBe('refused');
    expect(store.getState().message?.text).toBe('Cannot connect: Input "input_1" takes no inputs');
    expect(store.getState().doc).toBe(doc);
  });

  it('adds at the selection: after a chain end it wires from it; inside a chain it inserts', () => {
    const store = createEditorStore();
    const s = store.getState();
    const input = s.addLayerAtSelection('Input', { x: 0, y: 0 });
    const conv = store.getState().addLayerAtSelection('Conv2D', { x: 0, y: 0 });
    const relu = store.getState().addLayerAtSelection('ReLU', { x: 0, y: 0 });
    expect([input, conv, relu]).toEqual(['input_1', 'conv2d_1', 'relu_1']);
    expect(store.getState().analysis.nodes.get('relu_1')?.inputs[0]?.sourceId).toBe('conv2d_1');
    store.getState().select({ nodes: new Set(['conv2d_1']) });
    const bn = store.getState().addLayerAtSelection('BatchNorm', { x: 0, y: 0 });
    const a = store.getState().analysis;
    expect(a.nodes.get(bn ?? '')?.inputs[0]?.sourceId).toBe('conv2d_1');
    expect(a.nodes.get('relu_1')?.inputs[0]?.sourceId).toBe(bn);
    const x = (id: string): number => store.getState().doc.nodes[id]?.position.x ?? NaN;
    expect(x('conv2d_1')).toBeLessThan(x(bn ?? ''));
    expect(x(bn ?? '')).toBeLessThan(x('relu_1'));
  });

  it('copies, pastes (fresh ids, offset), duplicates and deletes the selection', () => {
    const store = createEditorStore();
    chain(store);
    store.getState().select({ nodes: new Set(['conv2d_1', 'batchnorm_1']) });
    store.getState().copy();
    store.getState().paste();
    const sel = [...store.getState().selection.nodes].sort();
    expect(sel).toEqual(['batchnorm_2', 'conv2d_3']);
    expect(store.getState().analysis.nodes.get('batchnorm_2')?.inputs[0]?.sourceId).toBe('conv2d_3');
    store.getState().duplicate();
    expect(Object.keys(store.getState().doc.nodes)).toHaveLength(9);
    store.getState().deleteSelection();
    expect(Object.keys(store.getState().doc.nodes)).toHaveLength(7);
    store.getState().select({ edges: new Set(['e_1']) });
    store.getState().deleteSelection();
    expect(store.getState().doc.edges.e_1).toBeUndefined();
    store.getState().cut();
  });

  it('groups into a block, renames it, repeats it ×N, collapses and expands it, ungroups it', async () => {
    const store = createEditorStore({ layout: stubLayout });
    chain(store);
    store.getState().select({ nodes: new Set(['conv2d_1', 'batchnorm_1', 'relu_1']) });
    const g = store.getState().groupSelection();
    expect(g).toBe('block_1');
    if (g === null) return;
    expect(store.getState().selection.group).toBe(g);
    store.getState().renameGroup(g, 'Stem');
    store.getState().setRepeat(g, 3);
    expect(store.getState().doc.groups[g]).toMatchObject({ label: 'Stem', repeat: 3, collapsed: false });
    await store.getState().setCollapsed(g, true);
    expect(store.getState().doc.groups[g]?.collapsed).toBe(true);
    // A layout while collapsed stacks the members; expanding lays the graph out again, in one undo step.
    await store.getState().autoLayout();
    const stacked = structuredClone(store.getState().doc);
    for (const id of ['conv2d_1', 'batchnorm_1', 'relu_1']) {
      const n = stacked.nodes[id];
      if (n !== undefined) n.position = { x: 500, y: 500 };
    }
    store.getState().load(stacked);
    await store.getState().setCollapsed(g, false);
    expect(store.getState().doc.groups[g]?.collapsed).toBe(false);
    const nodes = Object.values(store.getState().doc.nodes);
    const box = (p: Position) => ({ x: p.x, y: p.y, width: NODE_W, height: NODE_H });
    for (const a of nodes) for (const b of nodes) if (a !== b) expect(rectsOverlap(box(a.position), box(b.position)), `${a.id} on ${b.id}`).toBe(false);
    expect(store.getState().history.past).toHaveLength(1);
    store.getState().ungroup(g);
    expect(store.getState().doc.groups[g]).toBeUndefined();
    expect(store.getState().selection.nodes.size).toBe(3);
  });

  it('auto-layout moves nodes as one undoable edit; import replaces the document undoably', async () => {
    const store = createEditorStore({ layout: stubLayout });
    store.getState().load(cifarResNet(1));
    expect(await store.getState().autoLayout()).toBe(true);
    expect(store.getState().history.past).toHaveLength(1);
    expect(store.getState().history.past[0]?.label).toBe('Auto-layout');
    const laid = store.getState().doc;
    store.getState().replace(emptyDocument('imported'));
    expect(store.getState().doc.meta.name).toBe('imported');
    store.getState().undo();
    expect(store.getState().doc).toEqual(laid);
  });

  it('lays a template out before loading it (no undo step), and keeps batch size and optimizer', async () => {
    const store = createEditorStore({ layout: stubLayout });
    await store.getState().loadLaidOut(cifarResNet(1));
    expect(store.getState().canUndo()).toBe(false);
    expect(store.getState().doc.nodes.input?.position).toEqual({ x: 0, y: 0 });
    store.getState().setBatchSize(64);
    store.getState().setBatchSize(0);
    store.getState().setOptimizer('adam');
    expect(store.getState()).toMatchObject({ batchSize: 64, optimizer: 'adam' });
  });

  it('opens a network to a depth, expands all, collapses all, each one undo step laid out again', async () => {
    const store = createEditorStore();
    const r = generateTemplate('resnet', { depth: 20 });
    if (!r.ok) throw new Error('template');
    await store.getState().loadLaidOut(r.doc);
    // A template opens with its blocks collapsed: the stages are what one reads first.
    expect(store.getState().doc.groups.stage1?.collapsed).toBe(true);
    const collapsedAt = structuredClone(store.getState().doc);
    await store.getState().collapseTo(Infinity);
    const s = store.getState();
    expect(Object.values(s.doc.groups).every((g) => !g.collapsed)).toBe(true);
    expect(s.history.past.at(-1)?.label).toBe('Expand all');
    // Expanded, no two layers overlap and the chain no longer runs in one line.
    const pos = Object.values(s.doc.nodes).map((n) => n.position);
    const ys = new Set(pos.map((p) => p.y));
    expect(ys.size).toBeGreaterThan(3);
    await store.getState().collapseTo(1);
    expect(store.getState().doc.groups.stage2?.collapsed).toBe(false);
    expect(store.getState().doc.groups.s2b1?.collapsed).toBe(true);
    await store.getState().collapseTo(0);
    expect(store.getState().history.past.at(-1)?.label).toBe('Collapse all');
    store.getState().undo();
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().doc).toEqual(collapsedAt);
  });

  it('switches the layout direction, kept in the document, undoably', async () => {
    const store = createEditorStore();
    const r = generateTemplate('resnet', { depth: 20 });
    if (!r.ok) throw new Error('template');
    await store.getState().loadLaidOut(r.doc);
    const x = (id: string) => store.getState().doc.nodes[id]?.position ?? { x: NaN, y: NaN };
    expect(x('stem_conv1').x).toBeGreaterThan(x('input').x);
    await store.getState().setDirection('TB');
    expect(store.getState().doc.meta.view).toEqual({ direction: 'TB' });
    expect(x('stem_conv1').y).toBeGreaterThan(x('input').y);
    expect(x('stem_conv1').x).toBe(x('input').x);
    store.getState().undo();
    expect(store.getState().doc.meta.view).toBeUndefined();
  });
});
