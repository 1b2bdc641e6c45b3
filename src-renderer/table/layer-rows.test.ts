import { describe, expect, it } from 'vitest';
import { costReport } from '../../src-shared/graph/cost.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { group, setRepeat } from '../../src-shared/graph/ops.js';
import { buildGraph, cifarResNet, largeResidualChain } from '../../src-shared/graph/sample-graphs.js';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import { layerRows, nextSort, sortRows, toCsv, toMarkdown } from './layer-rows.js';
import type { LayerRow } from './layer-rows.js';

/** Input -> stem -> [c1, bn, relu, c2, add(stem)] (block "stage") -> pool -> head. */
function blockDoc(repeat: number, c2Filters = 8): GraphDocument {
  const members: string[] = [];
  const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
    const x = b.add('Input', {}, { id: 'input' });
    const stem = b.add('Conv2D', { filters: 8 }, { id: 'stem' });
    b.connect(x, stem);
    const c1 = b.add('Conv2D', { filters: 8 }, { id: 'c1' });
    b.connect(stem, c1);
    const bn = b.chain(c1, ['BatchNorm', {}]);
    const r = b.chain(bn, ['ReLU', {}]);
    const c2 = b.add('Conv2D', { filters: c2Filters }, { id: 'c2' });
    b.connect(r, c2);
    const add = b.add('Add', {}, { id: 'sum' });
    b.connect(c2, add, 0);
    b.connect(stem, add, 1);
    members.push(c1, bn, r, c2, add);
    const gap = b.chain(add, ['GlobalAvgPool', {}]);
    b.connect(gap, b.add('ClassificationHead', { classes: 4 }, { id: 'head' }));
  });
  const g = group(doc, { nodeIds: members, label: 'stage', id: 'stage' });
  if (!g.ok) throw new Error(g.error.message);
  const r = setRepeat(g.doc, { groupId: 'stage', repeat });
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

const byId = (rows: readonly LayerRow[], id: string): LayerRow => {
  const r = rows.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no row ${id}`);
  return r;
};

describe('layer rows', () => {
  it('lists every layer in graph order, and its params and FLOPs add up to the totals', () => {
    const a = inferShapes(cifarResNet(3));
    const rows = layerRows(a);
    expect(rows.map((r) => r.id)).toEqual([...a.order]);
    expect(rows.map((r) => r.index)).toEqual(rows.map((_, i) => i + 1));
    const totals = costReport(a).totals;
    expect(rows.reduce((s, r) => s + (r.params ?? 0), 0)).toBe(totals.params);
    expect(rows.reduce((s, r) => s + (r.flops ?? 0), 0)).toBe(totals.flops);
    expect(totals.params).toBe(269_722);
    const conv1 = rows.find((r) => r.name === 'conv1');
    expect(conv1).toMatchObject({ name: 'conv1', kind: 'Conv2D', shape: [32, 32, 16], params: 3 * 3 * 3 * 16 /* no bias before BatchNorm */, problems: [], worst: null, block: '' });
  });

  it('names the blocks around a layer, outermost first, and counts a repeated block N times', () => {
    const once = layerRows(inferShapes(blockDoc(1)));
    const thrice = layerRows(inferShapes(blockDoc(3)));
    const c1 = byId(thrice, 'c1');
    expect(c1.blocks).toEqual(['stage']);
    expect(c1.block).toBe('stage ×3');
    expect(c1.runs).toBe(3);
    expect(c1.params).toBe(3 * (byId(once, 'c1').params ?? NaN));
    expect(c1.flops).toBe(3 * (byId(once, 'c1').flops ?? NaN));
    expect(byId(thrice, 'stem')).toMatchObject({ block: '', runs: 1, blocks: [] });
    const totals = costReport(inferShapes(blockDoc(3))).totals;
    expect(thrice.reduce((s, r) => s + (r.params ?? 0), 0)).toBe(totals.params);
  });

  it('nests template blocks: a ResNet layer reads stage › block', () => {
    const t = generateTemplate('resnet', { depth: 20 });
    if (!t.ok) throw new Error(t.error.message);
    const rows = layerRows(inferShapes(t.doc));
    expect(rows).toHaveLength(Object.keys(t.doc.nodes).length);
    const nested = rows.find((r) => r.blocks.length >= 2);
    expect(nested).toBeDefined();
    expect(nested?.block.split(' › ')).toHaveLength(nested?.blocks.length ?? -1);
  });

  it("carries each layer's diagnostics, worst first in `worst`, and no shape where it has none", () => {
    // c2 gives 16 channels into an Add with the 8-channel stem: the Add is an error, the block cannot repeat.
    const rows = layerRows(inferShapes(blockDoc(2, 16)));
    const sum = byId(rows, 'sum');
    expect(sum.worst).toBe('error');
    expect(sum.problems.some((p) => p.message.includes('16') && p.message.includes('8'))).toBe(true);
    expect(sum.shape).toBeNull();
    expect(sum.params).toBeNull();
    expect(byId(rows, 'head').shape).toBeNull();
    expect(byId(rows, 'stem').worst).toBeNull();
  });
});

describe('sorting', () => {
  const rows = layerRows(inferShapes(blockDoc(2, 16)));

  it('sorts numbers both ways, ties in graph order, layers without a value last either way', () => {
    for (const dir of ['asc', 'desc'] as const) {
      const s = sortRows(rows, { key: 'params', dir });
      const known = s.filter((r) => r.params !== null);
      const unknown = s.filter((r) => r.params === null);
      expect(s.slice(known.length)).toEqual(unknown);
      for (let i = 1; i < known.length; i++) {
        const [p, q] = [known[i - 1] as LayerRow, known[i] as LayerRow];
        const d = (q.params ?? 0) - (p.params ?? 0);
        expect(dir === 'asc' ? d >= 0 : d <= 0).toBe(true);
        if (d === 0) expect(q.index).toBeGreaterThan(p.index);
      }
      expect(unknown.map((r) => r.index)).toEqual([...unknown.map((r) => r.index)].sort((a, b) => a - b));
    }
  });

  it('sorts by problems (errors first when descending), by kind, and back to graph order', () => {
    const worst = sortRows(rows, { key: 'problems', dir: 'desc' })[0];
    expect(worst?.worst).toBe('error');
    const kinds = sortRows(rows, { key: 'kind', dir: 'asc' }).map((r) => r.kind);
    expect(kinds).toEqual([...kinds].sort((a, b) => a.localeCompare(b)));
    expect(sortRows(rows, { key: 'index', dir: 'desc' }).map((r) => r.index)).toEqual(rows.map((r) => r.index).reverse());
    expect(sortRows(rows, { key: 'index', dir: 'asc' })).toEqual(rows);
  });

  it('sorts shapes by size, and does not change the rows it is given', () => {
    const before = rows.map((r) => r.id);
    const s = sortRows(rows, { key: 'shape', dir: 'desc' }).filter((r) => r.shape !== null);
    const size = (r: LayerRow): number => (r.shape ?? []).reduce((p, v) => p * v, 1);
    for (let i = 1; i < s.length; i++) expect(size(s[i - 1] as LayerRow)).toBeGreaterThanOrEqual(size(s[i] as LayerRow));
    expect(rows.map((r) => r.id)).toEqual(before);
  });

  it('a header click flips its column, another column starts ascending (numbers largest first)', () => {
    expect(nextSort({ key: 'index', dir: 'asc' }, 'index')).toEqual({ key: 'index', dir: 'desc' });
    expect(nextSort({ key: 'index', dir: 'desc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'flops')).toEqual({ key: 'flops', dir: 'desc' });
  });

  it('sorts 1,000 layers quickly', () => {
    const big = layerRows(inferShapes(largeResidualChain(1000)));
    expect(big.length).toBeGreaterThan(990);
    const t0 = performance.now();
    sortRows(big, { key: 'flops', dir: 'desc' });
    sortRows(big, { key: 'name', dir: 'asc' });
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('export', () => {
  const rows = layerRows(inferShapes(blockDoc(2, 16)));

  /** A small RFC 4180 reader, to read back what toCsv wrote. */
  function parseCsv(text: string): string[][] {
    const out: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        row.push(cell);
        cell = '';
      } else if (ch === '\r' && text[i + 1] === '\n') {
        row.push(cell);
        out.push(row);
        row = [];
        cell = '';
        i++;
      } else cell += ch;
    }
    return out;
  }

  it('writes CSV that reads back cell for cell, quoting commas, quotes and new lines', () => {
    const tricky: LayerRow = { ...(rows[1] as LayerRow), name: 'conv, "wide"\nsecond line', block: '=SUM(A1)' };
    const text = toCsv([tricky, ...rows.slice(2)]);
    const back = parseCsv(text);
    expect(back[0]).toEqual(['#', 'Layer', 'Id', 'Block', 'Kind', 'Output shape', 'Params', 'FLOPs', 'Problems']);
    expect(back).toHaveLength(rows.length);
    expect(back[1]?.[1]).toBe('conv, "wide"\nsecond line');
    // A cell that a spreadsheet would run as a formula stays text.
    expect(back[1]?.[3]).toBe("'=SUM(A1)");
    const sum = back.find((r) => r[2] === 'sum');
    expect(sum?.[8]).toMatch(/^error: /);
    expect(sum?.[6]).toBe('');
    const stem = back.find((r) => r[2] === 'stem');
    expect(stem?.[5]).toBe('8×8×8');
    expect(stem?.[6]).toBe(String(byId(rows, 'stem').params));
  });

  it('writes a Markdown table with one line per layer, pipes escaped, and the totals', () => {
    const piped: LayerRow = { ...(rows[1] as LayerRow), name: 'a|b' };
    const md = toMarkdown([piped, ...rows.slice(2)], 'Net | 1');
    const lines = md.split('\n');
    expect(lines[0]).toBe('## Net \\| 1');
    const table = lines.filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(rows.length - 1 + 2);
    expect(table[1]).toBe('| ---: | --- | --- | --- | --- | --- | ---: | ---: | --- |');
    expect(table[2]).toContain('a\\|b');
    // Every table line has the same number of unescaped separators.
    const seps = table.map((l) => l.replace(/\\\|/g, '').split('|').length);
    expect(new Set(seps).size).toBe(1);
    const params = rows.slice(1).reduce((s, r) => s + (r.params ?? 0), 0);
    expect(md).toContain(`${rows.length - 1} layers · ${params} params`);
  });
});
