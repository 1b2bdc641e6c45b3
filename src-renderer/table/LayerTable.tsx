import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { ancestry } from '../../src-shared/graph/blocks.js';
import { formatCount } from '../../src-shared/graph/cost.js';
import { getId } from '../../src-shared/graph/records.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { NODE_H, NODE_W } from '../editor/geometry.js';
import type { Host } from '../host/host.js';
import { useApp } from '../state/app-store.js';
import { COLUMNS, DEFAULT_SORT, layerRows, nextSort, sameRow, shapeText, sortRows, toCsv, toMarkdown } from './layer-rows.js';
import type { LayerRow, SortState } from './layer-rows.js';
import '../ui/ui.css';
import './layer-table.css';

/** Every row is this tall (px): the table renders only the rows in view, plus a margin. */
const ROW_H = 24;
const OVERSCAN = 10;
const ICON = { error: '●', warning: '▲', info: 'ℹ' } as const;
const SORT_WORD = { asc: 'ascending', desc: 'descending' } as const;

function baseName(name: string): string {
  const base = name
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return base === '' ? 'network' : base;
}

interface RowProps {
  readonly row: LayerRow;
  readonly position: number;
  readonly selected: boolean;
  readonly active: boolean;
  readonly onPick: (row: LayerRow, position: number) => void;
  readonly onFocusRow: (position: number) => void;
}

const Row = memo(function Row({ row, position, selected, active, onPick, onFocusRow }: RowProps) {
  const first = row.problems[0];
  return (
    <tr
      className={`lt-row${selected ? ' selected' : ''}${row.worst === null ? '' : ` sev-${row.worst}`}`}
      aria-rowindex={position + 2}
      aria-selected={selected}
      tabIndex={active ? 0 : -1}
      data-row={position}
      data-node-id={row.id}
      data-testid="layer-row"
      onClick={() => onPick(row, position)}
      onFocus={() => onFocusRow(position)}
    >
      <td className="num">{row.index}</td>
      <th scope="row" className="lt-name" title={row.name === row.id ? row.id : `${row.name} (${row.id})`}>
        {row.name}
      </th>
      <td className="lt-block" title={row.block}>
        {row.block}
      </td>
      <td>{row.kind}</td>
      <td className="mono">{shapeText(row.shape)}</td>
      <td className="num" title={row.params === null ? 'unknown: the layer has no shape' : row.runs > 1 ? `${row.params.toLocaleString('en-US')} (×${row.runs} runs)` : undefined}>
        {row.params === null ? '–' : row.params.toLocaleString('en-US')}
      </td>
      <td className="num" title={row.flops === null ? 'unknown: the layer has no shape' : `${row.flops.toLocaleString('en-US')} multiply-adds per example`}>
        {row.flops === null ? '–' : formatCount(row.flops)}
      </td>
      <td className="lt-problems" title={row.problems.map((p) => `${p.severity}: ${p.message}`).join('\n')}>
        {first !== undefined && (
          <>
            <span className={`sev-icon sev-${row.worst ?? 'info'}`} aria-hidden="true">
              {ICON[row.worst ?? 'info']}
            </span>
            <span className="visually-hidden">{row.worst}: </span>
            {row.problems.length > 1 ? `(${row.problems.length}) ` : ''}
            {first.message}
          </>
        )}
      </td>
    </tr>
  );
},
// A row re-renders only when what it shows changed (rows are rebuilt on every analysis).
(a, b) => a.position === b.position && a.selected === b.selected && a.active === b.active && a.onPick === b.onPick && a.onFocusRow === b.onFocusRow && sameRow(a.row, b.row));

/**
 * The layer table (issue 15, item 5): every layer in graph order with its block, kind, output
 * shape, params, FLOPs and problems; sortable by any column; a row click (or Enter) selects the
 * layer and centres the canvas on it, expanding the blocks around it first; CSV / Markdown export
 * through the host's save-file path. A real <table>: column headers are sort buttons with
 * aria-sort, rows are reached with the arrow keys (one tab stop). Only the rows in view are
 * rendered, so a 1,000-layer network costs what 40 rows do.
 */
export function LayerTable({ host }: { host: Host }) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const notify = useApp((s) => s.notify);
  // Low priority: while a node is dragged the table catches up when the canvas is idle.
  const analysis = useDeferredValue(useEditor((s) => s.analysis));
  const selection = useEditor((s) => s.selection.nodes);
  const [sort, setSort] = useState<SortState>(DEFAULT_SORT);
  const rows = useMemo(() => layerRows(analysis), [analysis]);
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const [active, setActive] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const scroller = useRef<HTMLDivElement>(null);
  const wantFocus = useRef(false);
  const count = sorted.length;
  const current = Math.min(active, Math.max(0, count - 1));

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    setHeight(el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const start = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const end = Math.min(count, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
  // The body's one tab stop: the active row, or the first rendered one when it is scrolled away.
  const tabStop = current >= start && current < end ? current : start;
  const onFocusRow = useCallback((position: number) => setActive(position), []);

  const reveal = useCallback(
    async (row: LayerRow): Promise<void> => {
      const s = store.getState();
      const node = getId(s.doc.nodes, row.id);
      if (node === undefined) return;
      // Expand the collapsed blocks around the layer, outermost first.
      for (const g of ancestry(s.doc, node.group).reverse()) {
        if (getId(store.getState().doc.groups, g)?.collapsed === true) await store.getState().setCollapsed(g, false);
      }
      store.getState().select({ nodes: new Set([row.id]) });
      setTimeout(() => {
        const internal = flow.getInternalNode(row.id);
        const p = internal?.internals.positionAbsolute ?? getId(store.getState().doc.nodes, row.id)?.position ?? node.position;
        const w = internal?.measured.width ?? NODE_W;
        const h = internal?.measured.height ?? NODE_H;
        void flow.setCenter(p.x + w / 2, p.y + h / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 200 });
      }, 40);
    },
    [store, flow],
  );

  const pick = useCallback(
    (row: LayerRow, position: number) => {
      setActive(position);
      void reveal(row);
    },
    [reveal],
  );

  // Keep the active row in view (rendering what the new scroll position shows at once)…
  useEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const top = current * ROW_H;
    const head = ROW_H + 2;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_H + head > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_H + head - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, [current]);
  // …and move focus to it, once it is rendered, when the keyboard moved it.
  useEffect(() => {
    if (!wantFocus.current) return;
    const tr = scroller.current?.querySelector<HTMLElement>(`tr[data-row="${current}"]`);
    if (tr === null || tr === undefined) return;
    wantFocus.current = false;
    tr.focus();
  });

  const move = (to: number): void => {
    wantFocus.current = true;
    const next = Math.max(0, Math.min(count - 1, to));
    if (next === current) {
      scroller.current?.querySelector<HTMLElement>(`tr[data-row="${current}"]`)?.focus();
      return;
    }
    setActive(next);
  };

  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>): void => {
    const page = Math.max(1, Math.floor(height / ROW_H) - 2);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(current + 1),
      ArrowUp: () => move(current - 1),
      PageDown: () => move(current + page),
      PageUp: () => move(current - page),
      Home: () => move(0),
      End: () => move(count - 1),
      Enter: () => {
        const row = sorted[current];
        if (row !== undefined) void reveal(row);
      },
      ' ': () => {
        const row = sorted[current];
        if (row !== undefined) void reveal(row);
      },
    };
    const act = keys[e.key];
    if (act === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    e.stopPropagation();
    act();
  };

  const save = (format: 'csv' | 'md'): void => {
    const doc = store.getState().doc;
    const name = `${baseName(doc.meta.name)}-layers.${format}`;
    const content = format === 'csv' ? toCsv(sorted) : toMarkdown(sorted, doc.meta.name);
    host.saveTextFile({ title: 'Export the layer table', defaultName: name, content, extensions: [format] }).then(
      (saved) => saved && notify('info', `Exported the layer table as “${name}”.`),
      (e: unknown) => notify('error', `Could not export the layer table: ${e instanceof Error ? e.message : String(e)}`),
    );
  };

  const sortedBy = COLUMNS.find((c) => c.key === sort.key)?.label ?? sort.key;
  return (
    <section className="layer-table" aria-labelledby="layer-table-title" data-testid="layer-table">
      <header className="lt-head">
        <h2 className="panel-title" id="layer-table-title">
          Layer table
        </h2>
        <span className="muted small" data-testid="layer-count">
          {count} layer{count === 1 ? '' : 's'}
        </span>
        <span className="lt-actions">
          <button type="button" onClick={() => save('csv')} disabled={count === 0} data-testid="layer-table-csv" title="Save the table as CSV (in the order shown)">
            CSV
          </button>
          <button type="button" onClick={() => save('md')} disabled={count === 0} data-testid="layer-table-md" title="Save the table as a Markdown table (in the order shown)">
            Markdown
          </button>
        </span>
      </header>
      <div className="lt-scroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <table aria-rowcount={count + 1} aria-labelledby="layer-table-title" aria-describedby="layer-table-help">
          <caption className="visually-hidden" id="layer-table-help">
            {count} layers, sorted by {sortedBy}, {SORT_WORD[sort.dir]}. Arrow keys move between rows; Enter selects the layer on the canvas.
          </caption>
          <thead>
            <tr aria-rowindex={1}>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={sort.key === c.key ? SORT_WORD[sort.dir] : 'none'}>
                  <button type="button" className="lt-sort" onClick={() => setSort((s) => nextSort(s, c.key))} data-testid={`sort-${c.key}`}>
                    {c.label}
                    <span aria-hidden="true" className="lt-arrow">
                      {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody onKeyDown={onKey}>
            {start > 0 && <tr aria-hidden="true" className="lt-spacer" style={{ height: start * ROW_H }} />}
            {sorted.slice(start, end).map((row, i) => (
              <Row key={row.id} row={row} position={start + i} selected={selection.has(row.id)} active={start + i === tabStop} onPick={pick} onFocusRow={onFocusRow} />
            ))}
            {end < count && <tr aria-hidden="true" className="lt-spacer" style={{ height: (count - end) * ROW_H }} />}
          </tbody>
        </table>
        {count === 0 && <p className="muted small lt-empty">No layers yet: drag one from the palette, or start from a template.</p>}
      </div>
    </section>
  );
}
