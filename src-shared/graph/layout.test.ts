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

// ---------------------------------------------------------------------------------------------
// Networks of the papers: wrapping, the U, both directions.

import { generateTemplate } from '../templates/registry.js';
import { collapseToDepth } from './hierarchy.js';

const CANVAS = { nodeWidth: 172, nodeHeight: 64, blockWidth: 212, blockHeight: 84, layerGap: 92, nodeGap: 40, aspect: 1.6, laneRoom: 56, wrapGap: 70, minWrap: 1600 };

function templateAt(id: string, options: Record<string, unknown>, depth: number): GraphDocument {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(id);
  const c = collapseToDepth(r.doc, depth);
  if (!c.ok) throw new Error('collapse');
  return c.doc;
}

type Box = { x: number; y: number; width: number; height: number };
const inside = (p: { x: number; y: number }, b: Box, w: number, h: number): boolean => p.x >= b.x - 0.5 && p.y >= b.y - 0.5 && p.x + w <= b.x + b.width + 0.5 && p.y + h <= b.y + b.height + 0.5;
const apart = (a: Box, b: Box): boolean => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

describe('layoutDocument on the papers’ networks', () => {
  it('wraps a fully expanded ResNet-110 into rows without splitting a unit or overlapping anything', async () => {
    const doc = templateAt('resnet', { depth: 110 }, Infinity);
    const { positions, groups } = await layoutDocument(doc, CANVAS);
    const ids = Object.keys(doc.nodes);
    expect(Object.keys(positions)).toHaveLength(ids.length);
    const box = (id: string): Box => ({ ...(positions[id] as { x: number; y: number }), width: CANVAS.nodeWidth, height: CANVAS.nodeHeight });
    // No two layers overlap (sorted sweep keeps this fast).
    const sorted = ids.map(box).sort((a, b) => a.x - b.x);
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length && (sorted[j] as Box).x < (sorted[i] as Box).x + CANVAS.nodeWidth; j++) expect(apart(sorted[i] as Box, sorted[j] as Box)).toBe(true);
    // Every layer sits inside its unit's frame and every unit's frame inside its stage's; units of a stage never overlap.
    for (const n of Object.values(doc.nodes)) if (n.group !== undefined) expect(inside(positions[n.id] as { x: number; y: number }, groups[n.group] as Box, CANVAS.nodeWidth, CANVAS.nodeHeight), n.id).toBe(true);
    for (let s = 1; s <= 3; s++) {
      const units = Array.from({ length: 18 }, (_, i) => groups[`s${s}b${i + 1}`] as Box);
      for (const u of units) expect(inside(u, groups[`stage${s}`] as Box, u.width, u.height)).toBe(true);
      for (let i = 0; i < units.length; i++) for (let j = i + 1; j < units.length; j++) expect(apart(units[i] as Box, units[j] as Box)).toBe(true);
      // A unit is one row (its shortcut below the main path), never cut across rows.
      for (const u of units) expect(u.height).toBeLessThan(520);
    }
    // Wrapped: the drawing is closer to the window's shape than to a line.
    const xs = ids.map((id) => positions[id]?.x ?? 0);
    const ys = ids.map((id) => positions[id]?.y ?? 0);
    const ratio = (Math.max(...xs) - Math.min(...xs)) / (Math.max(...ys) - Math.min(...ys));
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(5);
  });

  it('never wraps inside a dense layer: the concatenated shortcut from outside crosses every cut', async () => {
    const doc = templateAt('densenet-bc', {}, Infinity);
    const { positions, groups } = await layoutDocument(doc, CANVAS);
    for (const unit of ['d1l1', 'd2l5', 'd3l16']) {
      expect(groups[unit]?.height, unit).toBeLessThan(CANVAS.nodeHeight + 150);
      expect(positions[`${unit}_cat`]?.y).toBe(positions[`${unit}_bn1`]?.y);
    }
  });

  it('lays a U-Net out as a U: each level a row, encoder left and decoder right at the same height, the bottom lowest', async () => {
    const doc = templateAt('unet', { depth: 4 }, 0);
    const { positions, uShape } = await layoutDocument(doc, CANVAS);
    expect(uShape).toBe(true);
    const at = (id: string) => positions[id] as { x: number; y: number };
    for (let l = 1; l <= 4; l++) {
      // The encoder block's position is its members'; the decoder of the same level sits level with it.
      expect(at(`dec${l}_up`).y, `level ${l}`).toBe(at(`enc${l}_pool`).y);
      expect(at(`dec${l}_up`).x).toBeGreaterThan(at(`enc${l}_pool`).x);
      if (l > 1) expect(at(`enc${l}_pool`).y).toBeGreaterThan(at(`enc${l - 1}_pool`).y);
    }
    expect(at('mid_conv1').y).toBeGreaterThan(at('enc4_pool').y);
    expect(at('head').y).toBe(at('input').y);
  });

  it('keeps a U-Net a U when expanded: every long skip runs between blocks at one height', async () => {
    const doc = templateAt('unet', { depth: 3 }, Infinity);
    const { groups, uShape } = await layoutDocument(doc, CANVAS);
    expect(uShape).toBe(true);
    for (let l = 1; l <= 3; l++) {
      const enc = groups[`enc${l}`] as Box;
      const dec = groups[`dec${l}`] as Box;
      expect(dec.x).toBeGreaterThan(enc.x + enc.width);
      // Rows are centred per level.
      expect(Math.abs(enc.y + enc.height / 2 - (dec.y + dec.height / 2))).toBeLessThan(Math.max(enc.height, dec.height) / 2);
    }
  });

  it('runs top to bottom when asked: the flow goes down, collapsed blocks one below the other', async () => {
    const doc = templateAt('resnet', { depth: 20 }, 0);
    const { positions } = await layoutDocument(doc, { ...CANVAS, direction: 'TB' });
    const y = (id: string): number => positions[id]?.y ?? NaN;
    const chain = ['input', 'stem_conv1', 's1b1_conv1', 's2b1_conv1', 's3b1_conv1'];
    for (let i = 1; i < chain.length; i++) expect(y(chain[i] as string), chain[i]).toBeGreaterThan(y(chain[i - 1] as string));
  });
});
