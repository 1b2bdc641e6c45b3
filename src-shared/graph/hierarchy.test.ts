import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, invertDiff } from './diff.js';
import type { GraphDocument } from './document.js';
import { collapseToDepth, groupDepths, hierarchyDepth, openDepth } from './hierarchy.js';
import { generateTemplate } from '../templates/registry.js';

function template(id: string, options: Record<string, unknown> = {}): GraphDocument {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(`template ${id}`);
  return r.doc;
}

describe('block hierarchy', () => {
  it('gives ResNet stages depth 0 and their units depth 1', () => {
    const doc = template('resnet', { depth: 20 });
    const depth = groupDepths(doc);
    expect(depth.get('stage1')).toBe(0);
    expect(depth.get('s1b1')).toBe(1);
    expect(hierarchyDepth(doc)).toBe(2);
  });

  it('collapses to a depth as one edit that undo reverts exactly', () => {
    const doc = template('resnet', { depth: 20 });
    const all = collapseToDepth(doc, Infinity);
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    expect(Object.values(all.doc.groups).every((g) => !g.collapsed)).toBe(true);
    expect(openDepth(all.doc)).toBe(Infinity);
    const one = collapseToDepth(all.doc, 1);
    if (!one.ok) throw new Error('collapse');
    expect(one.doc.groups.stage2?.collapsed).toBe(false);
    expect(one.doc.groups.s2b1?.collapsed).toBe(true);
    expect(openDepth(one.doc)).toBe(1);
    expect(applyDiff(one.doc, invertDiff(one.diff))).toEqual(all.doc);
  });

  it('any depth: shallower blocks expanded, deeper collapsed, idempotent, invertible (property)', () => {
    const docs = [template('resnet', { depth: 20 }), template('densenet-bc'), template('unet'), template('resnext')];
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), (doc, first, n) => {
        const start = collapseToDepth(doc, first);
        if (!start.ok) return false;
        const r = collapseToDepth(start.doc, n);
        if (!r.ok) return false;
        const depth = groupDepths(r.doc);
        for (const g of Object.values(r.doc.groups)) expect(g.collapsed).toBe((depth.get(g.id) ?? 0) >= n);
        const again = collapseToDepth(r.doc, n);
        expect(again.ok && again.doc === r.doc).toBe(true);
        expect(applyDiff(r.doc, invertDiff(r.diff))).toEqual(start.doc);
        return true;
      }),
      { numRuns: 60 },
    );
  });
});
