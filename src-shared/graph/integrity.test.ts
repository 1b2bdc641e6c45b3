import { describe, expect, it } from 'vitest';
import { emptyDocument } from './document.js';
import type { GraphDocument } from './document.js';
import { checkIntegrity } from './integrity.js';
import { deepFreeze } from './testing.js';

function doc(): GraphDocument {
  const d = emptyDocument('i');
  d.nodes = {
    a: { id: 'a', kind: 'ReLU', params: {}, position: { x: 0, y: 0 }, group: 'g' },
    b: { id: 'b', kind: 'ReLU', params: {}, position: { x: 0, y: 0 } },
  };
  d.edges = { e: { id: 'e', source: 'a', target: 'b', targetPort: 0 } };
  d.groups = { g: { id: 'g', label: 'g', collapsed: false, repeat: 1 } };
  return d;
}

const codes = (d: GraphDocument): string[] => checkIntegrity(deepFreeze(d)).map((i) => `${i.code} ${i.path.join('.')}`);

describe('checkIntegrity', () => {
  it('finds nothing wrong with a sound document', () => {
    expect(codes(doc())).toEqual([]);
  });

  it('finds records keyed under another id', () => {
    const d = doc();
    d.nodes.z = { id: 'y', kind: 'ReLU', params: {}, position: { x: 0, y: 0 } };
    expect(codes(d)).toEqual(['key-mismatch nodes.z.id']);
  });

  it('finds edges to or from missing nodes', () => {
    const d = doc();
    d.edges.f = { id: 'f', source: 'ghost', target: 'phantom', targetPort: 0 };
    expect(codes(d)).toEqual(['edge-source-missing edges.f.source', 'edge-target-missing edges.f.target']);
  });

  it('finds two edges on one input port', () => {
    const d = doc();
    d.nodes.c = { id: 'c', kind: 'ReLU', params: {}, position: { x: 0, y: 0 } };
    d.edges.f = { id: 'f', source: 'c', target: 'b', targetPort: 0 };
    const issues = checkIntegrity(d);
    expect(issues.map((i) => i.code)).toEqual(['port-taken']);
    expect(issues[0]?.message).toBe('edges "e" and "f" both feed input 0 of node "b"');
  });

  it('finds missing and looping block references', () => {
    const d = doc();
    d.nodes.b = { id: 'b', kind: 'ReLU', params: {}, position: { x: 0, y: 0 }, group: 'nope' };
    d.groups.p = { id: 'p', label: 'p', collapsed: false, repeat: 1, parent: 'q' };
    d.groups.q = { id: 'q', label: 'q', collapsed: false, repeat: 1, parent: 'p' };
    d.groups.r = { id: 'r', label: 'r', collapsed: false, repeat: 1, parent: 'p' };
    d.groups.s = { id: 's', label: 's', collapsed: false, repeat: 1, parent: 'missing' };
    expect(codes(d)).toEqual(['node-group-missing nodes.b.group', 'group-parent-cycle groups.p.parent', 'group-parent-cycle groups.q.parent', 'group-parent-missing groups.s.parent']);
  });
});
