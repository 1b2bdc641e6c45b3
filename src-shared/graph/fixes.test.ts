import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepEqual } from './canonical.js';
import { applyDiff, invertDiff } from './diff.js';
import type { Diagnostic } from './diagnostics.js';
import type { GraphDocument, InputSpec } from './document.js';
import type { QuickFix } from './fix-types.js';
import { fixesFor, strideBetween, switchMergeFix } from './fixes.js';
import { diagnosticsOf, inferShapes, shapeOf, validate } from './infer.js';
import { buildGraph } from './sample-graphs.js';

const cifar: InputSpec = { height: 32, width: 32, channels: 3 };

/** Input → stem conv (c0) → a residual block whose branch has stride `stride` and `c1` filters, joined by `merge`. */
function block(o: { c0: number; c1: number; stride: number; merge?: string; flip?: boolean; input?: InputSpec; mergeParams?: Record<string, unknown> }): GraphDocument {
  return buildGraph(o.input ?? cifar, (b) => {
    const x = b.chain(b.add('Input', {}, { id: 'input' }), ['Conv2D', { filters: o.c0, kernel: 3 }, 'stem']);
    const f = b.chain(
      x,
      ['Conv2D', { filters: o.c1, kernel: 3, stride: o.stride }, 'conv2a'],
      ['BatchNorm', {}, 'bn2a'],
      ['ReLU', {}, 'relu2a'],
      ['Conv2D', { filters: o.c1, kernel: 3 }, 'conv2b'],
    );
    const m = b.add(o.merge ?? 'Add', o.mergeParams ?? {}, { id: 'join', label: 'block2_add' });
    const gate = o.merge === 'Gate';
    // Add(F, x) usually; flipped Add(x, F); Gate always (x, F)
    const [p0, p1] = gate || o.flip === true ? [x, f] : [f, x];
    b.connect(p0, m, 0);
    b.connect(p1, m, 1);
    b.chain(m, ['ReLU', {}, 'out'], ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 10 }, 'head']);
  });
}

function errorsOf(doc: GraphDocument): Diagnostic[] {
  return diagnosticsOf(inferShapes(doc)).filter((d) => d.severity === 'error');
}

function onlyError(doc: GraphDocument, code: string): { analysis: ReturnType<typeof inferShapes>; diagnostic: Diagnostic } {
  const analysis = inferShapes(doc);
  const errors = diagnosticsOf(analysis).filter((d) => d.severity === 'error');
  expect(errors.map((e) => e.code)).toEqual([code]);
  return { analysis, diagnostic: errors[0] as Diagnostic };
}

function byId(fixes: readonly QuickFix[], id: string): QuickFix {
  const f = fixes.find((x) => x.id === id);
  if (f === undefined) throw new Error(`no fix ${id}; have ${fixes.map((x) => x.id).join(', ')}`);
  return f;
}

/** Applies a fix: it succeeds, the document is valid, and undoing its one diff restores the original. */
function applyOk(doc: GraphDocument, fix: QuickFix): GraphDocument {
  const r = fix.apply(doc);
  if (!r.ok) throw new Error(`${fix.id}: ${r.error.message}`);
  expect(errorsOf(r.doc)).toEqual([]);
  expect(deepEqual(applyDiff(r.doc, invertDiff(r.diff)), doc)).toBe(true);
  return r.doc;
}

describe('fixes for a residual Add whose inputs differ', () => {
  const doc = block({ c0: 16, c1: 32, stride: 2 });
  const { analysis, diagnostic } = onlyError(doc, 'merge-shape-mismatch');
  const fixes = fixesFor(analysis, diagnostic);

  it('offers a projection and option A on the shortcut, not a switch to Concat (sizes differ)', () => {
    expect(fixes.map((f) => f.id)).toEqual(['insert-projection', 'insert-zero-pad-shortcut']);
    expect(byId(fixes, 'insert-projection').label).toBe('Insert 1×1 conv (stride 2, 32 filters) + BN on the shortcut from "stem"');
    expect(byId(fixes, 'insert-zero-pad-shortcut').label).toBe('Subsample /2 and zero-pad 16 channels on the shortcut from "stem" (option A, no params)');
    expect(byId(fixes, 'insert-projection').description).toContain('[32,32,16]');
    expect(byId(fixes, 'insert-projection').description).toContain('[16,16,32]');
  });

  it('the projection goes on the shortcut edge (stem → join): conv 1×1 /2, 32 filters, then BN', () => {
    const fixed = applyOk(doc, byId(fixes, 'insert-projection'));
    const a = inferShapes(fixed);
    const added = Object.values(fixed.nodes).filter((n) => doc.nodes[n.id] === undefined);
    expect(added.map((n) => n.kind).sort()).toEqual(['BatchNorm', 'Conv2D']);
    const conv = added.find((n) => n.kind === 'Conv2D');
    expect(conv?.params).toMatchObject({ filters: 32, kernel: 1, stride: 2 });
    expect(conv?.label).toBe('block2_add_proj');
    const intoConv = Object.values(fixed.edges).find((e) => e.target === conv?.id);
    expect(fixed.nodes[intoConv?.source ?? '']?.label).toBe('stem');
    expect(shapeOf(a, 'join')).toEqual([16, 16, 32]);
    // the projection adds 16·32 weights + BN's 2·32
    expect(validate(doc).ok).toBe(false);
    const params = (id: string | undefined) => a.nodes.get(id ?? '')?.cost?.params;
    expect(params(conv?.id)).toBe(16 * 32);
    expect(params(added.find((n) => n.kind === 'BatchNorm')?.id)).toBe(64);
  });

  it('option A adds no parameters: a 1×1 stride-2 max pool and 8 + 8 zero channels', () => {
    const fixed = applyOk(doc, byId(fixes, 'insert-zero-pad-shortcut'));
    const added = Object.values(fixed.nodes).filter((n) => doc.nodes[n.id] === undefined);
    expect(added.map((n) => [n.kind, n.params])).toEqual(
      expect.arrayContaining([
        ['MaxPool', { pool: 1, stride: 2, padding: 'valid' }],
        ['Pad', { top: 0, bottom: 0, left: 0, right: 0, channelsBefore: 8, channelsAfter: 8 }],
      ]),
    );
  });

  it('takes the input from further upstream as the shortcut whatever its port', () => {
    const flipped = block({ c0: 16, c1: 32, stride: 2, flip: true });
    const { analysis: a, diagnostic: d } = onlyError(flipped, 'merge-shape-mismatch');
    const f = byId(fixesFor(a, d), 'insert-projection');
    expect(f.label).toContain('from "stem"');
    applyOk(flipped, f);
  });

  it('projects down too (fewer channels on the branch) and finds strides of odd sizes (⌈7/2⌉ = 4)', () => {
    const odd = block({ c0: 32, c1: 8, stride: 2, input: { height: 7, width: 7, channels: 3 } });
    const { analysis: a, diagnostic: d } = onlyError(odd, 'merge-shape-mismatch');
    const fixes2 = fixesFor(a, d);
    expect(fixes2.map((f) => f.id)).toEqual(['insert-projection']); // option A cannot drop channels
    expect(byId(fixes2, 'insert-projection').label).toContain('stride 2, 8 filters');
    applyOk(odd, byId(fixes2, 'insert-projection'));
    expect(strideBetween([7, 7, 1], [4, 4, 1])).toBe(2);
    expect(strideBetween([32, 32, 1], [8, 8, 1])).toBe(4);
    expect(strideBetween([8, 8, 1], [16, 16, 1])).toBeNull();
    expect(strideBetween([9, 9, 1], [4, 4, 1])).toBeNull();
  });
});

describe('channel-only mismatches', () => {
  const doc = block({ c0: 16, c1: 32, stride: 1 });
  const { analysis, diagnostic } = onlyError(doc, 'merge-shape-mismatch');
  const fixes = fixesFor(analysis, diagnostic);

  it('projection at stride 1, option A without subsampling, and switch to Concat with its shape', () => {
    expect(fixes.map((f) => f.id)).toEqual(['insert-projection', 'insert-zero-pad-shortcut', 'switch-to-concat']);
    expect(byId(fixes, 'insert-projection').label).toContain('stride 1, 32 filters');
    expect(byId(fixes, 'insert-zero-pad-shortcut').label).toBe('Zero-pad 16 channels on the shortcut from "stem" (option A, no params)');
    expect(byId(fixes, 'switch-to-concat').label).toBe('Switch "block2_add" to Concat (output [32,32,48])');
    for (const f of fixes) applyOk(doc, f);
  });

  it('switching keeps the edges and changes only the kind', () => {
    const fixed = applyOk(doc, byId(fixes, 'switch-to-concat'));
    expect(fixed.nodes['join']?.kind).toBe('Concat');
    expect(fixed.edges).toEqual(doc.edges);
    expect(shapeOf(inferShapes(fixed), 'join')).toEqual([32, 32, 48]);
  });

  it('switchMergeFix goes back from Concat to Add and says when the inputs would not fit', () => {
    const concat = applyOk(doc, byId(fixes, 'switch-to-concat'));
    const back = switchMergeFix(inferShapes(concat), 'join');
    expect(back?.valid).toBe(false);
    expect(back?.fix.label).toBe('Switch "block2_add" to Add (its inputs would not fit)');
    const same = block({ c0: 16, c1: 16, stride: 1, merge: 'Concat' });
    const ok = switchMergeFix(inferShapes(same), 'join');
    expect(ok?.valid).toBe(true);
    expect(ok?.fix.label).toBe('Switch "block2_add" to Add (output [32,32,16])');
    expect(switchMergeFix(inferShapes(same), 'stem')).toBeNull();
  });

  it('Multiply gets the projection too', () => {
    const m = block({ c0: 16, c1: 32, stride: 2, merge: 'Multiply' });
    const { analysis: a, diagnostic: d } = onlyError(m, 'merge-shape-mismatch');
    const f = fixesFor(a, d);
    expect(f.map((x) => x.id)).toEqual(['insert-projection', 'insert-zero-pad-shortcut']);
    applyOk(m, byId(f, 'insert-projection'));
  });
});

describe('Gate: port x is the shortcut', () => {
  it('projects x, not F', () => {
    const doc = block({ c0: 16, c1: 32, stride: 2, merge: 'Gate', mergeParams: { mode: 'exclusive' } });
    const { analysis, diagnostic } = onlyError(doc, 'merge-shape-mismatch');
    const fixes = fixesFor(analysis, diagnostic);
    expect(fixes.map((f) => f.id)).toEqual(['insert-projection', 'insert-zero-pad-shortcut']);
    const fixed = applyOk(doc, byId(fixes, 'insert-projection'));
    const into0 = Object.values(fixed.edges).find((e) => e.target === 'join' && e.targetPort === 0);
    expect(fixed.nodes[into0?.source ?? '']?.kind).toBe('BatchNorm');
  });
});

/** Input → two paths of different sizes → Concat → head. */
function unetJoin(skip: InputSpec, down: { pool: number; crop?: boolean }): GraphDocument {
  return buildGraph(skip, (b) => {
    const x = b.chain(b.add('Input', {}, { id: 'input' }), ['Conv2D', { filters: 8, kernel: 3 }, 'enc']);
    const deep = b.chain(x, ['MaxPool', { pool: down.pool, stride: down.pool }, 'pool'], ['Conv2D', { filters: 16, kernel: 3, padding: 'valid' }, 'bottom'], ['Upsample', { factor: 2 }, 'up']);
    const m = b.add('Concat', {}, { id: 'cat', label: 'dec1_cat' });
    b.connect(x, m, 0);
    b.connect(deep, m, 1);
    b.chain(m, ['SegmentationHead', { classes: 2 }, 'head']);
  });
}

describe('fixes for a Concat whose sizes differ', () => {
  it('crop the larger (with the smaller as reference) or pad the smaller; no integral ratio, no upsample', () => {
    const doc = unetJoin({ height: 32, width: 32, channels: 1 }, { pool: 2 }); // [32,32,8] vs [28,28,16]
    const { analysis, diagnostic } = onlyError(doc, 'concat-spatial-mismatch');
    const fixes = fixesFor(analysis, diagnostic);
    expect(fixes.map((f) => f.id)).toEqual(['insert-crop', 'insert-pad']);
    expect(byId(fixes, 'insert-crop').label).toBe('Center-crop [32,32,8] from "enc" to 28×28 (Crop to "up")');
    expect(byId(fixes, 'insert-pad').label).toBe('Zero-pad [28,28,16] from "up" to 32×32 (top 2, bottom 2, left 2, right 2)');
    const cropped = applyOk(doc, byId(fixes, 'insert-crop'));
    const crop = Object.values(cropped.nodes).find((n) => n.kind === 'Crop');
    const into = Object.values(cropped.edges).filter((e) => e.target === crop?.id).sort((a, b) => a.targetPort - b.targetPort);
    expect(into.map((e) => [cropped.nodes[e.source]?.label, e.targetPort])).toEqual([['enc', 0], ['up', 1]]);
    expect(shapeOf(inferShapes(cropped), 'cat')).toEqual([28, 28, 24]);
    expect(shapeOf(inferShapes(applyOk(doc, byId(fixes, 'insert-pad'))), 'cat')).toEqual([32, 32, 24]);
  });

  it('odd differences pad one more at the bottom/right; an integral ratio adds an Upsample', () => {
    const doc = buildGraph({ height: 16, width: 16, channels: 3 }, (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const small = b.chain(x, ['MaxPool', { pool: 2, stride: 2 }, 'half']);
      const m = b.add('Concat', {}, { id: 'cat' });
      b.connect(small, m, 0);
      b.connect(x, m, 1);
      b.chain(m, ['SegmentationHead', { classes: 2 }, 'head']);
    });
    const { analysis, diagnostic } = onlyError(doc, 'concat-spatial-mismatch');
    const fixes = fixesFor(analysis, diagnostic);
    expect(fixes.map((f) => f.id)).toEqual(['insert-crop', 'insert-pad', 'insert-upsample']);
    expect(byId(fixes, 'insert-upsample').label).toBe('Upsample [8,8,3] from "half" ×2 (nearest) to 16×16');
    for (const f of fixes) applyOk(doc, f);
    const odd = unetJoin({ height: 33, width: 33, channels: 1 }, { pool: 2 }); // [33,33,8] vs [28,28,16]
    const o = onlyError(odd, 'concat-spatial-mismatch');
    const pad = byId(fixesFor(o.analysis, o.diagnostic), 'insert-pad');
    expect(pad.label).toContain('(top 2, bottom 3, left 2, right 3)');
    applyOk(odd, pad);
  });
});

describe('windows that do not fit', () => {
  it('sets padding to same and shows the output', () => {
    const doc = buildGraph({ height: 3, width: 3, channels: 3 }, (b) => {
      b.chain(b.add('Input', {}, { id: 'input' }), ['Conv2D', { filters: 8, kernel: 5, padding: 'valid' }, 'big'], ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', {}, 'head']);
    });
    const { analysis, diagnostic } = onlyError(doc, 'window-too-large');
    const fixes = fixesFor(analysis, diagnostic);
    expect(fixes.map((f) => [f.id, f.label])).toEqual([['set-padding-same', 'Set padding to same (output [3,3,8])']]);
    const fixed = applyOk(doc, byId(fixes, 'set-padding-same'));
    expect(Object.values(fixed.nodes).find((n) => n.label === 'big')?.params['padding']).toBe('same');
  });

  it('for pooling with explicit stride too', () => {
    const doc = buildGraph({ height: 2, width: 2, channels: 3 }, (b) => {
      b.chain(b.add('Input', {}, { id: 'input' }), ['MaxPool', { pool: 3, stride: 2 }, 'pool'], ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', {}, 'head']);
    });
    const { analysis, diagnostic } = onlyError(doc, 'window-too-large');
    const [f] = fixesFor(analysis, diagnostic);
    expect(f?.label).toBe('Set padding to same (output [1,1,3])');
    applyOk(doc, f as QuickFix);
  });

  it('offers nothing for diagnostics it cannot fix', () => {
    const doc = buildGraph(cifar, (b) => {
      b.chain(b.add('Input', {}, { id: 'input' }), ['Dense', { units: 4 }, 'fc'], ['ClassificationHead', {}, 'head']);
    });
    const a = inferShapes(doc);
    for (const d of diagnosticsOf(a)) expect(fixesFor(a, d)).toEqual([]);
    expect(diagnosticsOf(a).length).toBeGreaterThan(0);
  });
});

describe('property: the projection fix always yields a valid graph', () => {
  it('on random mismatched residual blocks', () => {
    fc.assert(
      fc.property(
        fc.record({
          size: fc.integer({ min: 3, max: 20 }),
          c0: fc.integer({ min: 1, max: 12 }),
          c1: fc.integer({ min: 1, max: 12 }),
          stride: fc.integer({ min: 1, max: 3 }),
          flip: fc.boolean(),
          merge: fc.constantFrom('Add', 'Multiply', 'Gate'),
        }),
        ({ size, c0, c1, stride, flip, merge }) => {
          fc.pre(c0 !== c1 || stride > 1);
          const doc = block({ c0, c1, stride, flip, merge, input: { height: size, width: size + 1, channels: 3 } });
          const analysis = inferShapes(doc);
          const mismatch = diagnosticsOf(analysis).find((d) => d.code === 'merge-shape-mismatch');
          expect(mismatch).toBeDefined();
          const fix = fixesFor(analysis, mismatch as Diagnostic).find((f) => f.id === 'insert-projection');
          expect(fix).toBeDefined();
          const r = (fix as QuickFix).apply(doc);
          if (!r.ok) throw new Error(r.error.message);
          expect(errorsOf(r.doc)).toEqual([]);
          expect(Object.keys(r.doc.nodes).length).toBe(Object.keys(doc.nodes).length + 2);
        },
      ),
      { numRuns: 150 },
    );
  });
});
