import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../src-shared/graph/document.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { needsLayout } from './needs-layout.js';

function doc(positions: [number, number][]): GraphDocument {
  const d = emptyDocument('t');
  positions.forEach(([x, y], i) => {
    d.nodes[`n${i}`] = { id: `n${i}`, kind: 'ReLU', params: {}, position: { x, y } };
  });
  return d;
}

describe('needsLayout', () => {
  it('is true when every layer sits at one spot, false once they are spread out or alone', () => {
    expect(needsLayout(doc([[0, 0], [0, 0], [0.2, 0]]))).toBe(true);
    expect(needsLayout(doc([[0, 0], [300, 0]]))).toBe(false);
    expect(needsLayout(doc([[0, 0]]))).toBe(false);
    expect(needsLayout(doc([]))).toBe(false);
  });
});
