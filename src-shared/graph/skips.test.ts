import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferShapes } from './infer.js';
import { buildGraph, cifarResNet } from './sample-graphs.js';
import { classifyEdges, edgeClass, findSkips } from './skips.js';
import { buildIndex, findPath } from './topo.js';
import type { GraphDocument } from './document.js';

const IN = { height: 32, width: 32, channels: 16 };

function residual(): GraphDocument {
  return buildGraph(IN, (b) => {
    b.add('Input', {}, { id: 'x' });
    const f = b.chain('x', ['Conv2D', { filters: 16 }], ['BatchNorm'], ['ReLU'], ['Conv2D', { filters: 16 }]);
    b.add('Add', {}, { id: 'add' });
    b.connect(f, 'add', 0);
    b.connect('x', 'add', 1);
    b.chain('add', ['ReLU'], ['GlobalAvgPool'], ['ClassificationHead', { classes: 10 }]);
  });
}

/** Two-level U-Net: enc1 (32×32) → pool → enc2 (16×16) → pool → mid (8×8) → up → cat2 ← enc2; up → cat1 ← enc1. */
function unet(): GraphDocument {
  return buildGraph(IN, (b) => {
    b.add('Input', {}, { id: 'x' });
    b.add('Conv2D', { filters: 16 }, { id: 'enc1' });
    b.connect('x', 'enc1');
    b.add('MaxPool', {}, { id: 'pool1' });
    b.connect('enc1', 'pool1');
    b.add('Conv2D', { filters: 32 }, { id: 'enc2' });
    b.connect('pool1', 'enc2');
    b.add('MaxPool', {}, { id: 'pool2' });
    b.connect('enc2', 'pool2');
    b.add('Conv2D', { filters: 64 }, { id: 'mid' });
    b.connect('pool2', 'mid');
    b.add('Upsample', {}, { id: 'up2' });
    b.connect('mid', 'up2');
    b.add('Concat', {}, { id: 'cat2' });
    b.connect('up2', 'cat2', 0);
    b.connect('enc2', 'cat2', 1);
    b.add('Upsample', {}, { id: 'up1' });
    b.connect('cat2', 'up1');
    b.add('Concat', {}, { id: 'cat1' });
    b.connect('up1', 'cat1', 0);
    b.connect('enc1', 'cat1', 1);
    b.add('SegmentationHead', { classes: 2 }, { id: 'head' });
    b.connect('cat1', 'head');
  });
}

function edgeBetween(doc: GraphDocument, s: string, t: string): string {
  const e = Object.values(doc.edges).find((x) => x.source === s && x.target === t);
  if (e === undefined) throw new Error(`no edge ${s} → ${t}`);
  return e.id;
}

describe('findSkips / classifyEdges', () => {
  it('marks the identity shortcut of a residual block as a (short) skip bypassing the residual branch', () => {
    const doc = residual();
    const a = inferShapes(doc);
    const classes = classifyEdges(a);
    const skip = edgeBetween(doc, 'x', 'add');
    expect(edgeClass(classes, skip)).toMatchObject({ role: 'skip', level: 1 });
    expect(edgeClass(classes, skip).bypassed).toHaveLength(4);
    expect([...classes.keys()]).toEqual([skip]);
    expect(edgeClass(classes, edgeBetween(doc, 'x', 'conv2d_1')).role).toBe('main');
  });

  it("marks U-Net's encoder-to-decoder links as long skips, nested on separate levels", () => {
    const doc = unet();
    const a = inferShapes(doc);
    const classes = classifyEdges(a);
    const inner = edgeClass(classes, edgeBetween(doc, 'enc2', 'cat2'));
    const outer = edgeClass(classes, edgeBetween(doc, 'enc1', 'cat1'));
    expect(inner.role).toBe('long-skip');
    expect(outer.role).toBe('long-skip');
    expect(inner.level).toBe(1);
    expect(outer.level).toBe(2);
    expect(outer.bypassed).toEqual(expect.arrayContaining(['pool1', 'enc2', 'pool2', 'mid', 'up2', 'cat2', 'up1']));
    expect(outer.bypassed).not.toContain('enc1');
    expect(outer.bypassed).not.toContain('cat1');
  });

  it('gives the 27 shortcuts of ResNet-56 (option A) level 1 each and a cache hit for the same index', () => {
    const doc = cifarResNet(9);
    const a = inferShapes(doc);
    const classes = classifyEdges(a);
    // 27 blocks; the 2 downsampling ones route the shortcut through MaxPool + Pad (not a direct skip).
    expect(classes.size).toBe(25);
    for (const c of classes.values()) expect(c).toMatchObject({ role: 'skip', level: 1 });
    expect(findSkips(a.index, a.order)).toBe(findSkips(a.index));
  });

  it('an edge is a skip exactly when another path of two or more edges joins its ends (random DAGs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.array(fc.tuple(fc.nat(8), fc.nat(8)), { maxLength: 20 }), (n, pairs) => {
        const doc = buildGraph(IN, (b) => {
          for (let i = 0; i < n; i++) b.add('Identity', {}, { id: `n${i}` });
          const seen = new Set<string>();
          for (const [p, q] of pairs) {
            const s = Math.min(p, q) % n;
            const t = Math.max(p, q) % n;
            if (s >= t || seen.has(`${s}-${t}`)) continue;
            seen.add(`${s}-${t}`);
            b.connect(`n${s}`, `n${t}`, seen.size);
          }
        });
        const index = buildIndex(doc);
        const { skips } = findSkips(index);
        for (const e of Object.values(doc.edges)) {
          // Another path: from a different child of the source to the target.
          const others = Object.values(doc.edges).filter((o) => o.source === e.source && o.id !== e.id && o.target !== e.target);
          const expected = others.some((o) => findPath(index, o.target, e.target) !== null);
          expect(skips.has(e.id)).toBe(expected);
          const s = skips.get(e.id);
          if (s !== undefined) {
            for (const v of s.bypassed) {
              expect(findPath(index, e.source, v)).not.toBeNull();
              expect(findPath(index, v, e.target)).not.toBeNull();
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
