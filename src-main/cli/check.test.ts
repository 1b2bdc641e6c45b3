import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import { run } from './program.js';
import type { Io } from './output.js';

function capture(): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'sw-check-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function resnet20(): Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> } {
  const r = generateTemplate('resnet', { depth: 20 });
  if (!r.ok) throw new Error(r.error.message);
  return JSON.parse(JSON.stringify(r.doc)) as Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> };
}

/** ResNet-20 with the first unit's convs widened to 32 filters: its Add gets [32,32,32] vs [32,32,16]. */
function broken(): string {
  const doc = resnet20();
  for (const id of ['s1b1_conv1', 's1b1_conv2']) {
    const n = doc.nodes[id];
    if (n) n.params = { ...n.params, filters: 32 };
  }
  return file('broken.json', doc);
}

describe('skipwire check', () => {
  it('a valid document: a table of every node with shape, params and FLOPs, then totals; exit 0', async () => {
    const io = capture();
    expect(await run(['check', file('ok.json', resnet20())], io)).toBe(0);
    const text = io.outs.join('\n');
    expect(io.outs[0]).toBe('ResNet-20: 73 nodes, 0.27M params (269,722), 40.8M FLOPs');
    expect(io.outs[1]).toMatch(/^node\s+kind\s+output\s+params\s+FLOPs$/);
    expect(text).toMatch(/^s2b1_conv1\s+Conv2D\s+\[16,16,32\]\s+4,608\s+1\.18M$/m);
    expect(text).toMatch(/^head\s+ClassificationHead\s+\[10\]\s+650\s+640$/m);
    expect(io.errs).toEqual([]);
  });

  it('--json: one object with ok, params, flops, nodes, diagnostics and a shape per node', async () => {
    const io = capture();
    expect(await run(['check', file('ok2.json', resnet20()), '--json'], io)).toBe(0);
    expect(io.outs).toHaveLength(1);
    const j = JSON.parse(io.outs[0] ?? '') as { ok: boolean; params: number; flops: number; nodes: number; diagnostics: unknown[]; shapes: Record<string, number[] | null> };
    expect(j).toMatchObject({ ok: true, params: 269_722, nodes: 73 });
    expect(j.flops).toBeGreaterThan(40e6);
    expect(j.diagnostics.filter((d) => (d as { severity: string }).severity === 'error')).toEqual([]);
    expect(j.shapes['s3b3_out']).toEqual([8, 8, 64]);
    expect(Object.keys(j.shapes)).toHaveLength(73);
  });

  it('a graph with errors: diagnostics with their fixes, exit 1 (human and --json)', async () => {
    const f = broken();
    const io = capture();
    expect(await run(['check', f], io)).toBe(1);
    const text = io.outs.join('\n');
    expect(text).toMatch(/^s1b1_add\s+Add\s+error\s+0\s+0$/m);
    expect(text).toMatch(/diagnostics: 1 error, 0 warnings/);
    expect(text).toContain('error   Add "s1b1_add": inputs differ — [32,32,32] from "s1b1_bn2" vs [32,32,16] from "stem_relu1"');
    expect(text).toContain('fix: Insert 1×1 conv (stride 1, 32 filters) + BN on the shortcut from "stem_relu1"');
    expect(text).toContain('fix: Switch "s1b1_add" to Concat (output [32,32,48])');
    expect(io.errs).toEqual([`skipwire: ${f}: 1 error`]);
    const j = capture();
    expect(await run(['check', f, '--json'], j)).toBe(1);
    const out = JSON.parse(j.outs[0] ?? '') as { ok: boolean; diagnostics: { node: string; code: string; message: string; fixes: { id: string; label: string }[] }[]; shapes: Record<string, unknown> };
    expect(out.ok).toBe(false);
    expect(out.diagnostics[0]).toMatchObject({ node: 's1b1_add', code: 'merge-shape-mismatch' });
    expect(out.diagnostics[0]?.fixes.map((x) => x.id)).toEqual(['insert-projection', 'insert-zero-pad-shortcut', 'switch-to-concat']);
    expect(out.shapes['s1b1_add']).toBeNull();
  });

  it('migrates older documents and says so', async () => {
    const v0 = new URL('../../src-shared/graph/fixtures/v0-residual-block.json', import.meta.url).pathname;
    const io = capture();
    const code = await run(['check', v0], io);
    expect(io.errs).toEqual([]);
    expect(code).toBe(0);
    expect(io.outs[0]).toMatch(/^One residual block \(migrated from schema 0\): \d+ nodes/);
  });

  it('a file that is not a readable document: exit 2, one line, no stack trace', async () => {
    const cases: [string, RegExp][] = [
      [join(dir, 'nope.json'), /cannot read .*nope\.json: no such file/],
      [dir, /cannot read .*: not a file/],
      [file('text.json', 'hello {'), /text\.json: not a Skipwire document: not JSON \(/],
      [file('array.json', [1, 2]), /not a Skipwire document: expected a JSON object, got an array/],
      [file('object.json', { hello: 1 }), /not a Skipwire document: it has no schemaVersion/],
      [file('newer.json', { schemaVersion: 99 }), /made by a newer Skipwire/],
      [file('invalid.json', { ...resnet20(), input: { height: -1, width: 2, channels: 3 } }), /input\.height/],
    ];
    for (const [f, message] of cases) {
      const io = capture();
      expect(await run(['check', f], io), f).toBe(2);
      expect(io.errs).toHaveLength(1);
      expect(io.errs[0]).toMatch(/^skipwire: /);
      expect(io.errs[0]).toMatch(message);
      expect(io.errs[0]).not.toMatch(/\n|\bat .*\(/);
    }
    const none = capture();
    expect(await run(['check'], none)).toBe(2);
    expect(none.errs).toHaveLength(1);
  });
});
