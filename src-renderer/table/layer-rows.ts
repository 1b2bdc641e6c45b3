import { ancestry } from '../../src-shared/graph/blocks.js';
import { costReport } from '../../src-shared/graph/cost.js';
import type { Diagnostic, Severity } from '../../src-shared/graph/diagnostics.js';
import type { GroupId, NodeId } from '../../src-shared/graph/document.js';
import { diagnosticsOf } from '../../src-shared/graph/infer.js';
import type { ShapeAnalysis } from '../../src-shared/graph/infer.js';
import { getId } from '../../src-shared/graph/records.js';
import { repeatFactors } from '../../src-shared/graph/repeat.js';
import type { Shape } from '../../src-shared/layers/types.js';

/**
 * The layer table's model (Keras `model.summary()`, Deep Network Designer's analyzer): one row per
 * layer in graph (topological) order with its block, kind, output shape, params, FLOPs and its
 * diagnostics; sorting; CSV and Markdown. Pure: no React, no DOM.
 */

export interface RowProblem {
  readonly severity: Severity;
  readonly message: string;
}

export interface LayerRow {
  /** 1-based position in graph order (layers on or after a cycle come last). */
  readonly index: number;
  readonly id: NodeId;
  /** The label, else the id. */
  readonly name: string;
  readonly kind: string;
  /** The blocks around the layer, outermost first. */
  readonly blocks: readonly GroupId[];
  /** The block path as read: `stage 1 › block 2`; '' outside any block. */
  readonly block: string;
  /** How many times the layer runs (the product of its blocks' repeats). */
  readonly runs: number;
  readonly shape: Shape | null;
  /** Trainable params and multiply-adds per example, counted `runs` times; null without a shape. */
  readonly params: number | null;
  readonly flops: number | null;
  readonly problems: readonly RowProblem[];
  /** The worst severity among `problems`, or null when there are none. */
  readonly worst: Severity | null;
}

export type SortKey = 'index' | 'name' | 'block' | 'kind' | 'shape' | 'params' | 'flops' | 'problems';
export type SortDir = 'asc' | 'desc';
export interface SortState {
  readonly key: SortKey;
  readonly dir: SortDir;
}

export const DEFAULT_SORT: SortState = { key: 'index', dir: 'asc' };

export const COLUMNS: readonly { readonly key: SortKey; readonly label: string; readonly numeric: boolean }[] = [
  { key: 'index', label: '#', numeric: true },
  { key: 'name', label: 'Layer', numeric: false },
  { key: 'block', label: 'Block', numeric: false },
  { key: 'kind', label: 'Kind', numeric: false },
  { key: 'shape', label: 'Output shape', numeric: false },
  { key: 'params', label: 'Params', numeric: true },
  { key: 'flops', label: 'FLOPs', numeric: true },
  { key: 'problems', label: 'Problems', numeric: false },
];

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };

/** A shape as the table prints it: `32×32×16`; `?` when the layer has none. */
export function shapeText(shape: Shape | null): string {
  if (shape === null) return '?';
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** Every layer of the analysed document, in graph order. */
export function layerRows(analysis: ShapeAnalysis): LayerRow[] {
  const doc = analysis.doc;
  const cost = costReport(analysis);
  const factors = repeatFactors(doc);
  const problems = new Map<NodeId, RowProblem[]>();
  const add = (id: NodeId, d: Diagnostic): void => {
    const list = problems.get(id);
    const p = { severity: d.severity, message: d.message };
    if (list === undefined) problems.set(id, [p]);
    else if (!list.some((q) => q.message === p.message)) list.push(p);
  };
  for (const d of diagnosticsOf(analysis)) if (d.nodeId !== undefined) add(d.nodeId, d);
  const blockNames = new Map<GroupId, string>();
  const blockName = (g: GroupId): string => {
    let name = blockNames.get(g);
    if (name === undefined) {
      const rec = getId(doc.groups, g);
      name = rec === undefined ? g : `${rec.label || g}${rec.repeat > 1 ? ` ×${rec.repeat}` : ''}`;
      blockNames.set(g, name);
    }
    return name;
  };
  const rows: LayerRow[] = [];
  for (const id of [...analysis.order, ...analysis.blocked]) {
    const info = analysis.nodes.get(id);
    if (info === undefined) continue;
    const blocks = ancestry(doc, info.node.group).reverse();
    const runs = factors.get(id) ?? 1;
    const c = cost.nodes.get(id);
    const list = problems.get(id) ?? [];
    let worst: Severity | null = null;
    for (const p of list) if (worst === null || SEVERITY_RANK[p.severity] > SEVERITY_RANK[worst]) worst = p.severity;
    rows.push({
      index: rows.length + 1,
      id,
      name: info.node.label ?? id,
      kind: info.node.kind,
      blocks,
      block: blocks.map(blockName).join(' › '),
      runs,
      shape: info.shape,
      params: c === undefined ? null : c.params * runs,
      flops: c === undefined ? null : c.flops * runs,
      problems: list,
      worst,
    });
  }
  return rows;
}

/** True when two rows show the same thing (a table row need not re-render). */
export function sameRow(a: LayerRow, b: LayerRow): boolean {
  if (a === b) return true;
  return (
    a.id === b.id &&
    a.index === b.index &&
    a.name === b.name &&
    a.block === b.block &&
    a.kind === b.kind &&
    a.runs === b.runs &&
    shapeText(a.shape) === shapeText(b.shape) &&
    a.params === b.params &&
    a.flops === b.flops &&
    a.worst === b.worst &&
    a.problems.length === b.problems.length &&
    a.problems.every((p, i) => p.message === b.problems[i]?.message && p.severity === b.problems[i]?.severity)
  );
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareShapes(a: Shape | null, b: Shape | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  // Bigger tensors first within a rank, then lexicographic on the dimensions.
  const size = (s: Shape): number => s.reduce((p, v) => p * v, 1);
  const d = size(a) - size(b);
  if (d !== 0) return d;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = (a[i] ?? 0) - (b[i] ?? 0);
    if (x !== 0) return x;
  }
  return a.length - b.length;
}

function compareNullable(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a - b;
}

function compare(key: SortKey, a: LayerRow, b: LayerRow): number {
  switch (key) {
    case 'index':
      return a.index - b.index;
    case 'name':
      return collator.compare(a.name, b.name);
    case 'block':
      // Layers outside any block last.
      if (a.block === '' || b.block === '') return a.block === b.block ? 0 : a.block === '' ? 1 : -1;
      return collator.compare(a.block, b.block);
    case 'kind':
      return collator.compare(a.kind, b.kind);
    case 'shape':
      return compareShapes(a.shape, b.shape);
    case 'params':
      return compareNullable(a.params, b.params);
    case 'flops':
      return compareNullable(a.flops, b.flops);
    case 'problems': {
      const r = (x: LayerRow): number => (x.worst === null ? 0 : SEVERITY_RANK[x.worst]);
      return r(a) - r(b) || a.problems.length - b.problems.length;
    }
  }
}

/**
 * The rows sorted by a column; ties keep graph order. Layers without a value (no shape, no cost)
 * stay last in either direction.
 */
export function sortRows(rows: readonly LayerRow[], sort: SortState): LayerRow[] {
  if (sort.key === 'index' && sort.dir === 'asc') return [...rows];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const missing = (r: LayerRow): boolean =>
    (sort.key === 'shape' && r.shape === null) || (sort.key === 'params' && r.params === null) || (sort.key === 'flops' && r.flops === null) || (sort.key === 'block' && r.block === '');
  return [...rows].sort((a, b) => {
    const ma = missing(a);
    const mb = missing(b);
    if (ma || mb) return ma === mb ? a.index - b.index : ma ? 1 : -1;
    return sign * compare(sort.key, a, b) || a.index - b.index;
  });
}

/** Clicking a column's header: the same column flips; another starts ascending (numbers: largest first). */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const numeric = key === 'params' || key === 'flops' || key === 'problems';
  return { key, dir: numeric ? 'desc' : 'asc' };
}

// ---- export ----

/** The cells of a row as exported: numbers unformatted (exact), the problems joined. */
function cells(r: LayerRow): string[] {
  return [
    String(r.index),
    r.name,
    r.id,
    r.block,
    r.kind,
    shapeText(r.shape),
    r.params === null ? '' : String(r.params),
    r.flops === null ? '' : String(r.flops),
    r.problems.map((p) => `${p.severity}: ${p.message}`).join('; '),
  ];
}

const EXPORT_HEADER = ['#', 'Layer', 'Id', 'Block', 'Kind', 'Output shape', 'Params', 'FLOPs', 'Problems'];

function csvCell(v: string): string {
  // A cell a spreadsheet would run as a formula is kept as text.
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV (CRLF line ends), a header row first. */
export function toCsv(rows: readonly LayerRow[]): string {
  return [EXPORT_HEADER, ...rows.map(cells)].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function mdCell(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table (numbers right-aligned), with a totals line under it. */
export function toMarkdown(rows: readonly LayerRow[], title: string): string {
  const align = EXPORT_HEADER.map((h) => (h === '#' || h === 'Params' || h === 'FLOPs' ? '---:' : '---'));
  const lines = [`| ${EXPORT_HEADER.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${cells(r).map(mdCell).join(' | ')} |`)];
  const params = rows.reduce((s, r) => s + (r.params ?? 0), 0);
  const flops = rows.reduce((s, r) => s + (r.flops ?? 0), 0);
  return `## ${mdCell(title)}\n\n${lines.join('\n')}\n\n${rows.length} layers · ${params} params · ${flops} FLOPs\n`;
}
