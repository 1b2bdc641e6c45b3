import type { GraphDocument } from '../../../src-shared/graph/document.js';
import type { DocumentDiff, FieldChange, RecordRef, RecordsDiff } from '../../../src-shared/api/services/projects.js';
import { deepEqual } from '../../../src-shared/graph/canonical.js';
import { nodeName } from '../../../src-shared/graph/diagnostics.js';

const same = (a: unknown, b: unknown): boolean => deepEqual(a, b);

function change(field: string, before: unknown, after: unknown): FieldChange {
  const c: FieldChange = { field };
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
  return c;
}

/** Field-by-field changes of two records; object-valued `params` is compared key by key. */
function fieldChanges(a: Record<string, unknown>, b: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (same(x, y)) continue;
    if (k === 'params' && isRecord(x) && isRecord(y)) {
      for (const p of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
        if (!same(x[p], y[p])) out.push(change(`params.${p}`, x[p], y[p]));
      }
    } else {
      out.push(change(k, x, y));
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diffRecords<T extends { id: string }>(
  before: Record<string, T>,
  after: Record<string, T>,
  ref: (r: T, side: 'before' | 'after') => RecordRef,
): RecordsDiff {
  const d: RecordsDiff = { added: [], removed: [], changed: [] };
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const id of ids) {
    const a = before[id];
    const b = after[id];
    if (a === undefined && b !== undefined) d.added.push(ref(b, 'after'));
    else if (a !== undefined && b === undefined) d.removed.push(ref(a, 'before'));
    else if (a !== undefined && b !== undefined) {
      const changes = fieldChanges(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>);
      if (changes.length > 0) d.changed.push({ ...ref(b, 'after'), changes });
    }
  }
  return d;
}

/**
 * What changed from `before` to `after`: nodes, edges and groups added / removed / changed (each
 * change names the field, params key by key, with its value before and after), and changes of the
 * document's own fields (input, meta). Computed on the documents' records, keyed by id.
 */
export function diffDocuments(before: GraphDocument, after: GraphDocument): DocumentDiff {
  const nodes = diffRecords(before.nodes, after.nodes, (n) => ({ id: n.id, kind: n.kind, ...(n.label !== undefined ? { label: n.label } : {}) }));
  // A connection is named by its layers as the person sees them (label, else id) in the version it
  // belongs to, with the input it feeds when that is not the first: "conv2 → add (input 2)".
  const docs = { before, after };
  const name = (id: string, side: 'before' | 'after'): string => {
    const n = docs[side].nodes[id] ?? docs[side === 'before' ? 'after' : 'before'].nodes[id];
    return n === undefined ? id : nodeName(n);
  };
  const edges = diffRecords(before.edges, after.edges, (e, side) => ({
    id: e.id,
    label: `${name(e.source, side)} → ${name(e.target, side)}${e.targetPort > 0 ? ` (input ${e.targetPort + 1})` : ''}`,
  }));
  const groups = diffRecords(before.groups, after.groups, (g) => ({ id: g.id, label: g.label }));
  const document: FieldChange[] = [];
  for (const k of ['schemaVersion', 'input', 'meta'] as const) {
    if (!same(before[k], after[k])) document.push(change(k, before[k], after[k]));
  }
  const empty = (r: RecordsDiff): boolean => r.added.length === 0 && r.removed.length === 0 && r.changed.length === 0;
  return { identical: empty(nodes) && empty(edges) && empty(groups) && document.length === 0, nodes, edges, groups, document };
}
