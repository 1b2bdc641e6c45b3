import { describe, expect, it } from 'vitest';
import { emptyDocument } from './document.js';
import type { GraphDocument } from './document.js';
import { DEFAULT_LAYOUT, layoutDocument } from './layout.js';

function residualDoc(collapsed: boolean): GraphDocument {
  const d = emptyDocument('res');
  const add = (id: string, kind: string, group?: string): void => {
    d.nodes[id] = { id, kind, params: {}, position: { x: 0, y: 0 }, ...(group !== undefined ? { group } : {}) };
  };
  add('input', 'Input');
  add('conv1', 'Conv2D', 'b1');
  add('bn1', 'BatchNorm', 'b1');
  add('relu1', 'ReLU', 'b1');
  add('conv2', 'Conv2D', 'b1');
  add('add', 'Add', 'b1');
  add('head', 'ClassificationHead');
  d.groups.b1 = { id: 'b1', label: 'Block 1', collapsed, repeat: 1 };
  const link = (id: string, s: string, t: string, port = 0): void => {
    d.edges[id] = { id, source: s, target: t, targetPort: port };
  };
  link('e1', 'input', 'conv1');
  link('e2', 'conv1', 'bn1');
  link('e3', 'bn1', 'relu1');
  link('e4', 'relu1', 'conv2');
  link('e5', 'conv2', 'add');
  link('skip', 'input', 'add', 1);
  link('e6', 'add', 'head');
  return d;
}

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) < DEFAULT_LAYOUT.nodeWidth && Math.abs(a.y - b.y) < DEFAULT_LAYOUT.nodeHeight;
}

describe('layoutDocument', () => {
  it('lays a residual block out left to right without overlaps, inside its block frame', async () => {
    const { positions, groups } = await layoutDocument(residualDoc(false));
    const ids = Object.keys(positions);
    expect(ids.sort()).toEqual(['add', 'bn1', 'conv1', 'conv2', 'head', 'input', 'relu1']);
    const x = (id: string): number => positions[id]?.x ?? NaN;
    for (const [a, b] of [['input', 'conv1'], ['conv1', 'bn1'], ['bn1', 'relu1'], ['relu1', 'conv2'], ['conv2', 'add'], ['add', 'head']] as const) {
      expect(x(a)).toBeLessThan(x(b));
    }
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const a = positions[ids[i] ?? ''];
        const b = positions[ids[j] ?? ''];
        if (a !== undefined && b !== undefined) expect(overlaps(a, b), `${ids[i]} overlaps ${ids[j]}`).toBe(false);
      }
    const frame = groups.b1;
    expect(frame).toBeDefined();
    const c1 = positions.conv1;
    if (frame !== undefined && c1 !== undefined) {
      expect(c1.x).toBeGreaterThanOrEqual(frame.x);
      expect(c1.x + DEFAULT_LAYOUT.nodeWidth).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
    }
  });

  it('treats a collapsed block as one node', async () => {
    const { positions } = await layoutDocument(residualDoc(true));
    expect(positions.conv1).toEqual(positions.add);
    expect(positions.input?.x).toBeLessThan(positions.conv1?.x ?? -1);
    expect(positions.conv1?.x).toBeLessThan(positions.head?.x ?? -1);
  });

  it('keeps the asked spacing between layers inside an expanded block too', async () => {
    const layerGap = 140;
    const { positions } = await layoutDocument(residualDoc(false), { layerGap });
    const x = (id: string): number => positions[id]?.x ?? NaN;
    for (const [a, b] of [['conv1', 'bn1'], ['bn1', 'relu1'], ['relu1', 'conv2']] as const) {
      expect(x(b) - x(a) - DEFAULT_LAYOUT.nodeWidth, `${a} → ${b}`).toBeGreaterThanOrEqual(layerGap - 0.5);
    }
  });
});
