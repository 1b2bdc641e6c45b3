import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './heap.js';

describe('MinHeap', () => {
  it('pops numbers and strings in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const h = new MinHeap<number>();
        for (const x of xs) h.push(x);
        const out: number[] = [];
        for (let v = h.pop(); v !== undefined; v = h.pop()) out.push(v);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
    const s = new MinHeap<string>();
    for (const x of ['b', 'a', 'c']) s.push(x);
    expect([s.pop(), s.pop(), s.pop(), s.pop()]).toEqual(['a', 'b', 'c', undefined]);
  });
});
