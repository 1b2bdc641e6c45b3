import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../src-shared/graph/document.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { group, setCollapsed, updateNode } from '../../src-shared/graph/ops.js';
import { buildGraph } from '../../src-shared/graph/sample-graphs.js';
import { FRAME_PAD, LANE_BASE, NODE_H, NODE_W } from './geometry.js';
import { EMPTY_SELECTION } from './store.js';
import { createViewModel, errorEdges, groupOfFlowNode } from './view-model.js';

/** x → c1 → r → c2 → add(·, x) → out, laid out on one row, with c1..add in block "res". */
function residual(): GraphDocument {
  const doc = buildGraph({ height: 8, width: 8, channels: 4 }, (b) => {
    b.add('Input', {}, { id: 'x' });
    b.add('Conv2D', { filters: 4 }, { id: 'c1' });
    b.connect('x', 'c1');
    b.add('ReLU', {}, { id: 'r' });
    b.connect('c1', 'r');
    b.add('Conv2D', { filters: 4 }, { id: 'c2' });
    b.connect('r', 'c2');
    b.add('Add', {}, { id: 'add' });
    b.connect('c2', 'add', 0);
    b.connect('x', 'add', 1);
    b.add('ReLU', {}, { id: 'out' });
    b.connect('add', 'out');
  });
  ['x', 'c1', 'r', 'c2', 'add', 'out'].forEach((id, i) => {
    const n = doc.nodes[id];
    if (n !== undefined) n.position = { x: i * 300, y: 100 };
  });
  const g = group(doc, { nodeIds: ['c1', 'r', 'c2', 'add'], label: 'res', id: 'res' });
  if (!g.ok) throw new Error(g.error.message);
  return g.doc;
}

describe('view model', () => {
  it('draws every layer, a frame around an expanded block, and the skip on a lane above the frame', () => {
    const doc = residual();
    const view = createViewModel()({ doc, analysis: inferShapes(doc), selection: EMPTY_SELECTION });
    expect(view.nodes.map((n) => n.id).sort()).toEqual(['add', 'c1', 'c2', 'frame:res', 'out', 'r', 'x']);
    const frame = view.nodes.find((n) => n.id === 'frame:res');
    expect(frame?.position).toEqual({ x: 300 - FRAME_PAD.side, y: 100 - FRAME_PAD.top });
    expect(frame?.width).toBe(900 + NODE_W + 2 * FRAME_PAD.side);
    expect(frame?.height).toBe(NODE_H + FRAME_PAD.top + FRAME_PAD.bottom);
    expect(view.nodes[0]?.id).toBe('frame:res');
    const skip = view.edges.find((e) => e.source === 'x' && e.target === 'add');
    expect(skip?.data).toMatchObject({ role: 'skip', level: 1, lane: 100 - FRAME_PAD.top - LANE_BASE });
    expect(view.edges.filter((e) => e.data?.role === 'main')).toHaveLength(5);
  });

  it('a collapsed block is one node; edges attach to it and edges inside it vanish', () => {
    const c = setCollapsed(residual(), { groupId: 'res', collapsed: true });
    if (!c.ok) throw new Error(c.error.message);
    const view = createViewModel()({ doc: c.doc, analysis: inferShapes(c.doc), selection: { ...EMPTY_SELECTION, group: 'res' } });
    expect(view.nodes.map((n) => n.id).sort()).toEqual(['block:res', 'out', 'x']);
    const block = view.nodes.find((n) => n.id === 'block:res');
    expect(block).toMatchObject({ type: 'block', position: { x: 300, y: 100 }, selected: true });
    expect(groupOfFlowNode('block:res')).toBe('res');
    // x → c1 and x → add both become x → block: drawn once, counting two.
    const into = view.edges.filter((e) => e.target === 'block:res');
    expect(into).toHaveLength(1);
    expect(into[0]?.data?.count).toBe(2);
    expect(view.edges.filter((e) => e.source === 'block:res' && e.target === 'out')).toHaveLength(1);
    expect(view.owner.get('c2')).toBe('block:res');
  });

  it('reuses flow objects that did not change, and marks edges named by an error', () => {
    const doc = residual();
    const vm = createViewModel();
    const a = inferShapes(doc);
    const first = vm({ doc, analysis: a, selection: EMPTY_SELECTION });
    const u = updateNode(doc, { id: 'c2', params: { filters: 8 } }); // the Add now mismatches
    if (!u.ok) throw new Error(u.error.message);
    const a2 = inferShapes(u.doc);
    const second = vm({ doc: u.doc, analysis: a2, selection: { ...EMPTY_SELECTION, nodes: new Set(['x']) } });
    const same = (id: string): boolean => first.nodes.find((n) => n.id === id) === second.nodes.find((n) => n.id === id);
    expect(same('r')).toBe(true);
    expect(same('c2')).toBe(false);
    expect(same('x')).toBe(false); // selected now
    expect(second.nodes.find((n) => n.id === 'x')?.selected).toBe(true);
    const red = second.edges.filter((e) => e.data?.error === true).map((e) => e.id);
    expect(red.sort()).toEqual([...errorEdges(a2)].sort());
    expect(red).toHaveLength(2);
    expect(second.edges.find((e) => e.id === red[0])?.className).toContain('error');
  });

  it('draws nothing for an empty document', () => {
    const doc = emptyDocument();
    expect(createViewModel()({ doc, analysis: inferShapes(doc), selection: EMPTY_SELECTION })).toMatchObject({ nodes: [], edges: [] });
  });

  it('bundles the skips into a merge fed by three or more on one lane; a chain wrapped to the next row runs between the rows', () => {
    // x → a → b → c → cat(c, x, a, b): three skips into one concatenation (a dense block's join).
    const doc = buildGraph({ height: 8, width: 8, channels: 4 }, (b) => {
      b.add('Input', {}, { id: 'x' });
      b.add('Conv2D', { filters: 4, padding: 'same' }, { id: 'a' });
      b.connect('x', 'a');
      b.add('Conv2D', { filters: 4, padding: 'same' }, { id: 'b' });
      b.connect('a', 'b');
      b.add('Conv2D', { filters: 4, padding: 'same' }, { id: 'c' });
      b.connect('b', 'c');
      b.add('Concat', {}, { id: 'cat' });
      b.connect('c', 'cat', 0);
      b.connect('x', 'cat', 1);
      b.connect('a', 'cat', 2);
      b.connect('b', 'cat', 3);
    });
    ['x', 'a', 'b', 'c', 'cat'].forEach((id, i) => {
      const n = doc.nodes[id];
      // Wrapped after b: c and cat start the next row.
      if (n !== undefined) n.position = i < 3 ? { x: i * 300, y: 100 } : { x: (i - 3) * 300, y: 400 };
    });
    const view = createViewModel()({ doc, analysis: inferShapes(doc), selection: EMPTY_SELECTION });
    const skips = view.edges.filter((e) => e.target === 'cat' && e.data?.role !== 'main');
    expect(skips).toHaveLength(3);
    // a and b reach cat, which starts left of their ends on the next row: they wrap (lane between
    // the rows), as b → c, the main path, does; x ends before cat starts and keeps a skip lane.
    const wrapped = view.edges.filter((e) => e.data?.wrap === true).map((e) => e.source).sort();
    expect(wrapped).toEqual(['a', 'b', 'b']);
    for (const e of view.edges.filter((x) => x.data?.wrap === true)) {
      expect(e.data?.lane).toBeGreaterThan(100 + NODE_H);
      expect(e.data?.lane).toBeLessThan(400);
    }
    // Laid out on one row instead, the three skips share the outermost lane: one bundle.
    const flat = structuredClone(doc);
    ['x', 'a', 'b', 'c', 'cat'].forEach((id, i) => {
      const n = flat.nodes[id];
      if (n !== undefined) n.position = { x: i * 300, y: 100 };
    });
    const one = createViewModel()({ doc: flat, analysis: inferShapes(flat), selection: EMPTY_SELECTION });
    const lanes = one.edges.filter((e) => e.target === 'cat' && e.data?.role !== 'main').map((e) => e.data?.lane);
    expect(lanes).toHaveLength(3);
    expect(new Set(lanes).size).toBe(1);
    expect(one.edges.filter((e) => e.className?.includes('bundle') === true)).toHaveLength(3);
  });
});
