import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_LIMITS, findLimitViolation, parseJsonText, shortPath } from './limits.js';
import { migrateDocument } from './migrations.js';
import { emptyDocument } from './document.js';

/** Container depth, computed the obvious (recursive) way, for values shallow enough to recurse on. */
function depth(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
  return 1 + children.reduce<number>((m, c) => Math.max(m, depth(c)), 0);
}
function nested(levels: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

describe('document limits', () => {
  it('refuses exactly the values deeper than the limit (property, against a recursive depth)', () => {
    const small = { maxDepth: 6, maxStringLength: 1000, maxItems: 1000 };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (v) => {
        const got = findLimitViolation(v, small);
        expect(got !== null).toBe(depth(v) > small.maxDepth);
        if (got !== null) expect(got.message).toMatch(/nested more than 6 levels deep$/);
      }),
    );
  });

  it('is iterative: a value nested 1,000,000 deep is refused, not a stack overflow', () => {
    const v = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    const got = findLimitViolation(v);
    expect(got?.message).toBe('[0][0][0][0][0][0][0][0]…: nested more than 64 levels deep');
    expect(got?.path).toHaveLength(DOCUMENT_LIMITS.maxDepth);
    expect(findLimitViolation(nested(DOCUMENT_LIMITS.maxDepth))).toBeNull();
    expect(findLimitViolation(nested(DOCUMENT_LIMITS.maxDepth + 1))).not.toBeNull();
  });

  it('refuses long strings, long keys, long arrays and wide objects, naming where', () => {
    const s = 'x'.repeat(DOCUMENT_LIMITS.maxStringLength + 1);
    expect(findLimitViolation({ meta: { description: s } })?.message).toBe('meta.description: a string longer than 100,000 characters');
    expect(findLimitViolation({ nodes: { [s]: 1 } })?.message).toBe('nodes: a key longer than 100,000 characters');
    expect(findLimitViolation({ a: new Array(DOCUMENT_LIMITS.maxItems + 1).fill(0) })?.message).toBe('a: an array of more than 100,000 items');
    const wide = Object.fromEntries(Array.from({ length: DOCUMENT_LIMITS.maxItems + 1 }, (_, i) => [`k${i}`, i]));
    expect(findLimitViolation({ nodes: wide })?.message).toBe('nodes: an object of more than 100,000 keys');
    expect(findLimitViolation({ a: ['x'.repeat(DOCUMENT_LIMITS.maxStringLength)] })).toBeNull();
  });

  it('migrateDocument applies them first, so every reader refuses the same way', () => {
    const doc = { ...emptyDocument(), meta: { name: 'n', description: 'x'.repeat(200_000) } };
    expect(migrateDocument(doc)).toEqual({ ok: false, error: { code: 'too-large', message: 'meta.description: a string longer than 100,000 characters', path: ['meta', 'description'] } });
  });

  it('parseJsonText drops a byte-order mark and words non-JSON as one line', () => {
    expect(parseJsonText('\uFEFF{"a":1}')).toEqual({ ok: true, json: { a: 1 } });
    const bad = parseJsonText('{"a":\n\n1');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toMatch(/^not a Skipwire document: not JSON \(/);
      expect(bad.message).not.toContain('\n');
    }
    // only a leading mark is dropped
    expect(parseJsonText('{"a":1}\uFEFF').ok).toBe(false);
  });

  it('shortPath keeps a deep path to one short line', () => {
    expect(shortPath(['nodes', 'a b', 0, 'x'])).toBe('nodes["a b"][0].x');
    expect(shortPath(Array.from({ length: 20 }, () => 0))).toBe('[0][0][0][0][0][0][0][0]…');
  });
});
