import { deepEqual } from './canonical.js';
import { applyDiff, composeDiffs, invertDiff, isEmptyDiff } from './diff.js';
import type { GraphDiff } from './diff.js';
import type { GraphDocument } from './document.js';

/**
 * Undo/redo over diffs, as immutable data: every function returns a new History and never mutates
 * its argument. Undo applies the inverse of the last diff, redo re-applies it. Consecutive moves of
 * the same nodes (a drag sends many) fold into one entry until the history is sealed (drag end),
 * another kind of edit arrives, or more than `coalesceMs` passes between them.
 */
export interface HistoryEntry {
  readonly diff: GraphDiff;
  readonly label?: string;
  /** Caller's clock (ms) at the last push into this entry, when given. */
  readonly time?: number;
  /** A sealed entry takes no more coalesced moves. */
  readonly sealed?: boolean;
}

export interface History {
  /** Oldest first; the last one is what undo reverts. */
  readonly past: readonly HistoryEntry[];
  /** Most recently undone last; the last one is what redo re-applies. */
  readonly future: readonly HistoryEntry[];
  /** Most entries kept in `past`; older ones are dropped. */
  readonly limit: number;
  /** Moves further apart than this (ms, when both pushes carry a time) are not coalesced. */
  readonly coalesceMs: number;
}

export const DEFAULT_HISTORY_LIMIT = 200;
export const DEFAULT_COALESCE_MS = 1000;

export function createHistory(options: { readonly limit?: number; readonly coalesceMs?: number } = {}): History {
  const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_HISTORY_LIMIT));
  return { past: [], future: [], limit, coalesceMs: options.coalesceMs ?? DEFAULT_COALESCE_MS };
}

export function canUndo(h: History): boolean {
  return h.past.length > 0;
}

export function canRedo(h: History): boolean {
  return h.future.length > 0;
}

/**
 * The node ids a diff moves, sorted, when it is a pure move (only node updates that change
 * nothing but the position); otherwise null.
 */
export function movedNodes(diff: GraphDiff): string[] | null {
  if (diff.meta !== undefined || diff.input !== undefined) return null;
  for (const c of ['edges', 'groups'] as const) {
    const d = diff[c];
    if (Object.keys(d.added).length + Object.keys(d.updated).length + Object.keys(d.removed).length > 0) return null;
  }
  if (Object.keys(diff.nodes.added).length + Object.keys(diff.nodes.removed).length > 0) return null;
  const ids = Object.keys(diff.nodes.updated);
  if (ids.length === 0) return null;
  for (const [from, to] of Object.values(diff.nodes.updated)) {
    if (!deepEqual({ ...from, position: null }, { ...to, position: null })) return null;
  }
  return ids.sort();
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface PushOptions {
  readonly label?: string;
  /** The caller's clock in ms; enables the coalescing time window. */
  readonly time?: number;
  /** Set false to never fold this diff into the previous entry. Default true. */
  readonly coalesce?: boolean;
}

/**
 * Records an edit. Clears the redo stack. An empty diff changes nothing (the redo stack is kept).
 * A pure move of the same nodes as the previous unsealed pure-move entry is squashed into it.
 */
export function pushHistory(h: History, diff: GraphDiff, options: PushOptions = {}): History {
  if (isEmptyDiff(diff)) return h;
  const last = h.past[h.past.length - 1];
  if (last !== undefined && options.coalesce !== false && last.sealed !== true) {
    const moved = movedNodes(diff);
    const before = moved === null ? null : movedNodes(last.diff);
    const inWindow = options.time === undefined || last.time === undefined || options.time - last.time <= h.coalesceMs;
    if (moved !== null && before !== null && sameIds(moved, before) && inWindow) {
      const squashed = composeDiffs(last.diff, diff);
      const rest = h.past.slice(0, -1);
      if (isEmptyDiff(squashed)) return { ...h, past: rest, future: [] };
      const entry: HistoryEntry = { ...last, diff: squashed, ...(options.time === undefined ? {} : { time: options.time }) };
      return { ...h, past: [...rest, entry], future: [] };
    }
  }
  const entry: HistoryEntry = {
    diff,
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(options.time === undefined ? {} : { time: options.time }),
  };
  const past = [...h.past, entry];
  return { ...h, past: past.length > h.limit ? past.slice(past.length - h.limit) : past, future: [] };
}

/** Ends coalescing: the next move starts a new entry (call at drag end). */
export function sealHistory(h: History): History {
  const last = h.past[h.past.length - 1];
  if (last === undefined || last.sealed === true) return h;
  return { ...h, past: [...h.past.slice(0, -1), { ...last, sealed: true }] };
}

export interface HistoryStep {
  readonly history: History;
  readonly doc: GraphDocument;
  /** The diff that was applied to the document (the inverse of the entry's for undo). */
  readonly diff: GraphDiff;
  readonly label?: string;
}

/**
 * Reverts the last edit of `doc`; undefined when there is nothing to undo. Throws DiffError when
 * `doc` is not the document the history ends at (an edit bypassed the history).
 */
export function undo(h: History, doc: GraphDocument): HistoryStep | undefined {
  const entry = h.past[h.past.length - 1];
  if (entry === undefined) return undefined;
  const diff = invertDiff(entry.diff);
  const next = applyDiff(doc, diff);
  const past = h.past.slice(0, -1);
  const top = past[past.length - 1];
  // The entry we returned to must not swallow the next move.
  if (top !== undefined && top.sealed !== true) past[past.length - 1] = { ...top, sealed: true };
  const history: History = { ...h, past, future: [...h.future, { ...entry, sealed: true }] };
  return { history, doc: next, diff, ...(entry.label === undefined ? {} : { label: entry.label }) };
}

/** Re-applies the last undone edit; undefined when there is nothing to redo. */
export function redo(h: History, doc: GraphDocument): HistoryStep | undefined {
  const entry = h.future[h.future.length - 1];
  if (entry === undefined) return undefined;
  const next = applyDiff(doc, entry.diff);
  const past = [...h.past, { ...entry, sealed: true }];
  const history: History = { ...h, past: past.length > h.limit ? past.slice(past.length - h.limit) : past, future: h.future.slice(0, -1) };
  return { history, doc: next, diff: entry.diff, ...(entry.label === undefined ? {} : { label: entry.label }) };
}
