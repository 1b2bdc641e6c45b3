import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { diffDocuments } from './diff.js';

const node = (id: string, kind: string, label?: string) => ({ id, kind, params: {}, position: { x: 0, y: 0 }, ...(label !== undefined ? { label } : {}) });

function doc(edges: GraphDocument['edges'], labels: Record<string, string> = {}): GraphDocument {
  return {
    schemaVersion: 1,
    meta: { name: 'n' },
    input: { height: 8, width: 8, channels: 1 },
    nodes: { a: node('a', 'conv2d', labels.a), b: node('b', 'conv2d', labels.b), add: node('add', 'add', labels.add) },
    edges,
    groups: {},
  } as unknown as GraphDocument;
}

describe('diffDocuments names connections as the person sees them', () => {
  it('by layer labels (ids where unlabelled), with the input fed when it is not the first', () => {
    const before = doc({ e1: { id: 'e1', source: 'a', target: 'add', targetPort: 0 } }, { a: 'stem' });
    const after = doc(
      {
        e1: { id: 'e1', source: 'a', target: 'add', targetPort: 0 },
        e2: { id: 'e2', source: 'b', target: 'add', targetPort: 1 },
      },
      { a: 'stem', add: 'merge' },
    );
    const d = diffDocuments(before, after);
    expect(d.edges.added).toEqual([{ id: 'e2', label: 'b → merge (input 2)' }]);
    expect(diffDocuments(after, before).edges.removed).toEqual([{ id: 'e2', label: 'b → merge (input 2)' }]);
    expect(d.nodes.changed.map((n) => n.id)).toEqual(['add']);
  });
});
