import { describe, expect, it } from 'vitest';
import type { DocumentDiff } from '../../src-shared/api/services/projects.js';
import { diffSections, formatChange, formatValue } from './diff-format.js';

const none = { added: [], removed: [], changed: [] };

describe('diff formatting', () => {
  it('formats values compactly', () => {
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue(16)).toBe('16');
    expect(formatValue('same')).toBe('same');
    expect(formatValue([3, 3])).toBe('[3,3]');
    expect(formatValue({ x: 10.4, y: -2.6 })).toBe('(10, -3)');
    expect(formatValue('x'.repeat(200))).toHaveLength(80);
  });

  it('says params before → after, set and removed', () => {
    expect(formatChange({ field: 'params.filters', before: 16, after: 32 })).toBe('filters: 16 → 32');
    expect(formatChange({ field: 'label', after: 'stem' })).toBe('label: set to stem');
    expect(formatChange({ field: 'params.bias', before: true })).toBe('bias: true removed');
  });

  it('lists added, removed and changed layers and leaves empty sections out', () => {
    const diff: DocumentDiff = {
      identical: false,
      nodes: {
        added: [{ id: 'n3', kind: 'relu' }],
        removed: [{ id: 'n2', kind: 'conv2d', label: 'conv2' }],
        changed: [{ id: 'n1', kind: 'conv2d', changes: [{ field: 'params.filters', before: 16, after: 32 }] }],
      },
      edges: none,
      groups: none,
      document: [{ field: 'meta', before: { name: 'a' }, after: { name: 'b' } }],
    };
    const s = diffSections(diff);
    expect(s.map((x) => x.title)).toEqual(['Layers: 1 added, 1 removed, 1 changed', 'Network']);
    expect(s[0]?.lines).toEqual([
      { sign: '+', title: 'n3 (relu)', details: [] },
      { sign: '−', title: 'conv2 (conv2d)', details: [] },
      { sign: '~', title: 'n1 (conv2d)', details: ['filters: 16 → 32'] },
    ]);
    expect(s[1]?.lines[0]?.details).toEqual(['{"name":"a"} → {"name":"b"}']);
  });

  it('an identical diff has no sections', () => {
    expect(diffSections({ identical: true, nodes: none, edges: none, groups: none, document: [] })).toEqual([]);
  });
});
