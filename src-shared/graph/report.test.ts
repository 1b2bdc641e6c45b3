import { describe, expect, it } from 'vitest';
import v0Residual from './fixtures/v0-residual-block.json';
import { checkDocument } from './report.js';
import { buildGraph, cifarResNet } from './sample-graphs.js';

describe('check report', () => {
  it('a valid network: ok, totals, a shape per node, the table in topological order', () => {
    const r = checkDocument(JSON.parse(JSON.stringify(cifarResNet(3))));
    if (!r.ok) throw new Error(r.error.message);
    const rep = r.report;
    expect(rep).toMatchObject({ ok: true, params: 269_722, nodes: Object.keys(r.doc.nodes).length, migratedFrom: null, name: 'ResNet-20' });
    expect(rep.flops).toBeGreaterThan(40e6);
    expect(rep.shapes['input']).toEqual([32, 32, 3]);
    expect(rep.table[0]?.id).toBe('input');
    expect(rep.table.reduce((s, n) => s + n.params, 0)).toBe(rep.params);
    expect(rep.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a broken one: errors first, each with the labels of its fixes', () => {
    const doc = buildGraph({ height: 32, width: 32, channels: 3 }, (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const f = b.chain(x, ['Conv2D', { filters: 32, kernel: 3, stride: 2 }, 'conv2b']);
      const add = b.add('Add', {}, { id: 'join', label: 'block2_add' });
      b.connect(f, add, 0);
      b.connect(x, add, 1);
      b.chain(add, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', {}, 'head']);
    });
    const r = checkDocument(doc);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.report.ok).toBe(false);
    const [first] = r.report.diagnostics;
    expect(first).toMatchObject({ severity: 'error', code: 'merge-shape-mismatch', node: 'join' });
    expect(first?.message).toContain('[16,16,32] from "conv2b" vs [32,32,3] from "input"');
    expect(first?.fixes.map((f) => f.label)).toContain('Insert 1×1 conv (stride 2, 32 filters) + BN on the shortcut from "input"');
    expect(r.report.shapes['join']).toBeNull();
    expect(r.report.table.find((n) => n.id === 'join')?.status).toBe('error');
  });

  it('migrates older documents and refuses what is not one, in one line', () => {
    const r = checkDocument(v0Residual);
    expect(r.ok && r.report.migratedFrom).toBe(0);
    for (const bad of [[1, 2], { hello: 'world' }, { schemaVersion: 99 }, 'text']) {
      const x = checkDocument(bad);
      expect(x.ok).toBe(false);
      if (!x.ok) expect(x.error.message).not.toMatch(/\n/);
    }
  });
});
