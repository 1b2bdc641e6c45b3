import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual } from './canonical.js';

describe('deepEqual', () => {
  it('ignores key order at every depth', () => {
    expect(deepEqual({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
  });
  it('treats undefined-valued keys as absent', () => {
    expect(deepEqual({ a: 1, label: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, label: undefined })).toBe(true);
  });
  it('tells different values apart', () => {
    expect(deepEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 0 })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
    expect(deepEqual({ a: null }, { a: undefined })).toBe(false);
  });
  it('equates NaN with NaN', () => {
    expect(deepEqual({ x: Number.NaN }, { x: Number.NaN })).toBe(true);
  });
});

describe('canonicalJson', () => {
  it('gives the same text for documents whose records were inserted in different orders', () => {
    const a = { nodes: { b: { id: 'b', x: 1 }, a: { id: 'a', x: 2 } }, meta: { name: 'n' } };
    const b = { meta: { name: 'n' }, nodes: { a: { x: 2, id: 'a' }, b: { x: 1, id: 'b' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"meta":{"name":"n"},"nodes":{"a":{"id":"a","x":2},"b":{"id":"b","x":1}}}');
  });
  it('differs when a value differs and drops undefined keys', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});
