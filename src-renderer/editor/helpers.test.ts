import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emptyDocument } from '../../src-shared/graph/document.js';
import { fixesFor } from '../../src-shared/graph/fixes.js';
import type { QuickFix } from '../../src-shared/graph/fix-types.js';
import { diagnosticsOf, inferShapes } from '../../src-shared/graph/infer.js';
import { buildGraph } from '../../src-shared/graph/sample-graphs.js';
import { getLayer, layersByCategory } from '../../src-shared/layers/registry.js';
import { bestMatch, filterPalette } from '../palette/filter.js';
import { fileNameFor, parseDocumentText, serializeDocument } from './file-io.js';
import { previewFix } from './fix-preview.js';
import { formatShape } from './format.js';
import { laneY, rectsOverlap, roundedPath, skipPath } from './geometry.js';
import { paramFields, readFieldInput } from './param-fields.js';
import { isTypingTarget, shortcutFor } from './shortcuts.js';

const key = (k: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

describe('param fields (the inspector form from a params schema)', () => {
  it("generates Conv2D's form: numbers with ranges, padding as a choice or a number, bias as a checkbox", () => {
    const def = getLayer('Conv2D');
    if (def === undefined) throw new Error('no Conv2D');
    const fields = paramFields(def.params, def.ui);
    expect(fields.map((f) => f.key)).toEqual(['filters', 'kernel', 'stride', 'padding', 'dilation', 'groups', 'bias']);
    expect(fields[0]).toMatchObject({ control: 'number', integer: true, min: 1, max: 65_536, label: 'Filters', defaultValue: 64 });
    const padding = fields.find((f) => f.key === 'padding');
    expect(padding).toMatchObject({ control: 'select-or-number', integer: true, min: 0, max: 64 });
    if (padding?.control === 'select-or-number') expect(padding.options.map((o) => o.value)).toEqual(['same', 'valid']);
    expect(fields.find((f) => f.key === 'bias')?.control).toBe('boolean');
    expect(paramFields(def.params, def.ui)).toBe(fields);
  });

  it('reads what is typed: numbers that parse, options, explicit numbers; nothing while half-typed', () => {
    const schema = z.object({ n: z.number().int().default(1), mode: z.enum(['a', 'b']).default('a'), pad: z.union([z.enum(['same']), z.number().int()]).default('same'), on: z.boolean().default(false) });
    const [n, mode, pad, on] = paramFields(schema, { n: { label: 'N' }, mode: { label: 'Mode', options: { a: 'A!' } }, pad: { label: 'Pad' }, on: { label: 'On' } });
    if (n === undefined || mode === undefined || pad === undefined || on === undefined) throw new Error('fields');
    expect(readFieldInput(n, '12')).toBe(12);
    expect(readFieldInput(n, '')).toBeUndefined();
    expect(readFieldInput(n, '1e')).toBeUndefined();
    expect(mode.control === 'select' && mode.options[0]).toEqual({ value: 'a', label: 'A!' });
    expect(readFieldInput(mode, 'b')).toBe('b');
    expect(readFieldInput(pad, 'same')).toBe('same');
    expect(readFieldInput(pad, '3')).toBe(3);
    expect(readFieldInput(on, true)).toBe(true);
  });
});

describe('file io', () => {
  it('round-trips a document and migrates an older one', () => {
    const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => void b.add('Input'), 'My net / v2');
    const r = parseDocumentText(serializeDocument(doc));
    expect(r).toEqual({ ok: true, doc, migratedFrom: null });
    expect(fileNameFor(doc)).toBe('My-net-v2.skipwire.json');
    expect(fileNameFor(emptyDocument('  '))).toBe('network.skipwire.json');
    const v0 = { schemaVersion: 0, name: 'old', inputShape: [8, 8, 3], nodes: [{ id: 'x', kind: 'Input', position: { x: 0, y: 0 } }], edges: [] };
    expect(parseDocumentText(JSON.stringify(v0))).toMatchObject({ ok: true, migratedFrom: 0 });
  });

  it('refuses non-JSON, non-documents and newer files with one line; a graph with shape errors still opens', () => {
    const bad = parseDocumentText('{ nope', 'x.json');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toMatch(/^“x\.json” cannot be opened: not a Skipwire document: not JSON \(/);
      expect(bad.message).not.toContain('\n');
    }
    // The file's own bytes are never echoed back: binary data says so; text garbage gives the reason only.
    const png = parseDocumentText('\uFFFDPNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u0000\u0001\u0000', 'photo.skipwire.json');
    expect(png).toEqual({ ok: false, message: '“photo.skipwire.json” is not JSON: it holds binary data, not text (a Skipwire network is a .skipwire.json text file).' });
    const prose = parseDocumentText('hello, this is my secret shopping list', 'list.json');
    expect(prose).toEqual({ ok: false, message: '“list.json” cannot be opened: not a Skipwire document: not JSON (Unexpected character ‘h’)' });
    expect(parseDocumentText('{"hello":1}')).toMatchObject({ ok: false, message: expect.stringMatching(/^The file cannot be opened: /) });
    const newer = parseDocumentText(JSON.stringify({ ...emptyDocument(), schemaVersion: 99 }));
    expect(newer).toMatchObject({ ok: false, message: expect.stringContaining('newer') });
    const broken = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
      b.add('Input', {}, { id: 'x' });
      b.add('Add', {}, { id: 'a' });
      b.connect('x', 'a');
    });
    const r = parseDocumentText(serializeDocument(broken));
    expect(r.ok).toBe(true);
    if (r.ok) expect(diagnosticsOf(inferShapes(r.doc)).some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('fix preview', () => {
  it('applies a fix to a copy: lists what it adds with the resulting shapes, says whether it resolves', () => {
    const doc = buildGraph({ height: 32, width: 32, channels: 16 }, (b) => {
      b.add('Input', {}, { id: 'x' });
      b.add('Conv2D', { filters: 32, stride: 2 }, { id: 'c' });
      b.connect('x', 'c');
      b.add('Add', {}, { id: 'a' });
      b.connect('c', 'a', 0);
      b.connect('x', 'a', 1);
    });
    const analysis = inferShapes(doc);
    const d = diagnosticsOf(analysis).find((x) => x.code === 'merge-shape-mismatch');
    if (d === undefined) throw new Error('no mismatch');
    const fix = fixesFor(analysis, d).find((f) => f.id === 'insert-projection');
    if (fix === undefined) throw new Error('no projection fix');
    const p = previewFix(analysis, d, fix);
    expect(p).toMatchObject({ ok: true, resolved: true, errorsBefore: 1, errorsAfter: 0, edgesAdded: 3, edgesRemoved: 1 });
    if (p.ok) expect(p.added.map((n) => [n.kind, n.summary, n.shape])).toEqual([
      ['Conv 2D', '1×1, 32, /2', [16, 16, 32]],
      ['Batch norm', '', [16, 16, 32]],
    ]);
    expect(analysis.doc).toBe(doc); // untouched
    const failing: QuickFix = { id: 'x', label: 'x', description: 'x', apply: () => ({ ok: false, error: { code: 'not-found', message: 'gone' } }) };
    expect(previewFix(analysis, d, failing)).toEqual({ ok: false, error: 'gone' });
  });
});

describe('geometry and layout', () => {
  it('a skip runs out of its source, along its lane, into its target; lanes step up by level', () => {
    const g = skipPath(0, 100, 600, 100, 20);
    expect(g.path.startsWith('M 0 100')).toBe(true);
    expect(g.path.endsWith('L 600 100')).toBe(true);
    expect(g.labelY).toBe(20);
    expect(g.labelX).toBe(300);
    expect(laneY([100, 80, 120], 1)).toBeLessThan(80);
    expect(laneY([100], 2)).toBeLessThan(laneY([100], 1));
    expect(roundedPath([{ x: 0, y: 0 }], 5)).toBe('M 0 0');
    expect(rectsOverlap({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 10, height: 10 })).toBe(false);
  });

  it('formats shapes as the canvas prints them', () => {
    expect(formatShape([32, 32, 64])).toBe('32×32×64');
    expect(formatShape([10])).toBe('10');
    expect(formatShape(null)).toBe('?');
  });
});

describe('palette search and keyboard shortcuts', () => {
  it('groups by role in palette order and finds layers by name, role or description', () => {
    const all = filterPalette(layersByCategory(), '');
    expect(all.map(([c]) => c).slice(0, 7)).toEqual(['Input', 'Convolution', 'Normalization', 'Activation', 'Pooling', 'Merge', 'Resize']);
    const conv = filterPalette(layersByCategory(), 'conv 2d');
    expect(bestMatch(conv, 'conv 2d')?.kind).toBe('Conv2D');
    expect(bestMatch(filterPalette(layersByCategory(), 'batch'), 'batch')?.kind).toBe('BatchNorm');
    expect(filterPalette(layersByCategory(), 'merge').map(([c]) => c)).toContain('Merge');
    expect(filterPalette(layersByCategory(), 'zzzz')).toEqual([]);
  });

  it('maps keys to editor actions (Ctrl or Cmd)', () => {
    expect(shortcutFor(key('z', { ctrl: true }))).toBe('undo');
    expect(shortcutFor(key('Z', { meta: true, shift: true }))).toBe('redo');
    expect(shortcutFor(key('y', { ctrl: true }))).toBe('redo');
    expect(shortcutFor(key('c', { ctrl: true }))).toBe('copy');
    expect(shortcutFor(key('v', { meta: true }))).toBe('paste');
    expect(shortcutFor(key('d', { ctrl: true }))).toBe('duplicate');
    expect(shortcutFor(key('g', { ctrl: true }))).toBe('group');
    expect(shortcutFor(key('G', { ctrl: true, shift: true }))).toBe('ungroup');
    expect(shortcutFor(key('Delete'))).toBe('delete');
    expect(shortcutFor(key('Backspace'))).toBe('delete');
    expect(shortcutFor(key('/'))).toBe('search');
    expect(shortcutFor(key('z'))).toBeNull();
    expect(shortcutFor(key(']'))).toBe('expand-all');
    expect(shortcutFor(key('['))).toBe('collapse-all');
    expect(shortcutFor(key('2'))).toBe('depth-2');
    expect(shortcutFor(key('0'))).toBe('depth-0');
    expect(shortcutFor(key('1', { shift: true }))).toBe('fit');
    expect(shortcutFor(key('2', { ctrl: true }))).toBeNull();
    expect(shortcutFor(key('z', { ctrl: true, alt: true }))).toBeNull();
    expect(isTypingTarget(null)).toBe(false);
  });
});
