import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';
import { DiffError } from './diff.js';
import { emptyDocument } from './document.js';
import type { GraphDocument } from './document.js';
import { canRedo, canUndo, createHistory, movedNodes, pushHistory, redo, sealHistory, undo } from './history.js';
import type { History } from './history.js';
import { addNode, connect, moveNodes, updateNode } from './ops.js';
import type { OpResult, OpSuccess } from './ops.js';
import { EDIT_NAMES, deepFreeze, runEdit } from './testing.js';
import type { EditSeed } from './testing.js';

function ok<X extends object>(r: OpResult<X>): OpSuccess & X {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  deepFreeze(r.doc);
  deepFreeze(r.diff);
  return r;
}

const text = (doc: GraphDocument): string => canonicalJson(doc);

/** An editor session in miniature: a document and its history, edited through ops. */
interface Session {
  doc: GraphDocument;
  h: History;
}

function edit(s: Session, r: OpResult, time?: number): Session {
  const { doc, diff } = ok(r);
  return { doc, h: deepFreeze(pushHistory(s.h, diff, time === undefined ? {} : { time })) };
}

function undoOnce(s: Session): Session {
  const step = undo(s.h, s.doc);
  if (step === undefined) throw new Error('nothing to undo');
  return { doc: deepFreeze(step.doc), h: deepFreeze(step.history) };
}

function redoOnce(s: Session): Session {
  const step = redo(s.h, s.doc);
  if (step === undefined) throw new Error('nothing to redo');
  return { doc: deepFreeze(step.doc), h: deepFreeze(step.history) };
}

function start(limit?: number): Session {
  let doc = deepFreeze(emptyDocument('h'));
  doc = ok(addNode(doc, { id: 'a', kind: 'ReLU', position: { x: 0, y: 0 } })).doc;
  doc = ok(addNode(doc, { id: 'b', kind: 'ReLU', position: { x: 0, y: 0 } })).doc;
  return { doc, h: deepFreeze(createHistory(limit === undefined ? {} : { limit })) };
}

describe('undo / redo', () => {
  it('undoes and redoes in order, and a new edit clears redo', () => {
    let s = start();
    const s0 = text(s.doc);
    expect(canUndo(s.h)).toBe(false);
    expect(undo(s.h, s.doc)).toBeUndefined();
    expect(redo(s.h, s.doc)).toBeUndefined();
    s = edit(s, connect(s.doc, { source: 'a', target: 'b' }));
    const s1 = text(s.doc);
    s = edit(s, updateNode(s.doc, { id: 'b', params: { k: 1 } }));
    const s2 = text(s.doc);
    s = undoOnce(s);
    expect(text(s.doc)).toBe(s1);
    expect(canRedo(s.h)).toBe(true);
    s = undoOnce(s);
    expect(text(s.doc)).toBe(s0);
    expect(canUndo(s.h)).toBe(false);
    s = redoOnce(redoOnce(s));
    expect(text(s.doc)).toBe(s2);
    s = undoOnce(s);
    s = edit(s, updateNode(s.doc, { id: 'a', label: 'new' }));
    expect(canRedo(s.h)).toBe(false);
  });

  it('returns the applied diff and the label', () => {
    let s = start();
    const r = ok(connect(s.doc, { source: 'a', target: 'b' }));
    s = { doc: r.doc, h: pushHistory(s.h, r.diff, { label: 'Connect' }) };
    const step = undo(s.h, s.doc);
    expect(step?.label).toBe('Connect');
    expect(Object.keys(step?.diff.edges.removed ?? {})).toEqual([r.edgeId]);
  });

  it('ignores empty diffs without clearing redo', () => {
    let s = start();
    s = undoOnce(edit(s, updateNode(s.doc, { id: 'a', label: 'x' })));
    const noop = ok(updateNode(s.doc, { id: 'a', position: { x: 0, y: 0 } }));
    expect(pushHistory(s.h, noop.diff)).toBe(s.h);
  });

  it('keeps at most `limit` entries, dropping the oldest', () => {
    let s = start(3);
    const docs = [text(s.doc)];
    for (let i = 1; i <= 5; i++) {
      s = edit(s, updateNode(s.doc, { id: 'a', params: { i } }));
      docs.push(text(s.doc));
    }
    expect(s.h.past).toHaveLength(3);
    s = undoOnce(undoOnce(undoOnce(s)));
    expect(text(s.doc)).toBe(docs[2]);
    expect(canUndo(s.h)).toBe(false);
  });

  it('throws a DiffError when the document bypassed the history', () => {
    let s = start();
    s = edit(s, updateNode(s.doc, { id: 'a', params: { k: 1 } }));
    const elsewhere = ok(updateNode(s.doc, { id: 'a', params: { k: 2 } })).doc;
    expect(() => undo(s.h, elsewhere)).toThrow(DiffError);
  });
});

describe('coalescing moves', () => {
  it('folds consecutive moves of the same nodes into one entry', () => {
    let s = start();
    const s0 = text(s.doc);
    for (let i = 0; i < 5; i++) s = edit(s, moveNodes(s.doc, { ids: ['a', 'b'], by: { x: 3, y: 1 } }));
    expect(s.h.past).toHaveLength(1);
    expect(s.h.past[0]?.diff.nodes.updated.a?.[1].position).toEqual({ x: 15, y: 5 });
    expect(text(undoOnce(s).doc)).toBe(s0);
  });

  it('starts a new entry for other nodes, other edits, after seal, or outside the time window', () => {
    let s = start();
    s = edit(s, moveNodes(s.doc, { ids: ['a'], by: { x: 1, y: 0 } }));
    s = edit(s, moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } }));
    expect(s.h.past).toHaveLength(2);
    s = edit(s, updateNode(s.doc, { id: 'b', position: { x: 9, y: 9 }, label: 'moved and renamed' }));
    s = edit(s, moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } }));
    expect(s.h.past).toHaveLength(4);
    s = { ...s, h: sealHistory(s.h) };
    s = edit(s, moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } }));
    expect(s.h.past).toHaveLength(5);
    s = edit(s, moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } }), 1000);
    expect(s.h.past).toHaveLength(5);
    s = edit(s, moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } }), 1500);
    expect(s.h.past).toHaveLength(5);
    s = edit(s, moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } }), 5000);
    expect(s.h.past).toHaveLength(6);
    const noFold = pushHistory(s.h, ok(moveNodes(s.doc, { ids: ['b'], by: { x: 1, y: 0 } })).diff, { coalesce: false });
    expect(noFold.past).toHaveLength(7);
  });

  it('drops the entry when the nodes are moved back where they started', () => {
    let s = start();
    s = edit(s, updateNode(s.doc, { id: 'a', label: 'x' }));
    s = edit(s, moveNodes(s.doc, { ids: ['a'], by: { x: 4, y: 0 } }));
    s = edit(s, moveNodes(s.doc, { ids: ['a'], by: { x: -4, y: 0 } }));
    expect(s.h.past).toHaveLength(1);
  });

  it('does not fold a move into the entry that undo returned to', () => {
    let s = start();
    s = edit(s, moveNodes(s.doc, { ids: ['a'], by: { x: 1, y: 0 } }));
    s = edit(s, updateNode(s.doc, { id: 'a', label: 'x' }));
    s = undoOnce(s);
    s = edit(s, moveNodes(s.doc, { ids: ['a'], by: { x: 1, y: 0 } }));
    expect(s.h.past).toHaveLength(2);
  });

  it('recognises pure moves only', () => {
    const s = start();
    expect(movedNodes(ok(moveNodes(s.doc, { ids: ['b', 'a'], by: { x: 1, y: 1 } })).diff)).toEqual(['a', 'b']);
    expect(movedNodes(ok(updateNode(s.doc, { id: 'a', position: { x: 5, y: 5 }, params: { k: 1 } })).diff)).toBeNull();
    expect(movedNodes(ok(connect(s.doc, { source: 'a', target: 'b' })).diff)).toBeNull();
  });
});

const seedArb: fc.Arbitrary<EditSeed> = fc.record({
  op: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('add' as const, 'connect' as const, 'move' as const) }, { weight: 8, arbitrary: fc.constantFrom(...EDIT_NAMES) }),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
  d: fc.nat(1000),
});

describe('history properties', () => {
  it('undoing every edit returns the identical document; redoing every edit restores the final one', () => {
    fc.assert(
      fc.property(fc.array(seedArb, { maxLength: 40 }), (seeds) => {
        let s = start(1000);
        const initial = text(s.doc);
        for (const seed of seeds) {
          const run = runEdit(s.doc, seed);
          if (run === null || !run.result.ok) continue;
          s = edit(s, run.result);
        }
        const final = text(s.doc);
        while (canUndo(s.h)) s = undoOnce(s);
        expect(text(s.doc)).toBe(initial);
        while (canRedo(s.h)) s = redoOnce(s);
        expect(text(s.doc)).toBe(final);
      }),
      { numRuns: 100 },
    );
  });

  it('any mix of edits, undos and redos matches a simple stack-of-documents model', () => {
    type Action = { kind: 'edit'; seed: EditSeed } | { kind: 'undo' } | { kind: 'redo' };
    const actionArb: fc.Arbitrary<Action> = fc.oneof(
      { weight: 3, arbitrary: seedArb.map((seed): Action => ({ kind: 'edit', seed })) },
      { weight: 1, arbitrary: fc.constant<Action>({ kind: 'undo' }) },
      { weight: 1, arbitrary: fc.constant<Action>({ kind: 'redo' }) },
    );
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 50 }), fc.integer({ min: 1, max: 6 }), (actions, limit) => {
        let s = start(limit);
        // model: states[0..pos] are undoable back to states[floor]; states[pos+1..] are redoable
        let states = [text(s.doc)];
        let pos = 0;
        let floor = 0;
        for (const a of actions) {
          if (a.kind === 'edit') {
            const run = runEdit(s.doc, a.seed);
            if (run === null || !run.result.ok) continue;
            const { doc, diff } = ok(run.result);
            s = { doc, h: pushHistory(s.h, diff, { coalesce: false }) };
            if (text(doc) === states[pos]) continue; // an empty diff: nothing recorded
            states = [...states.slice(0, pos + 1), text(doc)];
            pos++;
            floor = Math.max(floor, pos - limit);
          } else if (a.kind === 'undo') {
            expect(canUndo(s.h)).toBe(pos > floor);
            if (pos > floor) {
              s = undoOnce(s);
              pos--;
            }
          } else {
            expect(canRedo(s.h)).toBe(pos < states.length - 1);
            if (pos < states.length - 1) {
              s = redoOnce(s);
              pos++;
              floor = Math.max(floor, pos - limit);
            }
          }
          expect(text(s.doc)).toBe(states[pos]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
