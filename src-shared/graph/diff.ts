import { deepEqual } from './canonical.js';
import { copyRecords, getId, hasId, newRecords } from './records.js';
import type { DocumentMeta, GraphDocument, GraphEdge, GraphGroup, GraphNode, InputSpec } from './document.js';

/**
 * Diffs of a document (ARCHITECTURE.md principle 2, after tldraw's `RecordsDiff`). Every edit is a
 * diff; undo applies the inverse; autosave and incremental revalidation read the same diff.
 * A diff is plain JSON (tuples are arrays), so it can be stored or sent as is.
 */

/** Changes to one record collection. An id appears in at most one of the three sections. */
export interface RecordsDiff<R> {
  readonly added: Readonly<Record<string, R>>;
  /** `[from, to]`: the whole record before and after. */
  readonly updated: Readonly<Record<string, readonly [R, R]>>;
  readonly removed: Readonly<Record<string, R>>;
}

export interface GraphDiff {
  readonly nodes: RecordsDiff<GraphNode>;
  readonly edges: RecordsDiff<GraphEdge>;
  readonly groups: RecordsDiff<GraphGroup>;
  /** Present only when the document's metadata changed. */
  readonly meta?: readonly [DocumentMeta, DocumentMeta];
  /** Present only when the input spec changed. */
  readonly input?: readonly [InputSpec, InputSpec];
}

export type RecordCollection = 'nodes' | 'edges' | 'groups';
export const RECORD_COLLECTIONS: readonly RecordCollection[] = ['nodes', 'edges', 'groups'];

type RecordOf<C extends RecordCollection> = GraphDocument[C][string];

/** Thrown by applyDiff when a diff does not fit the document it is applied to. */
export class DiffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffError';
  }
}

export function emptyRecordsDiff<R>(): RecordsDiff<R> {
  return { added: newRecords(), updated: newRecords(), removed: newRecords() };
}

export function emptyDiff(): GraphDiff {
  return { nodes: emptyRecordsDiff(), edges: emptyRecordsDiff(), groups: emptyRecordsDiff() };
}

function isEmptyRecordsDiff(d: RecordsDiff<unknown>): boolean {
  return Object.keys(d.added).length === 0 && Object.keys(d.updated).length === 0 && Object.keys(d.removed).length === 0;
}

/** True when the diff changes nothing at all. */
export function isEmptyDiff(diff: GraphDiff): boolean {
  return diff.meta === undefined && diff.input === undefined && RECORD_COLLECTIONS.every((c) => isEmptyRecordsDiff(diff[c]));
}

function applyRecordsDiff<R extends { id: string }>(
  collection: RecordCollection,
  current: Readonly<Record<string, R>>,
  d: RecordsDiff<R>,
): Readonly<Record<string, R>> {
  if (isEmptyRecordsDiff(d)) return current;
  const what = collection.slice(0, -1);
  const next = copyRecords(current);
  for (const [id, rec] of Object.entries(d.removed)) {
    if (hasId(d.added, id) || hasId(d.updated, id)) throw new DiffError(`malformed diff: ${what} "${id}" is in more than one section`);
    const have = next[id];
    if (have === undefined) throw new DiffError(`cannot remove ${what} "${id}": it does not exist`);
    if (!deepEqual(have, rec)) throw new DiffError(`cannot remove ${what} "${id}": it differs from the record the diff expects`);
    delete next[id];
  }
  for (const [id, pair] of Object.entries(d.updated)) {
    if (hasId(d.added, id)) throw new DiffError(`malformed diff: ${what} "${id}" is in more than one section`);
    const [from, to] = pair;
    if (to.id !== id || from.id !== id) throw new DiffError(`malformed diff: ${what} keyed "${id}" has id "${to.id !== id ? to.id : from.id}"`);
    const have = next[id];
    if (have === undefined) throw new DiffError(`cannot update ${what} "${id}": it does not exist`);
    if (!deepEqual(have, from)) throw new DiffError(`cannot update ${what} "${id}": it differs from the record the diff expects`);
    next[id] = to;
  }
  for (const [id, rec] of Object.entries(d.added)) {
    if (rec.id !== id) throw new DiffError(`malformed diff: ${what} keyed "${id}" has id "${rec.id}"`);
    if (hasId(next, id)) throw new DiffError(`cannot add ${what} "${id}": the id is taken`);
    next[id] = rec;
  }
  return next;
}

/**
 * Applies a diff to a document and returns a new document; the input is never mutated and records
 * the diff does not touch are shared. Throws DiffError when the diff does not fit: adding an id
 * that exists, updating or removing one that does not, or a `from` that differs from the record
 * in the document (a stale diff).
 */
export function applyDiff(doc: GraphDocument, diff: GraphDiff): GraphDocument {
  let meta = doc.meta;
  let input = doc.input;
  if (diff.meta !== undefined) {
    if (!deepEqual(doc.meta, diff.meta[0])) throw new DiffError('cannot change the metadata: it differs from what the diff expects');
    meta = diff.meta[1];
  }
  if (diff.input !== undefined) {
    if (!deepEqual(doc.input, diff.input[0])) throw new DiffError('cannot change the input spec: it differs from what the diff expects');
    input = diff.input[1];
  }
  const nodes = applyRecordsDiff('nodes', doc.nodes, diff.nodes);
  const edges = applyRecordsDiff('edges', doc.edges, diff.edges);
  const groups = applyRecordsDiff('groups', doc.groups, diff.groups);
  if (meta === doc.meta && input === doc.input && nodes === doc.nodes && edges === doc.edges && groups === doc.groups) return doc;
  return { ...doc, meta, input, nodes, edges, groups };
}

function invertRecordsDiff<R>(d: RecordsDiff<R>): RecordsDiff<R> {
  const updated = newRecords<readonly [R, R]>();
  for (const [id, [from, to]] of Object.entries(d.updated)) updated[id] = [to, from];
  return { added: d.removed, updated, removed: d.added };
}

/** The diff that undoes `diff`: applyDiff(applyDiff(doc, d), invertDiff(d)) equals doc. */
export function invertDiff(diff: GraphDiff): GraphDiff {
  const out: { -readonly [K in keyof GraphDiff]: GraphDiff[K] } = {
    nodes: invertRecordsDiff(diff.nodes),
    edges: invertRecordsDiff(diff.edges),
    groups: invertRecordsDiff(diff.groups),
  };
  if (diff.meta !== undefined) out.meta = [diff.meta[1], diff.meta[0]];
  if (diff.input !== undefined) out.input = [diff.input[1], diff.input[0]];
  return out;
}

function composeRecordsDiffs<R>(a: RecordsDiff<R>, b: RecordsDiff<R>): RecordsDiff<R> {
  if (isEmptyRecordsDiff(b)) return a;
  if (isEmptyRecordsDiff(a)) return b;
  const added = copyRecords(a.added);
  const updated = copyRecords(a.updated);
  const removed = copyRecords(a.removed);
  for (const [id, rec] of Object.entries(b.added)) {
    const gone = removed[id];
    if (gone !== undefined) {
      // removed by a, re-added by b: an update, or nothing when it came back unchanged.
      delete removed[id];
      if (!deepEqual(gone, rec)) updated[id] = [gone, rec];
    } else {
      added[id] = rec;
    }
  }
  for (const [id, [from, to]] of Object.entries(b.updated)) {
    const created = added[id];
    const earlier = updated[id];
    if (created !== undefined) {
      added[id] = to;
    } else if (earlier !== undefined) {
      if (deepEqual(earlier[0], to)) delete updated[id];
      else updated[id] = [earlier[0], to];
    } else {
      updated[id] = [from, to];
    }
  }
  for (const [id, rec] of Object.entries(b.removed)) {
    const earlier = updated[id];
    if (added[id] !== undefined) {
      delete added[id];
    } else if (earlier !== undefined) {
      delete updated[id];
      removed[id] = earlier[0];
    } else {
      removed[id] = rec;
    }
  }
  return { added, updated, removed };
}

function composePair<T>(a: readonly [T, T] | undefined, b: readonly [T, T] | undefined): readonly [T, T] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return deepEqual(a[0], b[1]) ? undefined : [a[0], b[1]];
}

/**
 * Squashes two consecutive diffs into one: applying the result equals applying `a` then `b`.
 * Changes that cancel out (added then removed, moved back) disappear.
 */
export function composeDiffs(a: GraphDiff, b: GraphDiff): GraphDiff {
  const out: { -readonly [K in keyof GraphDiff]: GraphDiff[K] } = {
    nodes: composeRecordsDiffs(a.nodes, b.nodes),
    edges: composeRecordsDiffs(a.edges, b.edges),
    groups: composeRecordsDiffs(a.groups, b.groups),
  };
  const meta = composePair(a.meta, b.meta);
  const input = composePair(a.input, b.input);
  if (meta !== undefined) out.meta = meta;
  if (input !== undefined) out.input = input;
  return out;
}

function diffRecords<R>(from: Readonly<Record<string, R>>, to: Readonly<Record<string, R>>): RecordsDiff<R> {
  if (from === to) return emptyRecordsDiff();
  const added = newRecords<R>();
  const updated = newRecords<readonly [R, R]>();
  const removed = newRecords<R>();
  for (const [id, rec] of Object.entries(from)) {
    const other = getId(to, id);
    if (other === undefined) removed[id] = rec;
    else if (other !== rec && !deepEqual(rec, other)) updated[id] = [rec, other];
  }
  for (const [id, rec] of Object.entries(to)) if (!hasId(from, id)) added[id] = rec;
  return { added, updated, removed };
}

/** The diff that turns `from` into `to` (records compared by reference first, then structurally). */
export function diffDocuments(from: GraphDocument, to: GraphDocument): GraphDiff {
  const out: { -readonly [K in keyof GraphDiff]: GraphDiff[K] } = {
    nodes: diffRecords<RecordOf<'nodes'>>(from.nodes, to.nodes),
    edges: diffRecords<RecordOf<'edges'>>(from.edges, to.edges),
    groups: diffRecords<RecordOf<'groups'>>(from.groups, to.groups),
  };
  if (!deepEqual(from.meta, to.meta)) out.meta = [from.meta, to.meta];
  if (!deepEqual(from.input, to.input)) out.input = [from.input, to.input];
  return out;
}

/** Ids of every record the diff touches in one collection (added, updated or removed). */
export function touchedIds(diff: GraphDiff, collection: RecordCollection): string[] {
  const d = diff[collection];
  return [...Object.keys(d.added), ...Object.keys(d.updated), ...Object.keys(d.removed)];
}
