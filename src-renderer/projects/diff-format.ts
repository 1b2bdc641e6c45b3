import type { DocumentDiff, FieldChange, RecordRef, RecordsDiff } from '../../src-shared/api/services/projects.js';

export interface DiffLine {
  readonly sign: '+' | '−' | '~';
  /** "conv2 (conv2d)" */
  readonly title: string;
  /** "filters: 16 → 32" for a changed record. */
  readonly details: readonly string[];
}

export interface DiffSection {
  readonly title: string;
  readonly lines: readonly DiffLine[];
}

const MAX_VALUE = 80;

/** A value as one short line: absent → "—", strings plain, the rest as compact JSON. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'object' && v !== null && 'x' in v && 'y' in v && Object.keys(v).length === 2) {
    const p = v as { x: unknown; y: unknown };
    s = `(${typeof p.x === 'number' ? Math.round(p.x) : String(p.x)}, ${typeof p.y === 'number' ? Math.round(p.y) : String(p.y)})`;
  } else s = JSON.stringify(v) ?? String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

/** "params.filters: 16 → 32"; a field that appears or disappears says so. */
export function formatChange(c: FieldChange): string {
  const field = c.field.startsWith('params.') ? c.field.slice('params.'.length) : c.field;
  if (c.before === undefined) return `${field}: set to ${formatValue(c.after)}`;
  if (c.after === undefined) return `${field}: ${formatValue(c.before)} removed`;
  return `${field}: ${formatValue(c.before)} → ${formatValue(c.after)}`;
}

function titleOf(r: RecordRef): string {
  const name = r.label ?? r.id;
  return r.kind === undefined ? name : `${name} (${r.kind})`;
}

function linesOf(d: RecordsDiff): DiffLine[] {
  return [
    ...d.added.map((r): DiffLine => ({ sign: '+', title: titleOf(r), details: [] })),
    ...d.removed.map((r): DiffLine => ({ sign: '−', title: titleOf(r), details: [] })),
    ...d.changed.map((r): DiffLine => ({ sign: '~', title: titleOf(r), details: r.changes.map(formatChange) })),
  ];
}

function counts(d: RecordsDiff): string {
  const parts: string[] = [];
  if (d.added.length > 0) parts.push(`${d.added.length} added`);
  if (d.removed.length > 0) parts.push(`${d.removed.length} removed`);
  if (d.changed.length > 0) parts.push(`${d.changed.length} changed`);
  return parts.join(', ');
}

/** The diff as sections a person reads: layers, connections, blocks, the network's own settings (empty ones left out). */
export function diffSections(diff: DocumentDiff): DiffSection[] {
  const out: DiffSection[] = [];
  const push = (name: string, d: RecordsDiff): void => {
    const lines = linesOf(d);
    if (lines.length > 0) out.push({ title: `${name}: ${counts(d)}`, lines });
  };
  push('Layers', diff.nodes);
  push('Connections', diff.edges);
  push('Blocks', diff.groups);
  if (diff.document.length > 0) {
    out.push({ title: 'Network', lines: diff.document.map((c): DiffLine => ({ sign: '~', title: c.field, details: [formatChange({ ...c, field: 'value' }).replace(/^value: /, '')] })) });
  }
  return out;
}
